import EKSAWS
import EKSKubernetes

/// Every AWS kind the engine manages, in creation order (deletion of orphans runs in reverse).
///
/// Adding a kind means one new file under `Platform/Resources/` (its specification, properties and lifecycle) and
/// one line here.
package enum ResourceKinds {
    package static let all: [any ManagedResource.Type] = [
        ResourceSpec.VPC.self,
        ResourceSpec.Subnet.self,
        ResourceSpec.InternetGateway.self,
        ResourceSpec.ElasticIP.self,
        ResourceSpec.NATGateway.self,
        ResourceSpec.RouteTable.self,
        ResourceSpec.SecurityGroup.self,
        ResourceSpec.IAMRole.self,
        ResourceSpec.ServiceLinkedRole.self,
        ResourceSpec.LogGroup.self,
        ResourceSpec.Cluster.self,
        ResourceSpec.AccessEntry.self,
        ResourceSpec.NodeGroup.self,
        ResourceSpec.Addon.self,
        ResourceSpec.PodIdentityAssociation.self,
        ResourceSpec.Queue.self,
        ResourceSpec.EventRule.self,
        ResourceSpec.AddedTags.self,
    ]

    /// Each kind's position in ``all``; in-cluster objects come last.
    static let position: [String: Int] = {
        var positions: [String: Int] = [:]
        for (index, type) in all.enumerated() { positions[type.kind.rawValue] = index }
        positions[ResourceKind.kubernetesObject.rawValue] = all.count
        return positions
    }()

    /// The lifecycle of `kind`; `nil` for in-cluster objects.
    package static func type(of kind: ResourceKind) -> (any ManagedResource.Type)? {
        guard let index = position[kind.rawValue], index < all.count else { return nil }
        return all[index]
    }
}

/// What every kind's ``ManagedResource/observe(in:)`` shares: the session, the configuration, the run-time context,
/// the desired records, and reads that several kinds need (made once, by whichever kind asks first).
package struct ObservationScope: Sendable {
    package var session: AWSSession
    package var config: PlatformConfig
    package var context: PlatformContext
    package var names: Blueprint.Names
    /// Ignore ``AppliedRecord``s: read everything in full.
    package var fullRefresh: Bool
    let reads: SharedReads

    /// The cluster name.
    package var cluster: String { config.name }

    /// The value of the read named `key`, made once per observation however many kinds ask for it.
    package func shared<T: Sendable>(_ key: String, _ read: @escaping @Sendable () async throws -> T) async throws -> T {
        try await reads.value(key, read)
    }

    /// The region's available Availability Zones (`DescribeAvailabilityZones`, read once).
    ///
    /// Only zones of type `availability-zone` that need no opt-in: the answer also lists the Local and Wavelength
    /// Zones the account opted in to (`us-west-2-lax-1a` sorts before `us-west-2a`), and EKS places neither its
    /// control plane nor managed node groups there, so counting them would put a subnet of the cluster in one.
    package func availableZones() async throws -> [String] {
        try await shared("ec2.DescribeAvailabilityZones") { [session] in
            try await session.ec2.describeAvailabilityZones(filters: Self.availabilityZoneFilters).map(\.zoneName)
        }
    }

    /// Available, plain Availability Zones of the region (no Local or Wavelength Zones).
    package static let availabilityZoneFilters = [
        EC2Filter(name: "state", values: ["available"]),
        EC2Filter(name: "zone-type", values: ["availability-zone"]),
        EC2Filter(name: "opt-in-status", values: ["opt-in-not-required"]),
    ]

    /// Digests of the desired state of the kinds that keep an ``AppliedRecord`` (none for a full refresh); they need
    /// the zones, so kinds that do not compare records never wait for them.
    package func desiredRecords() async throws -> AWSPlatformObserver.DesiredRecords {
        if fullRefresh { return AWSPlatformObserver.DesiredRecords() }
        let zones = try await availableZones()
        return try await shared("desiredRecords") { [config, context] in
            AWSPlatformObserver.DesiredRecords(config: config, zones: zones, context: context)
        }
    }

    /// Whether `recorded` (a tag value) proves `id` was applied as platform.yaml asks now.
    package func recordMatches(_ id: ResourceID, recorded: String?) async throws -> Bool {
        try await desiredRecords().matches(id, recorded: recorded)
    }

    /// The record state of a resource read in full.
    package func stateAfterFullRead(_ id: ResourceID) async throws -> ObservedResource.Record {
        try await desiredRecords().stateAfterFullRead(id)
    }

    /// The platform's tag filter for batched EC2 Describe calls.
    package var ec2ClusterFilter: [EC2Filter] { [EC2Filter(name: "tag:\(PlatformTags.cluster)", values: [config.name])] }
}

/// Reads made once per observation, keyed by name.
actor SharedReads {
    private var tasks: [String: Task<any Sendable, any Error>] = [:]

    func value<T: Sendable>(_ key: String, _ read: @escaping @Sendable () async throws -> T) async throws -> T {
        let task: Task<any Sendable, any Error>
        if let existing = tasks[key] {
            task = existing
        } else {
            task = Task { try await read() }
            tasks[key] = task
        }
        guard let value = try await task.value as? T else {
            preconditionFailure("shared read \(key) was made with two different types")
        }
        return value
    }
}

extension ObservedResource {
    /// An EC2 resource found by the platform's tags: its id from the `eksplatform.io/resource` tag (`nil` when the
    /// tag is missing or names no known kind).
    static func ec2(
        tags list: [EC2Tag],
        physicalID: String,
        properties: ResourceProperties,
        status: String? = nil
    ) -> ObservedResource? {
        let tags = Dictionary(list.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let id = tags[PlatformTags.resource].flatMap(ResourceID.init(parsing:)) else { return nil }
        return ObservedResource(id: id, physicalID: physicalID, properties: properties, tags: tags, status: status)
    }
}
