import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EC2 security group.
    public static let securityGroup = ResourceKind(declaring: "securityGroup")
}

extension PropertyKey {
    /// A security group's name.
    public static let groupName = PropertyKey("groupName")
    /// A security group's description (immutable in EC2).
    public static let description = PropertyKey("description")
    /// A security group's ingress rules as compared (`self:all` for "all traffic from members").
    public static let ingress = PropertyKey("ingress")
}

extension ResourceSpec {
    /// A security group; the node group's admits all traffic from its own members.
    public struct SecurityGroup: Sendable, Equatable, ResourceSpecification {
        public var vpc: ResourceID
        /// The id of an existing VPC (`network.existing`), used instead of ``vpc``.
        public var existingVPCID: String?
        public var groupName: String
        /// The description (immutable in EC2).
        public var description: String
        /// Whether members may reach each other on all protocols and ports.
        public var allowSelf: Bool

        /// Registered as `securityGroup` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .securityGroup }
        /// `vpc`, `groupName`, `description` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.vpc, .groupName, .description] }
        /// The name AWS knows it by (used in messages and look-ups by name).
        public var awsName: String? { groupName }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [
                .vpc: existingVPCID ?? vpc.description, .groupName: groupName, .description: description,
                .ingress: allowSelf ? "self:all" : "",
            ]
        }
    }
}

extension ResourceSpec.SecurityGroup: EC2ManagedResource {
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        try await scope.session.ec2.describeSecurityGroups(filters: scope.ec2ClusterFilter).compactMap { group in
            .ec2(
                tags: group.tags,
                physicalID: group.groupId,
                properties: [
                    .vpc: group.vpcId ?? "", .groupName: group.groupName, .description: group.description,
                    .ingress: allowsSelf(group) ? "self:all" : "",
                ]
            )
        }
    }

    /// Whether `group` has the "all traffic from the group itself" ingress rule.
    static func allowsSelf(_ group: EC2SecurityGroup) -> Bool {
        group.ipPermissions.contains { permission in
            permission.ipProtocol == "-1" && permission.userIdGroupPairs.contains { $0.groupId == group.groupId }
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let ec2 = context.session.ec2
        if let existing = try await ec2.describeSecurityGroups(filters: context.ec2Filters(resource.id)).first {
            if allowSelf { try await allowSelfIngress(existing, session: context.session) }
            return await context.adopt(resource.id, existing.groupId) ?? .unchanged("")
        }
        let vpcID: String
        if let existingVPCID {
            vpcID = existingVPCID
        } else {
            vpcID = try await context.registry.require(vpc)
        }
        let groupID = try await ec2.createSecurityGroup(
            groupName: groupName,
            description: description,
            vpcId: vpcID,
            tags: ResourceContext.ec2Tags(resource.tags)
        )
        await context.registry.record(resource.id, physicalID: groupID)
        if allowSelf {
            try await ec2.authorizeSecurityGroupIngress(
                groupId: groupID,
                permissions: [EC2IpPermission(ipProtocol: "-1", userIdGroupPairs: [EC2UserIdGroupPair(groupId: groupID)])]
            )
        }
        return .done("created \(groupID)")
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
        // A create interrupted after the group existed may not have added the self rule (issue 8's crash runs).
        if allowSelf, let current = try await ec2.describeSecurityGroups(groupIds: [physicalID]).first {
            try await allowSelfIngress(current, session: context.session)
        }
        return .done("updated \(physicalID)")
    }

    /// Adds the "all traffic from the group itself" ingress rule unless `group` already has it.
    func allowSelfIngress(_ group: EC2SecurityGroup, session: AWSSession) async throws {
        guard !Self.allowsSelf(group) else { return }
        try await session.ec2.authorizeSecurityGroupIngress(
            groupId: group.groupId,
            permissions: [EC2IpPermission(ipProtocol: "-1", userIdGroupPairs: [EC2UserIdGroupPair(groupId: group.groupId)])]
        )
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        try await context.session.ec2.deleteSecurityGroup(groupId: physicalID)
    }
}
