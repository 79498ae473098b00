import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EC2 subnet.
    public static let subnet = ResourceKind(declaring: "subnet")
}

extension PropertyKey {
    /// The VPC a subnet, route table or security group belongs to.
    public static let vpc = PropertyKey("vpc", reference: true)
    /// A subnet's availability zone.
    public static let zone = PropertyKey("zone")
    /// Whether a subnet gives instances public IPs.
    public static let mapPublicIpOnLaunch = PropertyKey("mapPublicIpOnLaunch")
}

extension ResourceSpec {
    /// A subnet carved from the VPC's CIDR in one zone; public ones map public IPs on launch.
    public struct Subnet: Sendable, Equatable, ResourceSpecification {
        public var vpc: ResourceID
        /// The IPv4 CIDR.
        public var cidr: String
        /// The availability zone name.
        public var zone: String
        /// Public subnets map public IPs on launch and route to the internet gateway.
        public var isPublic: Bool

        /// Registered as `subnet` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .subnet }
        /// `vpc`, `cidr`, `zone` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.vpc, .cidr, .zone] }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [.vpc: vpc.description, .cidr: cidr, .zone: zone, .mapPublicIpOnLaunch: PropertyValue.flag(isPublic)]
        }
    }
}

extension ResourceSpec.Subnet: EC2ManagedResource {
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        try await scope.session.ec2.describeSubnets(filters: scope.ec2ClusterFilter).compactMap { subnet in
            .ec2(
                tags: subnet.tags,
                physicalID: subnet.subnetId,
                properties: [
                    .vpc: subnet.vpcId, .cidr: subnet.cidrBlock, .zone: subnet.availabilityZone,
                    .mapPublicIpOnLaunch: PropertyValue.flag(subnet.mapPublicIpOnLaunch),
                ],
                status: subnet.state
            )
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let ec2 = context.session.ec2
        let found = try await ec2.describeSubnets(filters: context.ec2Filters(resource.id)).first?.subnetId
        if let adopted = await context.adopt(resource.id, found) { return adopted }
        let created = try await ec2.createSubnet(
            vpcId: try await context.registry.require(vpc),
            cidrBlock: cidr,
            availabilityZone: zone,
            tags: ResourceContext.ec2Tags(resource.tags)
        )
        await context.registry.record(resource.id, physicalID: created.subnetId)
        if isPublic { try await ec2.modifySubnetAttribute(subnetId: created.subnetId, mapPublicIpOnLaunch: true) }
        return .done("created \(created.subnetId) (\(cidr))")
    }

    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        let ec2 = context.session.ec2
        try await ec2.createTags(resourceIds: [physicalID], tags: ResourceContext.ec2Tags(resource.tags))
        try await ec2.modifySubnetAttribute(subnetId: physicalID, mapPublicIpOnLaunch: isPublic)
        return .done("updated \(physicalID)")
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        try await context.session.ec2.deleteSubnet(subnetId: physicalID)
    }
}
