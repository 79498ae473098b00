import Foundation

/// A parsed `labelSelector` plus `fieldSelector` (`metadata.name`, `metadata.namespace`).
struct ObjectSelector: Sendable {
    enum LabelRequirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
        case notExists(String)
        case inSet(String, [String])
        case notInSet(String, [String])
    }

    var labels: [LabelRequirement] = []
    /// (field, value, negated)
    var fields: [(field: String, value: String, negated: Bool)] = []

    static let everything = ObjectSelector()

    /// Parses the query parameters; throws 400 for syntax the fake does not know.
    init(labelSelector: String? = nil, fieldSelector: String? = nil) throws {
        for term in Self.splitTerms(labelSelector ?? "") {
            labels.append(try Self.parseLabel(term))
        }
        for term in Self.splitTerms(fieldSelector ?? "") {
            let (key, op, value) = try Self.splitOperator(term, selector: "field")
            guard ["metadata.name", "metadata.namespace"].contains(key) else {
                throw KubeStatusError.badRequest(
                    "field label not supported: \(key)"
                )
            }
            fields.append((key, value, op == "!="))
        }
    }

    private init() {}

    private static func splitTerms(_ s: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for ch in s {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 {
                terms.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        terms.append(current)
        return terms.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func splitOperator(_ term: String, selector: String) throws -> (String, String, String) {
        for op in ["==", "!=", "="] {
            if let range = term.range(of: op) {
                let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty else { break }
                return (key, op, value)
            }
        }
        throw KubeStatusError.badRequest("unable to parse requirement: \(selector) selector term \"\(term)\"")
    }

    private static func parseLabel(_ term: String) throws -> LabelRequirement {
        let words = term.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2, let setRange = words[1].range(of: "(") {
            let op = words[1][..<setRange.lowerBound].trimmingCharacters(in: .whitespaces)
            let inner = words[1][setRange.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: ") "))
            let values = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if op == "in" { return .inSet(words[0], values) }
            if op == "notin" { return .notInSet(words[0], values) }
        }
        if term.contains("=") {
            let (key, op, value) = try splitOperator(term, selector: "label")
            return op == "!=" ? .notEquals(key, value) : .equals(key, value)
        }
        if term.hasPrefix("!") { return .notExists(String(term.dropFirst()).trimmingCharacters(in: .whitespaces)) }
        return .exists(term)
    }

    func matches(_ object: KubeFakeJSON) -> Bool {
        let objectLabels = (object[path: ["metadata", "labels"]]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        for requirement in labels {
            switch requirement {
            case .equals(let k, let v): if objectLabels[k] != v { return false }
            case .notEquals(let k, let v): if objectLabels[k] == v { return false }
            case .exists(let k): if objectLabels[k] == nil { return false }
            case .notExists(let k): if objectLabels[k] != nil { return false }
            case .inSet(let k, let vs): if !vs.contains(objectLabels[k] ?? "\u{0}") { return false }
            case .notInSet(let k, let vs): if let v = objectLabels[k], vs.contains(v) { return false }
            }
        }
        for f in fields {
            let actual = object[path: f.field.split(separator: ".").map(String.init)]?.stringValue ?? ""
            if (actual == f.value) == f.negated { return false }
        }
        return true
    }
}
