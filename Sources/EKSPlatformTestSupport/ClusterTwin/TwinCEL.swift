import Foundation
import KubeFake

/// The slice of the Common Expression Language (cel-spec `doc/langdef.md`) that the rendered `healthCheckExprs`
/// use, evaluated over one object the way kustomize-controller's CEL status reader does (the object's top-level
/// fields are the variables: `metadata`, `spec`, `status`).
///
/// Covered: literals (single- or double-quoted strings, integers, `true`, `false`, `null`, list literals), field
/// selection `a.b`, optional selection `a.?b` with `.orValue(x)` (cel-go's optional types, which Flux enables), indexing
/// `a[0]` / `a['key']`, `has(a.b)`, `.size()`, the macros `exists`, `all` and `filter`, `!`, `&&`, `||`, `==`, `!=`,
/// `<`, `<=`, `>`, `>=`. Anything else is a ``ParseError``: the twin refuses an expression it does not understand
/// rather than guessing, so a rendered expression outside this subset fails its test loudly.
///
/// A missing field is an evaluation error (cel-spec: "no such key"), which the caller treats as Flux does: the
/// object stays in progress until the health check times out.
struct TwinCEL: Sendable {
    /// The expression does not parse, or uses syntax outside the subset.
    struct ParseError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// Evaluation failed (a missing key, a type mismatch).
    struct EvaluationError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    indirect enum Node: Sendable {
        case literal(Value)
        case list([Node])
        case identifier(String)
        case select(Node, String, optional: Bool)
        case index(Node, Node)
        case call(Node?, String, [Node])
        case unary(String, Node)
        case binary(String, Node, Node)
    }

    enum Value: Sendable, Equatable {
        case json(KubeFakeJSON)
        /// cel-go's `optional.none()`.
        case absent
        /// An optional holding a value (`optional.of(x)`).
        case present(KubeFakeJSON)
    }

    let source: String
    let root: Node

    /// Parses `source`.
    /// - Throws: ``ParseError`` for anything outside the subset.
    init(_ source: String) throws {
        self.source = source
        var parser = Parser(tokens: try Self.tokenize(source), source: source)
        root = try parser.expression()
        guard parser.position == parser.tokens.count else {
            throw ParseError(description: "unexpected '\(parser.tokens[parser.position].text)' in \(source)")
        }
    }

    /// Evaluates to a boolean over `object`.
    /// - Throws: ``EvaluationError`` for a missing key or a non-boolean result.
    func isTrue(for object: KubeFakeJSON) throws -> Bool {
        guard case .json(.bool(let result)) = try Self.evaluate(root, scope: object.objectValue ?? [:]) else {
            throw EvaluationError(description: "\(source) did not evaluate to a bool")
        }
        return result
    }

    // MARK: - Tokens

    struct Token: Equatable, Sendable {
        enum Kind: Sendable { case identifier, string, int, symbol }
        var kind: Kind
        var text: String
    }

    static func tokenize(_ source: String) throws -> [Token] {
        var tokens: [Token] = []
        let characters = Array(source)
        var index = 0
        let symbols = ["&&", "||", "==", "!=", "<=", ">=", ".?", "(", ")", "[", "]", ".", ",", "!", "<", ">"]
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
                continue
            }
            if character == "'" || character == "\"" {
                var text = ""
                index += 1
                while index < characters.count, characters[index] != character {
                    if characters[index] == "\\" {
                        throw ParseError(description: "escapes in strings are not supported: \(source)")
                    }
                    text.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw ParseError(description: "unterminated string in \(source)") }
                index += 1
                tokens.append(Token(kind: .string, text: text))
                continue
            }
            if character.isNumber {
                var text = ""
                while index < characters.count, characters[index].isNumber {
                    text.append(characters[index])
                    index += 1
                }
                tokens.append(Token(kind: .int, text: text))
                continue
            }
            if character.isLetter || character == "_" {
                var text = ""
                while index < characters.count,
                    characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
                {
                    text.append(characters[index])
                    index += 1
                }
                tokens.append(Token(kind: .identifier, text: text))
                continue
            }
            let rest = String(characters[index..<min(index + 2, characters.count)])
            guard let symbol = symbols.first(where: { rest.hasPrefix($0) }) else {
                throw ParseError(description: "'\(character)' is outside the cluster twin's CEL subset: \(source)")
            }
            tokens.append(Token(kind: .symbol, text: symbol))
            index += symbol.count
        }
        return tokens
    }

    // MARK: - Parser (precedence climbing: || < && < relations < unary < member)

    struct Parser {
        var tokens: [Token]
        var source: String
        var position = 0

        var peek: Token? { position < tokens.count ? tokens[position] : nil }

        mutating func take(_ symbol: String) -> Bool {
            guard peek == Token(kind: .symbol, text: symbol) else { return false }
            position += 1
            return true
        }

        mutating func expect(_ symbol: String) throws {
            guard take(symbol) else {
                throw ParseError(description: "expected '\(symbol)' at token \(position) of \(source)")
            }
        }

        mutating func expression() throws -> Node {
            var left = try conjunction()
            while take("||") { left = .binary("||", left, try conjunction()) }
            return left
        }

        mutating func conjunction() throws -> Node {
            var left = try relation()
            while take("&&") { left = .binary("&&", left, try relation()) }
            return left
        }

        mutating func relation() throws -> Node {
            var left = try unary()
            while let token = peek, token.kind == .symbol, ["==", "!=", "<", "<=", ">", ">="].contains(token.text) {
                position += 1
                left = .binary(token.text, left, try unary())
            }
            return left
        }

        mutating func unary() throws -> Node {
            if take("!") { return .unary("!", try unary()) }
            return try member()
        }

        mutating func member() throws -> Node {
            var node = try primary()
            while true {
                let plain = take(".")
                if plain || take(".?") {
                    let optional = !plain
                    guard let name = peek, name.kind == .identifier else {
                        throw ParseError(description: "expected a field name at token \(position) of \(source)")
                    }
                    position += 1
                    if !optional, take("(") {
                        guard ["orValue", "size", "exists", "all", "filter"].contains(name.text) else {
                            throw ParseError(
                                description: "method \(name.text) is outside the cluster twin's CEL subset: \(source)"
                            )
                        }
                        node = .call(node, name.text, try arguments())
                    } else {
                        node = .select(node, name.text, optional: optional)
                    }
                } else if take("[") {
                    let index = try expression()
                    try expect("]")
                    node = .index(node, index)
                } else {
                    return node
                }
            }
        }

        /// The arguments after `(`, through `)`.
        mutating func arguments() throws -> [Node] {
            var nodes: [Node] = []
            if take(")") { return nodes }
            repeat { nodes.append(try expression()) } while take(",")
            try expect(")")
            return nodes
        }

        mutating func primary() throws -> Node {
            guard let token = peek else { throw ParseError(description: "unexpected end of \(source)") }
            position += 1
            switch token.kind {
            case .string: return .literal(.json(.string(token.text)))
            case .int:
                guard let value = Int64(token.text) else { throw ParseError(description: "bad integer in \(source)") }
                return .literal(.json(.int(value)))
            case .identifier:
                switch token.text {
                case "true": return .literal(.json(.bool(true)))
                case "false": return .literal(.json(.bool(false)))
                case "null": return .literal(.json(.null))
                default:
                    if take("(") {
                        guard token.text == "has" else {
                            throw ParseError(
                                description: "function \(token.text) is outside the cluster twin's CEL subset: \(source)"
                            )
                        }
                        return .call(nil, token.text, try arguments())
                    }
                    return .identifier(token.text)
                }
            case .symbol:
                if token.text == "(" {
                    let inner = try expression()
                    try expect(")")
                    return inner
                }
                if token.text == "[" {
                    var items: [Node] = []
                    if !take("]") {
                        repeat { items.append(try expression()) } while take(",")
                        try expect("]")
                    }
                    return .list(items)
                }
                throw ParseError(description: "unexpected '\(token.text)' in \(source)")
            }
        }
    }

    // MARK: - Evaluation

    static func evaluate(_ node: Node, scope: [String: KubeFakeJSON]) throws -> Value {
        switch node {
        case .literal(let value): return value
        case .list(let items): return .json(.array(try items.map { try json(evaluate($0, scope: scope)) }))
        case .identifier(let name):
            guard let value = scope[name] else { throw EvaluationError(description: "no such key: \(name)") }
            return .json(value)
        case .select(let base, let field, let optional):
            let value = try evaluate(base, scope: scope)
            switch value {
            case .absent: return .absent
            case .present(let inner): return select(inner, field).map(Value.present) ?? .absent
            case .json(let inner):
                if optional { return select(inner, field).map(Value.present) ?? .absent }
                guard let found = select(inner, field) else { throw EvaluationError(description: "no such key: \(field)") }
                return .json(found)
            }
        case .index(let base, let indexNode):
            let container = try json(evaluate(base, scope: scope))
            let key = try json(evaluate(indexNode, scope: scope))
            switch (container, key) {
            case (.array(let items), .int(let position)):
                guard position >= 0, Int(position) < items.count else {
                    throw EvaluationError(description: "index out of range: \(position)")
                }
                return .json(items[Int(position)])
            case (.object(let map), .string(let name)):
                guard let found = map[name] else { throw EvaluationError(description: "no such key: \(name)") }
                return .json(found)
            default: throw EvaluationError(description: "no such overload: index")
            }
        case .unary(_, let operand):
            guard case .bool(let value) = try json(evaluate(operand, scope: scope)) else {
                throw EvaluationError(description: "no such overload: !")
            }
            return .json(.bool(!value))
        case .binary(let op, let left, let right):
            if op == "&&" || op == "||" {
                // CEL's && and || are commutative over errors; the rendered expressions only need short-circuit order.
                guard case .bool(let first) = try json(evaluate(left, scope: scope)) else {
                    throw EvaluationError(description: "no such overload: \(op)")
                }
                if op == "&&" && !first { return .json(.bool(false)) }
                if op == "||" && first { return .json(.bool(true)) }
                guard case .bool(let second) = try json(evaluate(right, scope: scope)) else {
                    throw EvaluationError(description: "no such overload: \(op)")
                }
                return .json(.bool(second))
            }
            let a = try json(evaluate(left, scope: scope))
            let b = try json(evaluate(right, scope: scope))
            switch op {
            case "==": return .json(.bool(a == b))
            case "!=": return .json(.bool(a != b))
            default:
                guard case .int(let x) = a, case .int(let y) = b else {
                    throw EvaluationError(description: "no such overload: \(op) on non-integers")
                }
                let result: Bool =
                    switch op {
                    case "<": x < y
                    case "<=": x <= y
                    case ">": x > y
                    default: x >= y
                    }
                return .json(.bool(result))
            }
        case .call(let target, let name, let arguments):
            return try call(target, name, arguments, scope: scope)
        }
    }

    static func call(_ target: Node?, _ name: String, _ arguments: [Node], scope: [String: KubeFakeJSON]) throws -> Value {
        guard let target else {
            // has(a.b): whether the last selection's field is present.
            guard name == "has", arguments.count == 1, case .select(let base, let field, false) = arguments[0] else {
                throw ParseError(description: "function \(name) is outside the cluster twin's CEL subset")
            }
            let container = try json(evaluate(base, scope: scope))
            return .json(.bool(select(container, field) != nil))
        }
        if name == "orValue" {
            guard arguments.count == 1 else { throw ParseError(description: "orValue takes one argument") }
            switch try evaluate(target, scope: scope) {
            case .absent: return try evaluate(arguments[0], scope: scope)
            case .present(let value), .json(let value): return .json(value)
            }
        }
        let value = try json(evaluate(target, scope: scope))
        switch name {
        case "size":
            switch value {
            case .array(let items): return .json(.int(Int64(items.count)))
            case .object(let map): return .json(.int(Int64(map.count)))
            case .string(let text): return .json(.int(Int64(text.count)))
            default: throw EvaluationError(description: "no such overload: size")
            }
        case "exists", "all", "filter":
            guard arguments.count == 2, case .identifier(let variable) = arguments[0] else {
                throw ParseError(description: "\(name) takes a variable and an expression")
            }
            guard case .array(let items) = value else { throw EvaluationError(description: "no such overload: \(name)") }
            var kept: [KubeFakeJSON] = []
            for item in items {
                var inner = scope
                inner[variable] = item
                guard case .bool(let holds) = try json(evaluate(arguments[1], scope: inner)) else {
                    throw EvaluationError(description: "\(name) predicate is not a bool")
                }
                if holds { kept.append(item) }
            }
            switch name {
            case "exists": return .json(.bool(!kept.isEmpty))
            case "all": return .json(.bool(kept.count == items.count))
            default: return .json(.array(kept))
            }
        default:
            throw ParseError(description: "function \(name) is outside the cluster twin's CEL subset")
        }
    }

    static func select(_ value: KubeFakeJSON, _ field: String) -> KubeFakeJSON? {
        value.objectValue?[field]
    }

    static func json(_ value: Value) throws -> KubeFakeJSON {
        switch value {
        case .json(let json): return json
        case .present, .absent: throw EvaluationError(description: "an optional value used without orValue")
        }
    }
}
