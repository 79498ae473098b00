import Foundation

/// A small interpreter for the subset of CEL used by Kubernetes `x-kubernetes-validations` rules in the Karpenter
/// and Flux CRDs: literals, `self`, field access, indexing, `has()`, `size()`, `int()`, `string()`, logical and
/// comparison operators, `in`, the ternary, arithmetic, the macros `all`, `exists`, `exists_one`, `filter`, `map`,
/// and the string functions `startsWith`, `endsWith`, `contains`, `matches`, `split`, `find`, `lowerAscii`,
/// `upperAscii`, `trim`. Anything else raises ``CELExpression/Failure/unsupported(_:)`` so callers can report
/// the rule as not evaluated rather than silently passing it.
public struct CELExpression: Sendable {
    /// Why an expression could not be evaluated.
    public enum Failure: Error, Equatable, Sendable {
        /// The expression uses syntax or a function outside the supported subset.
        case unsupported(String)
        /// A runtime error (no such key, wrong operand types, …).
        case evaluation(String)
    }

    indirect enum Expr: Sendable {
        case literal(SchemaValue)
        case list([Expr])
        case identifier(String)
        case member(Expr, String)
        case index(Expr, Expr)
        case call(String, [Expr])
        case method(Expr, String, [Expr])
        case unary(String, Expr)
        case binary(String, Expr, Expr)
        case conditional(Expr, Expr, Expr)
    }

    let root: Expr
    /// The source text.
    public let source: String

    /// Parses `source`; throws ``Failure/unsupported(_:)`` for syntax outside the subset.
    public init(_ source: String) throws {
        self.source = source
        var parser = Parser(tokens: try Lexer.tokens(source))
        root = try parser.expression()
        guard parser.atEnd else { throw Failure.unsupported("unexpected \(parser.peekDescription) in \(source)") }
    }

    /// Whether the expression mentions `oldSelf` (a transition rule, only evaluated on update).
    public var isTransitionRule: Bool { Self.mentions("oldSelf", in: root) }

    /// Evaluates with `self` bound to `value`.
    public func evaluate(self value: SchemaValue) throws -> SchemaValue {
        try Evaluator(variables: ["self": value]).eval(root)
    }

    static func mentions(_ name: String, in expr: Expr) -> Bool {
        switch expr {
        case .literal: return false
        case .identifier(let id): return id == name
        case .list(let items): return items.contains { mentions(name, in: $0) }
        case .member(let base, _): return mentions(name, in: base)
        case .index(let base, let index): return mentions(name, in: base) || mentions(name, in: index)
        case .call(_, let args): return args.contains { mentions(name, in: $0) }
        case .method(let base, _, let args): return mentions(name, in: base) || args.contains { mentions(name, in: $0) }
        case .unary(_, let operand): return mentions(name, in: operand)
        case .binary(_, let lhs, let rhs): return mentions(name, in: lhs) || mentions(name, in: rhs)
        case .conditional(let a, let b, let c): return mentions(name, in: a) || mentions(name, in: b) || mentions(name, in: c)
        }
    }
}

// MARK: - Lexer

enum CELToken: Equatable {
    case identifier(String)
    case int(Int)
    case double(Double)
    case string(String)
    case symbol(String)
}

enum Lexer {
    static func tokens(_ text: String) throws -> [CELToken] {
        let chars = Array(text)
        var tokens: [CELToken] = []
        var i = 0
        let symbols = [
            "&&", "||", "==", "!=", "<=", ">=", "!", "<", ">", "+", "-", "*", "/", "%", "?", ":", ".", ",", "(", ")", "[", "]",
        ]
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                tokens.append(.identifier(String(chars[i..<j])))
                i = j
                continue
            }
            if c.isNumber {
                var j = i
                while j < chars.count, chars[j].isNumber { j += 1 }
                if j + 1 < chars.count, chars[j] == ".", chars[j + 1].isNumber {
                    j += 1
                    while j < chars.count, chars[j].isNumber { j += 1 }
                    guard let value = Double(String(chars[i..<j])) else { throw CELExpression.Failure.unsupported("number") }
                    tokens.append(.double(value))
                } else {
                    guard let value = Int(String(chars[i..<j])) else { throw CELExpression.Failure.unsupported("number") }
                    tokens.append(.int(value))
                    if j < chars.count, chars[j] == "u" { j += 1 }
                }
                i = j
                continue
            }
            if c == "'" || c == "\"" {
                if i + 2 < chars.count, chars[i + 1] == c, chars[i + 2] == c {
                    throw CELExpression.Failure.unsupported("triple-quoted strings")
                }
                var j = i + 1
                var value = ""
                while j < chars.count, chars[j] != c {
                    if chars[j] == "\\", j + 1 < chars.count {
                        let next = chars[j + 1]
                        switch next {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        case "\\", "'", "\"": value.append(next)
                        default: throw CELExpression.Failure.unsupported("escape \\\(next)")
                        }
                        j += 2
                        continue
                    }
                    value.append(chars[j])
                    j += 1
                }
                guard j < chars.count else { throw CELExpression.Failure.unsupported("unterminated string") }
                tokens.append(.string(value))
                i = j + 1
                continue
            }
            if let symbol = symbols.first(where: { symbol in
                let end = i + symbol.count
                return end <= chars.count && String(chars[i..<end]) == symbol
            }) {
                tokens.append(.symbol(symbol))
                i += symbol.count
                continue
            }
            throw CELExpression.Failure.unsupported("character \"\(c)\"")
        }
        return tokens
    }
}

// MARK: - Parser

struct Parser {
    var tokens: [CELToken]
    var position = 0

    var atEnd: Bool { position >= tokens.count }
    var peekDescription: String { atEnd ? "end" : "\(tokens[position])" }

    func peekSymbol(_ symbol: String) -> Bool {
        guard position < tokens.count, case .symbol(let s) = tokens[position] else { return false }
        return s == symbol
    }

    func peekIdentifier(_ name: String) -> Bool {
        guard position < tokens.count, case .identifier(let s) = tokens[position] else { return false }
        return s == name
    }

    mutating func expect(_ symbol: String) throws {
        guard peekSymbol(symbol) else { throw CELExpression.Failure.unsupported("expected \(symbol), found \(peekDescription)") }
        position += 1
    }

    mutating func expression() throws -> CELExpression.Expr {
        let condition = try binary(level: 0)
        if peekSymbol("?") {
            position += 1
            let then = try expression()
            try expect(":")
            let otherwise = try expression()
            return .conditional(condition, then, otherwise)
        }
        return condition
    }

    static let levels: [[String]] = [["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">=", "in"], ["+", "-"], ["*", "/", "%"]]

    mutating func binary(level: Int) throws -> CELExpression.Expr {
        guard level < Self.levels.count else { return try unary() }
        var lhs = try binary(level: level + 1)
        while let op = Self.levels[level].first(where: { peekSymbol($0) || ($0 == "in" && peekIdentifier("in")) }) {
            position += 1
            let rhs = try binary(level: level + 1)
            lhs = .binary(op, lhs, rhs)
        }
        return lhs
    }

    mutating func unary() throws -> CELExpression.Expr {
        if peekSymbol("!") {
            position += 1
            return .unary("!", try unary())
        }
        if peekSymbol("-") {
            position += 1
            return .unary("-", try unary())
        }
        return try postfix()
    }

    mutating func postfix() throws -> CELExpression.Expr {
        var expr = try primary()
        while true {
            if peekSymbol(".") {
                position += 1
                guard position < tokens.count, case .identifier(let name) = tokens[position] else {
                    throw CELExpression.Failure.unsupported("expected a field name after '.'")
                }
                position += 1
                if peekSymbol("(") {
                    expr = .method(expr, name, try arguments())
                } else {
                    expr = .member(expr, name)
                }
            } else if peekSymbol("[") {
                position += 1
                let index = try expression()
                try expect("]")
                expr = .index(expr, index)
            } else {
                return expr
            }
        }
    }

    mutating func arguments() throws -> [CELExpression.Expr] {
        try expect("(")
        var args: [CELExpression.Expr] = []
        if peekSymbol(")") {
            position += 1
            return args
        }
        while true {
            args.append(try expression())
            if peekSymbol(",") {
                position += 1
                continue
            }
            try expect(")")
            return args
        }
    }

    mutating func primary() throws -> CELExpression.Expr {
        guard position < tokens.count else { throw CELExpression.Failure.unsupported("unexpected end of expression") }
        let token = tokens[position]
        position += 1
        switch token {
        case .int(let value): return .literal(.int(value))
        case .double(let value): return .literal(.double(value))
        case .string(let value): return .literal(.string(value))
        case .identifier(let name):
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default:
                if peekSymbol("(") { return .call(name, try arguments()) }
                return .identifier(name)
            }
        case .symbol("("):
            let inner = try expression()
            try expect(")")
            return inner
        case .symbol("["):
            var items: [CELExpression.Expr] = []
            if peekSymbol("]") {
                position += 1
                return .list(items)
            }
            while true {
                items.append(try expression())
                if peekSymbol(",") {
                    position += 1
                    if peekSymbol("]") {
                        position += 1
                        return .list(items)
                    }
                    continue
                }
                try expect("]")
                return .list(items)
            }
        case .symbol(let symbol):
            throw CELExpression.Failure.unsupported("unexpected '\(symbol)'")
        }
    }
}

// MARK: - Evaluator

struct Evaluator {
    var variables: [String: SchemaValue]

    typealias Failure = CELExpression.Failure

    func eval(_ expr: CELExpression.Expr) throws -> SchemaValue {
        switch expr {
        case .literal(let value):
            return value
        case .list(let items):
            return .array(try items.map(eval))
        case .identifier(let name):
            guard let value = variables[name] else {
                if name == "oldSelf" { throw Failure.unsupported("oldSelf (transition rule)") }
                throw Failure.unsupported("identifier \(name)")
            }
            return value
        case .member(let base, let name):
            let value = try eval(base)
            guard case .object(let map) = value else { throw Failure.evaluation("no such key: \(name)") }
            guard let field = map[name] else { throw Failure.evaluation("no such key: \(name)") }
            return field
        case .index(let base, let indexExpr):
            let value = try eval(base)
            let index = try eval(indexExpr)
            switch (value, index) {
            case (.array(let items), .int(let i)):
                guard items.indices.contains(i) else { throw Failure.evaluation("index out of range: \(i)") }
                return items[i]
            case (.object(let map), .string(let key)):
                guard let field = map[key] else { throw Failure.evaluation("no such key: \(key)") }
                return field
            default:
                throw Failure.evaluation("cannot index \(value.typeName) with \(index.typeName)")
            }
        case .call(let name, let args):
            return try call(name, args)
        case .method(let base, let name, let args):
            return try method(base, name, args)
        case .unary(let op, let operand):
            let value = try eval(operand)
            switch (op, value) {
            case ("!", .bool(let b)): return .bool(!b)
            case ("-", .int(let i)): return .int(-i)
            case ("-", .double(let d)): return .double(-d)
            default: throw Failure.evaluation("no such overload: \(op)\(value.typeName)")
            }
        case .binary(let op, let lhs, let rhs):
            return try binary(op, lhs, rhs)
        case .conditional(let condition, let then, let otherwise):
            guard case .bool(let b) = try eval(condition) else { throw Failure.evaluation("condition is not a bool") }
            return try eval(b ? then : otherwise)
        }
    }

    private func bool(_ expr: CELExpression.Expr) throws -> Bool {
        guard case .bool(let b) = try eval(expr) else { throw Failure.evaluation("expected a bool") }
        return b
    }

    private func binary(_ op: String, _ lhsExpr: CELExpression.Expr, _ rhsExpr: CELExpression.Expr) throws -> SchemaValue {
        if op == "&&" || op == "||" {
            let decisive = op == "||"
            var deferred: Error?
            do {
                if try bool(lhsExpr) == decisive { return .bool(decisive) }
            } catch let failure as Failure where !failure.isUnsupported {
                deferred = failure
            }
            let right = try bool(rhsExpr)
            if right == decisive { return .bool(decisive) }
            if let deferred { throw deferred }
            return .bool(!decisive)
        }
        let lhs = try eval(lhsExpr)
        let rhs = try eval(rhsExpr)
        switch op {
        case "==": return .bool(Self.equal(lhs, rhs))
        case "!=": return .bool(!Self.equal(lhs, rhs))
        case "in":
            switch rhs {
            case .array(let items): return .bool(items.contains { Self.equal($0, lhs) })
            case .object(let map):
                guard case .string(let key) = lhs else { return .bool(false) }
                return .bool(map[key] != nil)
            default: throw Failure.evaluation("no such overload: in \(rhs.typeName)")
            }
        case "<", "<=", ">", ">=":
            let order = try Self.compare(lhs, rhs)
            switch op {
            case "<": return .bool(order < 0)
            case "<=": return .bool(order <= 0)
            case ">": return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case "+":
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)): return .int(a + b)
            case (.double(let a), .double(let b)): return .double(a + b)
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.array(let a), .array(let b)): return .array(a + b)
            default: throw Failure.evaluation("no such overload: \(lhs.typeName) + \(rhs.typeName)")
            }
        case "-", "*", "/", "%":
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)):
                if (op == "/" || op == "%") && b == 0 { throw Failure.evaluation("division by zero") }
                switch op {
                case "-": return .int(a - b)
                case "*": return .int(a * b)
                case "/": return .int(a / b)
                default: return .int(a % b)
                }
            case (.double(let a), .double(let b)):
                switch op {
                case "-": return .double(a - b)
                case "*": return .double(a * b)
                case "/": return .double(a / b)
                default: throw Failure.evaluation("no such overload: double % double")
                }
            default: throw Failure.evaluation("no such overload: \(lhs.typeName) \(op) \(rhs.typeName)")
            }
        default:
            throw Failure.unsupported("operator \(op)")
        }
    }

    private func call(_ name: String, _ args: [CELExpression.Expr]) throws -> SchemaValue {
        switch (name, args.count) {
        case ("has", 1):
            guard case .member(let base, let field) = args[0] else { throw Failure.unsupported("has() needs a field selection") }
            let value = try eval(base)
            guard case .object(let map) = value else { throw Failure.evaluation("has() on \(value.typeName)") }
            return .bool(map[field] != nil)
        case ("size", 1):
            return try size(eval(args[0]))
        case ("int", 1):
            switch try eval(args[0]) {
            case .int(let i): return .int(i)
            case .double(let d): return .int(Int(d))
            case .string(let s):
                guard let i = Int(s) else { throw Failure.evaluation("cannot convert \"\(s)\" to int") }
                return .int(i)
            case let other: throw Failure.evaluation("no such overload: int(\(other.typeName))")
            }
        case ("string", 1):
            switch try eval(args[0]) {
            case .string(let s): return .string(s)
            case .int(let i): return .string(String(i))
            case .double(let d): return .string(String(d))
            case .bool(let b): return .string(String(b))
            case let other: throw Failure.evaluation("no such overload: string(\(other.typeName))")
            }
        default:
            throw Failure.unsupported("function \(name)/\(args.count)")
        }
    }

    private func size(_ value: SchemaValue) throws -> SchemaValue {
        switch value {
        case .string(let s): return .int(s.unicodeScalars.count)
        case .array(let items): return .int(items.count)
        case .object(let map): return .int(map.count)
        default: throw Failure.evaluation("no such overload: size(\(value.typeName))")
        }
    }

    private func method(_ baseExpr: CELExpression.Expr, _ name: String, _ args: [CELExpression.Expr]) throws -> SchemaValue {
        let macros = ["all", "exists", "exists_one", "filter", "map"]
        if macros.contains(name) {
            guard args.count == 2, case .identifier(let variable) = args[0] else {
                throw Failure.unsupported("macro \(name) with \(args.count) arguments")
            }
            let base = try eval(baseExpr)
            let elements: [SchemaValue]
            switch base {
            case .array(let items): elements = items
            case .object(let map): elements = map.keys.sorted().map { .string($0) }
            default: throw Failure.evaluation("\(name) on \(base.typeName)")
            }
            var results: [SchemaValue] = []
            var matches = 0
            var firstError: Error?
            for element in elements {
                var scope = self
                scope.variables[variable] = element
                do {
                    let result = try scope.eval(args[1])
                    switch name {
                    case "map":
                        results.append(result)
                    default:
                        guard case .bool(let b) = result else { throw Failure.evaluation("\(name) predicate is not a bool") }
                        if name == "all" && !b { return .bool(false) }
                        if name == "exists" && b { return .bool(true) }
                        if b {
                            matches += 1
                            results.append(element)
                        }
                    }
                } catch let failure as Failure where !failure.isUnsupported && (name == "all" || name == "exists") {
                    if firstError == nil { firstError = failure }
                }
            }
            if let firstError { throw firstError }
            switch name {
            case "all": return .bool(true)
            case "exists": return .bool(false)
            case "exists_one": return .bool(matches == 1)
            default: return .array(results)
            }
        }
        let base = try eval(baseExpr)
        let values = try args.map(eval)
        switch (name, base, values.count) {
        case ("size", _, 0):
            return try size(base)
        case ("startsWith", .string(let s), 1):
            return .bool(s.hasPrefix(try Self.string(values[0])))
        case ("endsWith", .string(let s), 1):
            return .bool(s.hasSuffix(try Self.string(values[0])))
        case ("contains", .string(let s), 1):
            let needle = try Self.string(values[0])
            return .bool(needle.isEmpty || s.contains(needle))
        case ("matches", .string(let s), 1):
            return .bool(
                try Self.regex(try Self.string(values[0])).firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            )
        case ("find", .string(let s), 1):
            let regex = try Self.regex(try Self.string(values[0]))
            guard let match = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)),
                let range = Range(match.range, in: s)
            else { return .string("") }
            return .string(String(s[range]))
        case ("split", .string(let s), 1):
            let separator = try Self.string(values[0])
            guard !separator.isEmpty else { return .array(s.map { .string(String($0)) }) }
            return .array(s.components(separatedBy: separator).map { .string($0) })
        case ("lowerAscii", .string(let s), 0):
            return .string(s.lowercased())
        case ("upperAscii", .string(let s), 0):
            return .string(s.uppercased())
        case ("trim", .string(let s), 0):
            return .string(s.trimmingCharacters(in: .whitespaces))
        default:
            throw Failure.unsupported("function \(name) on \(base.typeName)")
        }
    }

    static func string(_ value: SchemaValue) throws -> String {
        guard case .string(let s) = value else { throw Failure.evaluation("expected a string, got \(value.typeName)") }
        return s
    }

    static func regex(_ pattern: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw Failure.evaluation("invalid regular expression \(pattern)")
        }
    }

    static func equal(_ lhs: SchemaValue, _ rhs: SchemaValue) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .double(let b)): return Double(a) == b
        case (.double(let a), .int(let b)): return a == Double(b)
        default: return lhs == rhs
        }
    }

    static func compare(_ lhs: SchemaValue, _ rhs: SchemaValue) throws -> Int {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.double(let a), .double(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.int(let a), .double(let b)): return Double(a) < b ? -1 : (Double(a) == b ? 0 : 1)
        case (.double(let a), .int(let b)): return a < Double(b) ? -1 : (a == Double(b) ? 0 : 1)
        case (.string(let a), .string(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        default: throw Failure.evaluation("no such overload: \(lhs.typeName) < \(rhs.typeName)")
        }
    }
}

extension CELExpression.Failure {
    var isUnsupported: Bool {
        if case .unsupported = self { return true }
        return false
    }
}
