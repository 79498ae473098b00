import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EKS Pod Identity association.
    public static let podIdentityAssociation = ResourceKind(declaring: "podIdentityAssociation")
}

extension PropertyKey {
    /// A Pod Identity association's namespace.
    public static let namespace = PropertyKey("namespace")
    /// A Pod Identity association's service account.
    public static let serviceAccount = PropertyKey("serviceAccount")
    /// The ARN of the role a Pod Identity association hands out.
    public static let roleARN = PropertyKey("roleARN")
}

extension ResourceSpec {
    /// The Pod Identity association that gives Karpenter's service account its controller role.
    public struct PodIdentityAssociation: Sendable, Equatable, ResourceSpecification {
        public var namespace: String
        public var serviceAccount: String
        public var role: ResourceID
        public var roleName: String

        /// Registered as `podIdentityAssociation` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .podIdentityAssociation }
        /// `namespace`, `serviceAccount` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.namespace, .serviceAccount] }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [.namespace: namespace, .serviceAccount: serviceAccount, .roleARN: context.roleARN(roleName)]
        }
    }
}

extension ResourceSpec.PodIdentityAssociation: ManagedResource {
    package static var recordHolder: AppliedRecord.Holder? { .cluster }

    /// `ListPodIdentityAssociations` for Karpenter's service account; `DescribePodIdentityAssociation` unless the
    /// record on the cluster matches.
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let eks = scope.session.eks
        let name = scope.cluster
        guard let cluster = try await ResourceSpec.Cluster.describe(in: scope) else { return [] }
        let clusterTags = cluster.tags ?? [:]
        let service = Blueprint.karpenterServiceAccount
        let listed = try await eks.listPodIdentityAssociations(
            clusterName: name,
            namespace: service.namespace,
            serviceAccount: service.name
        )
        let id = ResourceID(.podIdentityAssociation, "karpenter")
        return try await AWSPlatformObserver.concurrently(listed) { summary in
            if try await scope.recordMatches(id, recorded: clusterTags[AppliedRecord.tagKey(for: id)]) {
                return ObservedResource(
                    id: id,
                    physicalID: summary.associationId,
                    properties: [.namespace: summary.namespace, .serviceAccount: summary.serviceAccount],
                    tagsRead: false,
                    record: .matched
                )
            }
            let association = try await eks.describePodIdentityAssociation(
                clusterName: name,
                associationId: summary.associationId
            )
            return ObservedResource(
                id: id,
                physicalID: association.associationId,
                properties: [
                    .namespace: association.namespace, .serviceAccount: association.serviceAccount,
                    .roleARN: association.roleArn ?? "",
                ],
                tags: association.tags ?? [:],
                record: try await scope.stateAfterFullRead(id)
            )
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let eks = context.session.eks
        let existing = try await eks.listPodIdentityAssociations(
            clusterName: context.cluster,
            namespace: namespace,
            serviceAccount: serviceAccount
        ).first
        let associationID: String
        if let existing {
            associationID = existing.associationId
        } else {
            let cluster = context.cluster
            let roleARN = context.platform.roleARN(roleName)
            associationID = try await context.whileIAMPropagates(
                role: roleName,
                operation: "CreatePodIdentityAssociation",
                resource: resource.id
            ) {
                try await eks.createPodIdentityAssociation(
                    clusterName: cluster,
                    namespace: namespace,
                    serviceAccount: serviceAccount,
                    roleArn: roleARN,
                    tags: resource.tags,
                    clientRequestToken: resource.idempotencyToken
                ).associationId
            }
        }
        await context.registry.record(resource.id, physicalID: associationID)
        return existing == nil ? .done("created \(associationID)") : .unchanged("\(associationID) already exists")
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        _ = try await context.session.eks.deletePodIdentityAssociation(
            clusterName: context.cluster,
            associationId: physicalID
        )
    }
}
