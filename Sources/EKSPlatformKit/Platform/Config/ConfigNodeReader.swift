import EKSAWS
import EKSKubernetes
import Foundation
import Yams

/// A view of one YAML mapping in `platform.yaml` that knows its field path and rejects unknown keys.
struct ConfigMapping {
    let file: String
    let path: String
    let node: Node
    private var entries: [String: (key: Node, value: Node)] = [:]

    init(_ node: Node, path: String, file: String, known: [String]) throws {
        self.file = file
        self.path = path
        self.node = node
        guard case .mapping(let mapping) = node else {
            throw ConfigMapping.error(
                .wrongType,
                file: file,
                node: node,
                path: path.isEmpty ? "(document)" : path,
                message: "expected a mapping (key: value pairs), found \(ConfigMapping.describe(node))"
            )
        }
        for (key, value) in mapping {
            guard let name = key.string, case .scalar = key else {
                throw ConfigMapping.error(.wrongType, file: file, node: key, path: path, message: "mapping keys must be strings")
            }
            let fieldPath = ConfigMapping.join(path, name)
            guard known.contains(name) else {
                var message = "unknown field \"\(name)\""
                if let suggestion = ConfigMapping.closest(to: name, in: known) {
                    message += "; did you mean \"\(suggestion)\"?"
                }
                message += " Known fields here: \(known.joined(separator: ", "))"
                throw ConfigMapping.error(.unknownField, file: file, node: key, path: fieldPath, message: message)
            }
            if entries[name] != nil {
                throw ConfigMapping.error(
                    .invalidValue,
                    file: file,
                    node: key,
                    path: fieldPath,
                    message: "field \"\(name)\" appears twice; keep one"
                )
            }
            entries[name] = (key, value)
        }
    }

    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func fieldPath(_ key: String) -> String { ConfigMapping.join(path, key) }

    /// The value node for `key`, treating an explicit `null` as absent.
    func value(_ key: String) -> Node? {
        guard let node = entries[key]?.value else { return nil }
        if case .scalar(let scalar) = node, scalar.tagName == .null { return nil }
        return node
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    /// An error located at `key`'s value (or the mapping itself if the key is absent).
    func error(_ code: ConfigError.Code, at key: String, _ message: String) -> ConfigError {
        ConfigMapping.error(code, file: file, node: entries[key]?.value ?? node, path: fieldPath(key), message: message)
    }

    func missing(_ key: String, _ hint: String) -> ConfigError {
        ConfigMapping.error(
            .missingField,
            file: file,
            node: node,
            path: fieldPath(key),
            message: "required field \"\(key)\" is missing; \(hint)"
        )
    }

    func string(_ key: String) throws -> String? {
        guard let node = value(key) else { return nil }
        return try ConfigMapping.scalarString(node, file: file, path: fieldPath(key))
    }

    func requiredString(_ key: String, hint: String) throws -> String {
        guard let value = try string(key) else { throw missing(key, hint) }
        return value
    }

    func int(_ key: String) throws -> Int? {
        guard let node = value(key) else { return nil }
        guard case .scalar(let scalar) = node, scalar.tagName == .int, let value = Int(scalar.string) else {
            throw error(.wrongType, at: key, "expected a whole number, found \(ConfigMapping.describe(node))")
        }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        guard let node = value(key) else { return nil }
        guard case .scalar(let scalar) = node, scalar.tagName == .bool, let value = Bool.construct(from: scalar) else {
            throw error(.wrongType, at: key, "expected true or false, found \(ConfigMapping.describe(node))")
        }
        return value
    }

    func strings(_ key: String) throws -> [String]? {
        guard let node = value(key) else { return nil }
        guard case .sequence(let sequence) = node else {
            throw error(.wrongType, at: key, "expected a list, e.g. [a, b], found \(ConfigMapping.describe(node))")
        }
        return try sequence.enumerated().map { index, item in
            try ConfigMapping.scalarString(item, file: file, path: "\(fieldPath(key))[\(index)]")
        }
    }

    func stringMap(_ key: String) throws -> [String: String]? {
        guard let node = value(key) else { return nil }
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, at: key, "expected a mapping of strings, found \(ConfigMapping.describe(node))")
        }
        var result: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            let name = try ConfigMapping.scalarString(keyNode, file: file, path: fieldPath(key))
            result[name] = try ConfigMapping.scalarString(valueNode, file: file, path: "\(fieldPath(key)).\(name)")
        }
        return result
    }

    /// An error located at one entry of the string map under `key` (path `key.entry`).
    func entryError(_ code: ConfigError.Code, at key: String, entry: String, _ message: String) -> ConfigError {
        var located: Node = entries[key]?.value ?? node
        if case .mapping(let mapping)? = entries[key]?.value {
            for (keyNode, _) in mapping where keyNode.string == entry {
                located = keyNode
                break
            }
        }
        return ConfigMapping.error(code, file: file, node: located, path: "\(fieldPath(key)).\(entry)", message: message)
    }

    func mapping(_ key: String, known: [String]) throws -> ConfigMapping? {
        guard let node = value(key) else { return nil }
        return try ConfigMapping(node, path: fieldPath(key), file: file, known: known)
    }

    // MARK: - Helpers

    static func scalarString(_ node: Node, file: String, path: String) throws -> String {
        guard case .scalar(let scalar) = node else {
            throw error(.wrongType, file: file, node: node, path: path, message: "expected a string, found \(describe(node))")
        }
        return scalar.string
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            switch scalar.tagName {
            case .null: return "null"
            case .bool: return "the boolean \(scalar.string)"
            case .int: return "the number \(scalar.string)"
            case .float: return "the number \(scalar.string)"
            default: return "the string \"\(scalar.string)\""
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func error(_ code: ConfigError.Code, file: String, node: Node, path: String, message: String) -> ConfigError {
        let mark = node.mark
        return ConfigError(
            code: code,
            file: file,
            line: mark?.line ?? 0,
            column: mark?.column ?? 0,
            path: path,
            message: message
        )
    }

    /// The known name closest to `name` by edit distance (case-insensitive), if it is plausibly a typo.
    static func closest(to name: String, in known: [String]) -> String? {
        let lowered = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in known {
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            if best == nil || distance < best?.1 ?? Int.max { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best else { return nil }
        return distance <= max(2, candidate.count / 3) ? candidate : nil
    }

    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previous = Array(0...rhs.count)
        for (i, left) in lhs.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: rhs.count)
            for (j, right) in rhs.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[rhs.count]
    }
}
