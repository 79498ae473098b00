import EKSAWS
import EKSKubernetes

/// The logical identity of a platform resource: its kind and a name that is unique within the kind.
///
/// EC2 resources carry it in the `eksplatform.io/resource` tag, so that rediscovery by tags maps every observed
/// resource back to exactly one desired one.
public struct ResourceID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var kind: ResourceKind
    /// The name within the kind, e.g. `private-us-west-2a`.
    public var name: String

    /// Creates an identity.
    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `kind/name`, e.g. `subnet/private-us-west-2a`.
    public var description: String { "\(kind.rawValue)/\(name)" }

    /// Parses `kind/name`; `nil` when the kind is unknown.
    public init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/"), let kind = ResourceKind(rawValue: String(text[..<slash])) else {
            return nil
        }
        self.init(kind, String(text[text.index(after: slash)...]))
    }

    /// Orders by kind, then name.
    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool {
        lhs.kind == rhs.kind ? lhs.name < rhs.name : lhs.kind < rhs.kind
    }
}
