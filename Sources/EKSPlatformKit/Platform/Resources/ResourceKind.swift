import EKSAWS
import EKSKubernetes

/// The kind of a resource the platform owns: `vpc`, `subnet`, `nodeGroup`, …
///
/// Each AWS kind is declared in its own file under `Platform/Resources/`, next to the type that holds its whole
/// lifecycle, and listed once in ``ResourceKinds/all``; that list's order is the creation order (deletion runs in
/// reverse), and it is what makes a kind known to parsing and ordering.
public struct ResourceKind: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The name used in resource ids and tags, e.g. `natGateway`.
    public let rawValue: String

    /// The kind named `rawValue`; `nil` when no such kind is registered.
    public init?(rawValue: String) {
        guard ResourceKinds.position[rawValue] != nil else { return nil }
        self.rawValue = rawValue
    }

    /// A kind declared by the engine (its file's `static let`).
    init(declaring name: String) { self.rawValue = name }

    /// The name.
    public var description: String { rawValue }

    /// Registration order: the order kinds are created in.
    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool {
        (ResourceKinds.position[lhs.rawValue] ?? Int.max) < (ResourceKinds.position[rhs.rawValue] ?? Int.max)
    }

    /// Decodes a registered kind's name.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = ResourceKind(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown kind \(name)"))
        }
        self = kind
    }

    /// Encodes the name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// A Kubernetes object applied by the engine (Flux install, Git credentials, sync objects, `platform-vars`).
    public static let kubernetesObject = ResourceKind(declaring: "kubernetesObject")
}

/// The name of one comparable property of a resource, shared by the desired side (``ResourceSpecification/properties(in:)``)
/// and the observed side (``ObservedResource/properties``), so that both spell it the same way: a key exists only as a
/// `static let` of the kind that compares it.
public struct PropertyKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The name shown in plan reasons, e.g. `mapPublicIpOnLaunch`.
    public let name: String
    /// Whether the value names other platform resources (physical ids, role ARNs) that the observer translates to
    /// their ``ResourceID``s, e.g. a subnet's `vpc`.
    public let isReference: Bool

    /// A key; `reference` marks values that refer to other platform resources.
    init(_ name: String, reference: Bool = false) {
        self.name = name
        self.isReference = reference
    }

    /// The name.
    public var description: String { name }

    /// Keys are equal when their names are.
    public static func == (lhs: PropertyKey, rhs: PropertyKey) -> Bool { lhs.name == rhs.name }

    /// Hashes the name.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// Orders by name.
    public static func < (lhs: PropertyKey, rhs: PropertyKey) -> Bool { lhs.name < rhs.name }

    /// The digest of an in-cluster object as platformctl last applied it.
    public static let digest = PropertyKey("digest")
    /// How an in-cluster object differs from what platformctl applies (`spec.path differs: a → b`, one per line),
    /// found by a full-refresh observation; empty or absent when it matches.
    public static let drift = PropertyKey("drift")
}

/// The comparable form of a resource: property key → canonical string value.
public typealias ResourceProperties = [PropertyKey: String]

/// Helpers for writing ``ResourceProperties`` values the same way on the desired and the observed side.
enum PropertyValue {
    /// A list whose order carries no meaning: sorted, comma-separated.
    static func list(_ values: [String]) -> String { values.sorted().joined(separator: ",") }
    /// Resource ids as a list.
    static func ids(_ values: [ResourceID]) -> String { list(values.map(\.description)) }
    /// `true` / `false`.
    static func flag(_ value: Bool?) -> String { value == true ? "true" : "false" }
}
