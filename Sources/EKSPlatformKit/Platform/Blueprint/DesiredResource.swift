import EKSAWS
import EKSKubernetes

/// One resource the platform wants to exist: identity, typed specification, tags, dependencies and the
/// idempotency token its create call sends.
public struct DesiredResource: Sendable, Equatable {
    /// Equal when identity, specification, tags, dependencies and token are.
    public static func == (lhs: DesiredResource, rhs: DesiredResource) -> Bool {
        lhs.id == rhs.id && lhs.spec.isEqual(to: rhs.spec) && lhs.tags == rhs.tags && lhs.dependsOn == rhs.dependsOn
            && lhs.idempotencyToken == rhs.idempotencyToken
    }

    /// The logical identity.
    public var id: ResourceID
    /// What it should look like.
    public var spec: any ResourceSpecification
    /// The tags it must carry (the config's `tags`, `eksplatform.io/cluster`, and kind-specific tags).
    public var tags: [String: String]
    /// Resources that must exist before this one is created (and be deleted after it).
    public var dependsOn: [ResourceID]
    /// The stable idempotency token for the create call.
    public var idempotencyToken: String

    /// Creates a desired resource.
    public init(
        id: ResourceID,
        spec: any ResourceSpecification,
        tags: [String: String],
        dependsOn: [ResourceID] = [],
        idempotencyToken: String
    ) {
        self.id = id
        self.spec = spec
        self.tags = tags
        self.dependsOn = dependsOn
        self.idempotencyToken = idempotencyToken
    }
}
