import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EC2 Elastic IP (for a NAT gateway).
    public static let elasticIP = ResourceKind(declaring: "elasticIP")
}

extension PropertyKey {
    /// An Elastic IP's domain (`vpc`).
    public static let domain = PropertyKey("domain")
}

extension ResourceSpec {
    /// An Elastic IP in the VPC domain, for one NAT gateway.
    public struct ElasticIP: Sendable, Equatable, ResourceSpecification {
        /// Creates the specification.
        public init() {}

        /// Registered as `elasticIP` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .elasticIP }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties { [.domain: "vpc"] }
    }
}

extension ResourceSpec.ElasticIP: EC2ManagedResource {
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        try await scope.session.ec2.describeAddresses(filters: scope.ec2ClusterFilter).compactMap { address in
            .ec2(
                tags: address.tags,
                physicalID: address.allocationId ?? address.publicIp,
                properties: [.domain: address.domain ?? "vpc"]
            )
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let ec2 = context.session.ec2
        let byTag = context.ec2Filters(resource.id)
        let existing = try await ec2.describeAddresses(filters: byTag).first
        if let adopted = await context.adopt(resource.id, existing?.allocationId) { return adopted }
        let address = try await ec2.allocateAddress(tags: ResourceContext.ec2Tags(resource.tags))
        let found = try await ec2.describeAddresses(filters: byTag).compactMap(\.allocationId)
        try await context.removeDuplicates(kept: address.allocationId, found: found) {
            try await ec2.releaseAddress(allocationId: $0)
        }
        await context.registry.record(resource.id, physicalID: address.allocationId ?? address.publicIp)
        return .done("allocated \(address.allocationId ?? address.publicIp)")
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        try await context.session.ec2.releaseAddress(allocationId: physicalID)
    }
}
