import EKSAWS
import Foundation
import Yams

/// Deterministic YAML for Kubernetes manifests, on Yams.
///
/// Output rules: struct fields in declaration order, string-keyed maps sorted (``SortedMap``, ``JSONValue``), no
/// `null` (models use optional fields that are omitted), two-space indentation, no line wrapping, strings that would
/// read back as another type (`"true"`, `"1.0"`, `"100"`) single-quoted, multi-line strings as literal blocks (`|`).
public enum YAML {
    /// Why YAML could not be written or read.
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong, with the document index when reading.
        public var description: String

        /// Creates an error.
        public init(_ description: String) { self.description = description }
    }

    static var emitterOptions: YAMLEncoder.Options {
        var options = YAMLEncoder.Options()
        options.indent = 2
        options.width = -1
        options.allowUnicode = true
        options.sortKeys = false
        options.newLineScalarStyle = .literal
        return options
    }

    /// Encodes one value as a YAML document (no leading `---`), ending with a newline.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options = emitterOptions
        do {
            return try encoder.encode(value)
        } catch {
            throw Error("cannot encode \(T.self) as YAML: \(error)")
        }
    }

    /// Encodes several values as one multi-document stream separated by `---`.
    public static func encodeDocuments(_ values: [any Encodable]) throws -> String {
        var documents: [String] = []
        for value in values {
            documents.append(try encode(value))
        }
        return documents.joined(separator: "---\n")
    }

    /// Refuses a document that uses aliases (`*name`) to repeat a mapping or sequence.
    ///
    /// Nothing this library reads from outside — kubeconfigs, platform.yaml, operator settings, manifests — needs
    /// them, and nested aliases make a few hundred bytes expand into gigabytes once the tree is walked (an alias
    /// bomb). Yams composes an alias as the same node again, at the anchor's position, so a collection met twice at
    /// one position is an alias; the walk stops there, so it visits each node of the text at most once.
    /// - Throws: ``YAML/Error`` naming the line and column of the repeated collection.
    public static func refuseAliases(in node: Node) throws {
        var seen = Set<String>()
        var stack = [node]
        while let next = stack.popLast() {
            switch next {
            case .scalar, .alias:
                continue
            case .mapping(let mapping):
                try visit(next, mapping.mark, &seen)
                for (key, value) in mapping {
                    stack.append(key)
                    stack.append(value)
                }
            case .sequence(let sequence):
                try visit(next, sequence.mark, &seen)
                stack.append(contentsOf: sequence)
            }
        }
    }

    /// Refuses a document whose tree, with its aliases expanded, has more than `maxNodes` nodes: for files where
    /// aliases are a convenience (platform.yaml's shared labels) but an alias bomb must still fail fast. The count
    /// stops at the limit, so checking costs at most `maxNodes` steps.
    /// - Throws: ``YAML/Error`` saying how far the expansion went.
    public static func limitExpansion(of node: Node, maxNodes: Int) throws {
        var count = 0
        var stack = [node]
        while let next = stack.popLast() {
            count += 1
            if count > maxNodes {
                let at = node.mark.map { "line \($0.line), column \($0.column): " } ?? ""
                throw Error(
                    "\(at)the document expands to more than \(maxNodes) values once its aliases (*name) are "
                        + "resolved; write the values out instead of nesting aliases"
                )
            }
            switch next {
            case .scalar, .alias: continue
            case .mapping(let mapping):
                for (key, value) in mapping {
                    stack.append(key)
                    stack.append(value)
                }
            case .sequence(let sequence): stack.append(contentsOf: sequence)
            }
        }
    }

    private static func visit(_ node: Node, _ mark: Mark?, _ seen: inout Set<String>) throws {
        guard let mark else { return }
        guard seen.insert("\(mark.line):\(mark.column)").inserted else {
            throw Error(
                "line \(mark.line), column \(mark.column): YAML aliases (*name) are not accepted; write the value out "
                    + "instead (aliases can expand a small file into an enormous one)"
            )
        }
    }

    /// Reads every document of a YAML stream into unstructured values; empty documents are skipped. Aliases are
    /// refused (``refuseAliases(in:)``).
    public static func decodeDocuments(_ text: String) throws -> [JSONValue] {
        do {
            let parser = try Parser(yaml: text, resolver: .default, constructor: .default, encoding: .utf8)
            var values: [JSONValue] = []
            while let node = try parser.nextRoot() {
                if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.tagName == .null { continue }
                try refuseAliases(in: node)
                values.append(try JSONValue(yamlNode: node))
            }
            return values
        } catch let error as Error {
            throw error
        } catch {
            throw Error("invalid YAML: \(error)")
        }
    }

    /// Reads one document into a typed value. Scalars keep their YAML types (a quoted `'true'` stays a string).
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let documents = try decodeDocuments(text)
        guard documents.count == 1, let document = documents.first else {
            throw Error("expected one YAML document for \(T.self), found \(documents.count)")
        }
        do {
            return try document.decode(as: T.self)
        } catch {
            throw Error("cannot read \(T.self) from YAML: \(error)")
        }
    }

    /// Reads every document of a stream into typed values of one type.
    public static func decodeDocuments<T: Decodable>(_ type: T.Type, from text: String) throws -> [T] {
        try decodeDocuments(text).map { try $0.decode(as: T.self) }
    }
}

extension JSONValue {
    /// Converts a composed Yams node (aliases resolved) into an unstructured value, keeping YAML's scalar typing.
    public init(yamlNode node: Node) throws {
        switch node {
        case .scalar(let scalar):
            switch scalar.tagName {
            case .null:
                self = .null
            case .bool:
                self = .bool(Bool.construct(from: scalar) ?? false)
            case .int:
                if let value = Int.construct(from: scalar) {
                    self = .integer(value)
                } else {
                    self = .string(scalar.string)
                }
            case .float:
                if let value = Double.construct(from: scalar) {
                    self = .number(value)
                } else {
                    self = .string(scalar.string)
                }
            default:
                self = .string(scalar.string)
            }
        case .sequence(let sequence):
            self = .array(try sequence.map { try JSONValue(yamlNode: $0) })
        case .mapping(let mapping):
            var map: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let keyText = key.string else { throw YAML.Error("mapping key is not a string: \(key)") }
                map[keyText] = try JSONValue(yamlNode: value)
            }
            self = .object(map)
        case .alias:
            throw YAML.Error("unresolved YAML alias")
        }
    }
}

extension Node.Scalar {
    /// The resolved tag name (`str`, `int`, `bool`, `null`, …) of this scalar.
    package var tagName: Tag.Name { Tag.Name(rawValue: Node.scalar(self).tag.rawValue) }
}

/// A double that Yams writes in its shortest form (`1.5`, not `1.5e+0`); other encoders see a plain `Double`.
struct YAMLFloat: YAMLEncodable {
    var value: Double

    func box() -> Node {
        Node(value.description, Tag(.float))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
