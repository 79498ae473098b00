import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EC2 NAT gateway.
    public static let natGateway = ResourceKind(declaring: "natGateway")
}

extension PropertyKey {
    /// The subnet a NAT gateway lives in.
    public static let subnet = PropertyKey("subnet", reference: true)
    /// A NAT gateway's Elastic IP.
    public static let elasticIP = PropertyKey("elasticIP", reference: true)
}

extension ResourceSpec {
    /// A public NAT gateway: the private subnets' default route to the internet.
    public struct NATGateway: Sendable, Equatable, ResourceSpecification {
        /// The public subnet it lives in.
        public var subnet: ResourceID
        public var elasticIP: ResourceID

        /// Registered as `natGateway` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .natGateway }
        /// `subnet`, `elasticIP` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.subnet, .elasticIP] }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [.subnet: subnet.description, .elasticIP: elasticIP.description]
        }
    }
}

extension ResourceSpec.NATGateway: EC2ManagedResource {
    /// Gateways EC2 still lists after deletion (`deleting`, `deleted`, `failed`) are not the platform's.
    static let liveStates: Set<String> = ["pending", "available"]

    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        try await scope.session.ec2.describeNatGateways(filters: scope.ec2ClusterFilter)
            .filter { liveStates.contains($0.state) }
            .compactMap { nat in
                .ec2(
                    tags: nat.tags,
                    physicalID: nat.natGatewayId,
                    properties: [.subnet: nat.subnetId ?? "", .elasticIP: nat.addresses.first?.allocationId ?? ""],
                    status: nat.state
                )
            }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let ec2 = context.session.ec2
        let live = try await ec2.describeNatGateways(filters: context.ec2Filters(resource.id)).first {
            Self.liveStates.contains($0.state)
        }
        let natID: String
        if let live {
            natID = live.natGatewayId
        } else {
            natID = try await ec2.createNatGateway(
                subnetId: try await context.registry.require(subnet),
                allocationId: try await context.registry.require(elasticIP),
                tags: ResourceContext.ec2Tags(resource.tags),
                clientToken: resource.idempotencyToken
            ).natGatewayId
        }
        await context.registry.record(resource.id, physicalID: natID)
        try await context.step.wait(for: "NAT gateway \(natID) available") {
            let state = try await ec2.describeNatGateways(natGatewayIds: [natID]).first?.state ?? "unknown"
            if state == "available" { return .ready }
            if state == "failed" || state == "deleted" {
                throw AWSClientError(
                    .invalidResponse,
                    "NAT gateway \(natID) is \(state)",
                    service: "ec2",
                    operation: "CreateNatGateway"
                )
            }
            return .pending(state)
        }
        return live == nil ? .done("created \(natID)") : .unchanged("\(natID) already exists")
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let ec2 = context.session.ec2
        _ = try await ec2.deleteNatGateway(natGatewayId: physicalID)
        try await context.step.wait(for: "NAT gateway \(physicalID) deleted") {
            let state = try await ec2.describeNatGateways(natGatewayIds: [physicalID]).first?.state ?? "deleted"
            return state == "deleted" ? .ready : .pending(state)
        }
    }
}
