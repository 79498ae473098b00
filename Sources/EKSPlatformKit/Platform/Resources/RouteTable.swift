import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EC2 route table (with its routes and subnet associations).
    public static let routeTable = ResourceKind(declaring: "routeTable")
}

extension PropertyKey {
    /// A route table's routes besides the local one: `destination->target`.
    public static let routes = PropertyKey("routes", reference: true)
    /// The subnets a route table is associated with, or a cluster's or node group's subnets.
    public static let subnets = PropertyKey("subnets", reference: true)
}

extension ResourceSpec {
    /// A route: destination CIDR → gateway.
    public struct Route: Sendable, Equatable {
        /// The destination, e.g. `0.0.0.0/0`.
        public var destination: String
        /// The internet or NAT gateway.
        public var target: ResourceID
    }

    /// A route table with its routes and associated subnets.
    public struct RouteTable: Sendable, Equatable, ResourceSpecification {
        public var vpc: ResourceID
        /// Routes besides the implicit local route.
        public var routes: [Route]
        /// Associated subnets.
        public var subnets: [ResourceID]

        /// Registered as `routeTable` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .routeTable }
        /// `vpc` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.vpc] }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [
                .vpc: vpc.description,
                .routes: PropertyValue.list(routes.map { "\($0.destination)->\($0.target)" }),
                .subnets: PropertyValue.ids(subnets),
            ]
        }
    }
}

extension ResourceSpec.RouteTable: EC2ManagedResource {
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        try await scope.session.ec2.describeRouteTables(filters: scope.ec2ClusterFilter).compactMap { table in
            let routes = table.routes.filter { $0.origin != "CreateRouteTable" && $0.destinationCidrBlock != nil }
                .map { "\($0.destinationCidrBlock ?? "")->\($0.natGatewayId ?? $0.gatewayId ?? "")" }
            return .ec2(
                tags: table.tags,
                physicalID: table.routeTableId,
                properties: [
                    .vpc: table.vpcId, .routes: PropertyValue.list(routes),
                    .subnets: PropertyValue.list(table.associations.compactMap(\.subnetId)),
                ]
            )
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let ec2 = context.session.ec2
        let byTag = context.ec2Filters(resource.id)
        let existing = try await ec2.describeRouteTables(filters: byTag).first
        let tableID: String
        if let existing {
            tableID = existing.routeTableId
        } else {
            tableID = try await ec2.createRouteTable(
                vpcId: try await context.registry.require(vpc),
                tags: ResourceContext.ec2Tags(resource.tags),
                clientToken: resource.idempotencyToken
            ).routeTableId
            let found = try await ec2.describeRouteTables(filters: byTag).map(\.routeTableId)
            try await context.removeDuplicates(kept: tableID, found: found) { try await ec2.deleteRouteTable(routeTableId: $0) }
        }
        await context.registry.record(resource.id, physicalID: tableID)
        try await reconcile(tableID: tableID, existing: existing, in: context)
        return existing == nil ? .done("created \(tableID)") : .done("reconciled \(tableID)")
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
        let existing = try await ec2.describeRouteTables(routeTableIds: [physicalID]).first
        try await reconcile(tableID: physicalID, existing: existing, in: context)
        return .done("updated \(physicalID)")
    }

    /// Replaces routes whose target differs, adds missing ones, and associates missing subnets.
    func reconcile(tableID: String, existing: EC2RouteTable?, in context: ResourceContext) async throws {
        let ec2 = context.session.ec2
        for route in routes {
            let target = try await context.registry.require(route.target)
            let present =
                existing?.routes.contains {
                    $0.destinationCidrBlock == route.destination && ($0.gatewayId == target || $0.natGatewayId == target)
                } ?? false
            guard !present else { continue }
            if existing?.routes.contains(where: { $0.destinationCidrBlock == route.destination }) == true {
                try await ec2.deleteRoute(routeTableId: tableID, destinationCidrBlock: route.destination)
            }
            if route.target.kind == .natGateway {
                try await ec2.createRoute(routeTableId: tableID, destinationCidrBlock: route.destination, natGatewayId: target)
            } else {
                try await ec2.createRoute(routeTableId: tableID, destinationCidrBlock: route.destination, gatewayId: target)
            }
        }
        let associated = Set(existing?.associations.compactMap(\.subnetId) ?? [])
        for subnet in subnets {
            let subnetID = try await context.registry.require(subnet)
            if !associated.contains(subnetID) {
                _ = try await ec2.associateRouteTable(routeTableId: tableID, subnetId: subnetID)
            }
        }
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let ec2 = context.session.ec2
        if let table = try await ec2.describeRouteTables(routeTableIds: [physicalID]).first {
            for association in table.associations where !association.main {
                try await AWSTeardownProvider.partGone {
                    try await ec2.disassociateRouteTable(associationId: association.routeTableAssociationId)
                }
            }
        }
        try await ec2.deleteRouteTable(routeTableId: physicalID)
    }
}
