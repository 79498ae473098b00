import Foundation
import Yams

/// A YAML document that could not be turned into JSON.
public struct YAMLConversionError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and where.
    public var description: String
}

extension KubeFakeJSON {
    /// Parses a YAML (or JSON, which is YAML) document into a JSON value, resolving scalars with the YAML 1.1
    /// core rules the way Kubernetes' sigs.k8s.io/yaml does.
    public static func parseYAML(_ text: String) throws -> KubeFakeJSON {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw YAMLConversionError(description: "error converting YAML to JSON: \(error)")
        }
        guard let node else { return .null }
        return try convert(node)
    }

    private static func convert(_ node: Node) throws -> KubeFakeJSON {
        switch node {
        case .scalar(let scalar):
            let tag = Tag.Name(rawValue: node.tag.rawValue)
            if tag == .null { return .null }
            if tag == .bool, let b = node.bool { return .bool(b) }
            if tag == .int, let i = node.int { return .int(Int64(i)) }
            if tag == .float, let d = node.float { return .double(d) }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(try sequence.map { try convert($0) })
        case .mapping(let mapping):
            var object: [String: KubeFakeJSON] = [:]
            for (key, value) in mapping {
                guard let keyString = key.string else {
                    throw YAMLConversionError(description: "error converting YAML to JSON: non-string map key")
                }
                object[keyString] = try convert(value)
            }
            return .object(object)
        case .alias:
            throw YAMLConversionError(description: "error converting YAML to JSON: aliases are not supported")
        }
    }
}
