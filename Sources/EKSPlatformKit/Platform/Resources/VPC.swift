import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EC2 VPC.
    public static let vpc = ResourceKind(declaring: "vpc")
}

extension PropertyKey {
    /// The IPv4 CIDR block of a VPC or subnet.
    public static let cidr = PropertyKey("cidr")
    /// A VPC's `enableDnsSupport`.
    public static let dnsSupport = PropertyKey("dnsSupport")
    /// A VPC's `enableDnsHostnames`.
    public static let dnsHostnames = PropertyKey("dnsHostnames")
}

extension ResourceSpec {
    /// The platform's VPC: one IPv4 CIDR, DNS support and hostnames on (EKS requires both).
    public struct VPC: Sendable, Equatable, ResourceSpecification {
        /// The IPv4 CIDR.
        public var cidr: String
        /// DNS support and hostnames.
        public var dns: Bool = true

        /// Registered as `vpc` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .vpc }
        /// `cidr` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.cidr] }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [.cidr: cidr, .dnsSupport: PropertyValue.flag(dns), .dnsHostnames: PropertyValue.flag(dns)]
        }
    }
}

extension ResourceSpec.VPC: EC2ManagedResource {
    package static var recordHolder: AppliedRecord.Holder? { .itself }

    /// One tag-filtered `DescribeVpcs`; the DNS attributes (two `DescribeVpcAttribute`) only when the VPC's record
    /// does not match.
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let ec2 = scope.session.ec2
        let found = try await ec2.describeVpcs(filters: scope.ec2ClusterFilter).compactMap { vpc in
            ObservedResource.ec2(tags: vpc.tags, physicalID: vpc.vpcId, properties: [.cidr: vpc.cidrBlock], status: vpc.state)
        }
        return try await AWSPlatformObserver.concurrently(found) { resource in
            var observed = resource
            if try await scope.recordMatches(resource.id, recorded: resource.tags[AppliedRecord.tagKey(for: resource.id)]) {
                observed.record = .matched
                return observed
            }
            async let support = ec2.describeVpcAttribute(vpcId: resource.physicalID, attribute: .enableDnsSupport)
            let hostnames = try await ec2.describeVpcAttribute(vpcId: resource.physicalID, attribute: .enableDnsHostnames)
            observed.properties[.dnsSupport] = PropertyValue.flag(try await support)
            observed.properties[.dnsHostnames] = PropertyValue.flag(hostnames)
            observed.record = try await scope.stateAfterFullRead(resource.id)
            return observed
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let ec2 = context.session.ec2
        let byTag = context.ec2Filters(resource.id)
        if let existing = try await ec2.describeVpcs(filters: byTag).first?.vpcId {
            // An interrupted run may have created the VPC and stopped before its DNS attributes were set.
            try await setDNS(vpcID: existing, session: context.session)
            return await context.adopt(resource.id, existing) ?? .unchanged("")
        }
        let created = try await ec2.createVpc(cidrBlock: cidr, tags: ResourceContext.ec2Tags(resource.tags))
        try await context.removeDuplicates(kept: created.vpcId, found: try await ec2.describeVpcs(filters: byTag).map(\.vpcId)) {
            try await ec2.deleteVpc(vpcId: $0)
        }
        await context.registry.record(resource.id, physicalID: created.vpcId)
        try await setDNS(vpcID: created.vpcId, session: context.session)
        return .done("created \(created.vpcId)")
    }

    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        try await context.session.ec2.createTags(resourceIds: [physicalID], tags: ResourceContext.ec2Tags(resource.tags))
        // What a create interrupted after the VPC existed leaves undone (issue 8's crash runs).
        try await setDNS(vpcID: physicalID, session: context.session)
        return .done("updated \(physicalID)")
    }

    package func recordApplied(
        _ resource: DesiredResource,
        key: String,
        digest: String,
        in context: ResourceContext
    ) async throws {
        let vpcID = try await context.registry.require(resource.id)
        try await context.session.ec2.createTags(resourceIds: [vpcID], tags: [EC2Tag(key: key, value: digest)])
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        try await context.session.ec2.deleteVpc(vpcId: physicalID)
    }

    /// Sets `enableDnsSupport` and `enableDnsHostnames` (one attribute per call, as EC2 requires).
    func setDNS(vpcID: String, session: AWSSession) async throws {
        try await session.ec2.modifyVpcAttribute(vpcId: vpcID, enableDnsSupport: dns)
        try await session.ec2.modifyVpcAttribute(vpcId: vpcID, enableDnsHostnames: dns)
    }
}
