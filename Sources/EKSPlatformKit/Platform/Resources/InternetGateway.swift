import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EC2 internet gateway.
    public static let internetGateway = ResourceKind(declaring: "internetGateway")
}

extension ResourceSpec {
    /// The VPC's internet gateway (the public subnets' default route).
    public struct InternetGateway: Sendable, Equatable, ResourceSpecification {
        /// The VPC it is attached to.
        public var vpc: ResourceID

        /// Registered as `internetGateway` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .internetGateway }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties { [.vpc: vpc.description] }
    }
}

extension ResourceSpec.InternetGateway: EC2ManagedResource {
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        try await scope.session.ec2.describeInternetGateways(filters: scope.ec2ClusterFilter).compactMap { gateway in
            .ec2(
                tags: gateway.tags,
                physicalID: gateway.internetGatewayId,
                properties: [.vpc: gateway.attachments.first?.vpcId ?? ""]
            )
        }
    }

    /// Creates the gateway (or finds the one an interrupted run created) and attaches it when it is not attached.
    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let ec2 = context.session.ec2
        let byTag = context.ec2Filters(resource.id)
        let vpcID = try await context.registry.require(vpc)
        let existing = try await ec2.describeInternetGateways(filters: byTag).first
        let gatewayID: String
        if let existing {
            gatewayID = existing.internetGatewayId
            if existing.attachments.contains(where: { $0.vpcId == vpcID }) {
                return await context.adopt(resource.id, gatewayID) ?? .unchanged("")
            }
        } else {
            gatewayID = try await ec2.createInternetGateway(tags: ResourceContext.ec2Tags(resource.tags)).internetGatewayId
            let found = try await ec2.describeInternetGateways(filters: byTag).map(\.internetGatewayId)
            try await context.removeDuplicates(kept: gatewayID, found: found) {
                try await ec2.deleteInternetGateway(internetGatewayId: $0)
            }
        }
        await context.registry.record(resource.id, physicalID: gatewayID)
        try await ec2.attachInternetGateway(internetGatewayId: gatewayID, vpcId: vpcID)
        return .done("created and attached \(gatewayID)")
    }

    /// Re-tags, and attaches a gateway that a run created but stopped before attaching.
    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        try await context.session.ec2.createTags(resourceIds: [physicalID], tags: ResourceContext.ec2Tags(resource.tags))
        _ = try await create(resource, in: context)
        return .done("updated \(physicalID)")
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let ec2 = context.session.ec2
        let gateway = try await ec2.describeInternetGateways(internetGatewayIds: [physicalID]).first
        for attachment in gateway?.attachments ?? [] {
            try await ec2.detachInternetGateway(internetGatewayId: physicalID, vpcId: attachment.vpcId)
        }
        try await ec2.deleteInternetGateway(internetGatewayId: physicalID)
    }
}
