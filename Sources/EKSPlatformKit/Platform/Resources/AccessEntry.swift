import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EKS access entry (with its policy associations).
    public static let accessEntry = ResourceKind(declaring: "accessEntry")
}

extension PropertyKey {
    /// An access entry's principal.
    public static let principalARN = PropertyKey("principalARN")
    /// An access entry's type (`STANDARD`, `EC2_LINUX`).
    public static let type = PropertyKey("type")
    /// The ARNs of an access entry's cluster-scoped access policies.
    public static let accessPolicies = PropertyKey("accessPolicies")
}

extension ResourceSpec {
    /// Who an access entry is for.
    public enum AccessPrincipal: Sendable, Equatable {
        /// A role in the cluster's account, by name.
        case roleName(String)
        /// A full ARN.
        case arn(String)
        /// A role the platform creates.
        case role(ResourceID, name: String)
        /// The identity running platformctl (``PlatformContext/callerARN``).
        case caller
    }

    /// An EKS access entry with cluster-scoped access policies (the cluster uses access entries only).
    public struct AccessEntry: Sendable, Equatable, ResourceSpecification {
        public var principal: AccessPrincipal
        /// `STANDARD` or `EC2_LINUX`.
        public var type: String
        /// Cluster-scoped access policies by name (e.g. `AmazonEKSClusterAdminPolicy`).
        public var accessPolicies: [String]

        /// Registered as `accessEntry` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .accessEntry }
        /// `principalARN`, `type` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.principalARN, .type] }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [
                .principalARN: principalARN(in: context),
                .type: type,
                .accessPolicies: PropertyValue.list(accessPolicies.map { context.accessPolicyARN($0) }),
            ]
        }

        /// The principal's ARN in `context` (role names become `arn:…:iam::<account>:role/<name>`).
        public func principalARN(in context: PlatformContext) -> String {
            switch principal {
            case .roleName(let name): return context.roleARN(name)
            case .arn(let arn): return arn
            case .role(_, let name): return context.roleARN(name)
            case .caller: return context.callerARN ?? ""
            }
        }
    }
}

extension ResourceSpec.AccessEntry: ManagedResource {
    package static var recordHolder: AppliedRecord.Holder? { .cluster }

    /// `ListAccessEntries`; per entry `DescribeAccessEntry` and `ListAssociatedAccessPolicies` unless the record on
    /// the cluster matches. Entries without the platform's resource tag are EKS's own (node roles, the creator); the
    /// entry made for another identity that ran `up` is left out, so it is never deleted as an orphan.
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let eks = scope.session.eks
        let name = scope.cluster
        guard let cluster = try await ResourceSpec.Cluster.describe(in: scope) else { return [] }
        let clusterTags = cluster.tags ?? [:]
        let listed = try await eks.listAccessEntries(clusterName: name)
        return try await AWSPlatformObserver.concurrently(listed) { principal in
            if let id = try await scope.desiredRecords().accessEntryByPrincipal[principal],
                try await scope.recordMatches(id, recorded: clusterTags[AppliedRecord.tagKey(for: id)])
            {
                return ObservedResource(id: id, physicalID: principal, tagsRead: false, record: .matched)
            }
            async let policies = eks.listAssociatedAccessPolicies(clusterName: name, principalArn: principal)
            let entry = try await eks.describeAccessEntry(clusterName: name, principalArn: principal)
            guard let id = (entry.tags?[PlatformTags.resource]).flatMap(ResourceID.init(parsing:)) else { return nil }
            // Another operator's entry (made when they ran `up`) stays theirs: never planned for deletion.
            if id.name.hasPrefix(Blueprint.operatorEntryPrefix), principal != scope.context.callerARN { return nil }
            return ObservedResource(
                id: id,
                physicalID: principal,
                properties: [
                    .principalARN: entry.principalArn, .type: entry.type ?? "",
                    .accessPolicies: PropertyValue.list(try await policies.map(\.policyArn)),
                ],
                tags: entry.tags ?? [:],
                record: try await scope.stateAfterFullRead(id)
            )
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let eks = context.session.eks
        let cluster = context.cluster
        let principal = principalARN(in: context.platform)
        if try await ifExists({ try await eks.describeAccessEntry(clusterName: cluster, principalArn: principal) }) == nil {
            _ = try await eks.createAccessEntry(
                clusterName: cluster,
                principalArn: principal,
                type: type,
                tags: resource.tags,
                clientRequestToken: resource.idempotencyToken
            )
        }
        await context.registry.record(resource.id, physicalID: principal)
        for policy in accessPolicies {
            _ = try await eks.associateAccessPolicy(
                clusterName: cluster,
                principalArn: principal,
                policyArn: context.platform.accessPolicyARN(policy),
                accessScope: EKSAccessScope(type: "cluster")
            )
        }
        return .done("access entry \(type) for \(principal)")
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        try await context.session.eks.deleteAccessEntry(clusterName: context.cluster, principalArn: physicalID)
    }
}
