import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An IAM role (with its managed policy attachments and inline policies).
    public static let iamRole = ResourceKind(declaring: "iamRole")
}

extension PropertyKey {
    /// A role's name.
    public static let roleName = PropertyKey("roleName")
    /// A role's trust policy (canonical JSON).
    public static let trustPolicy = PropertyKey("trustPolicy")
    /// The ARNs of a role's attached managed policies.
    public static let managedPolicies = PropertyKey("managedPolicies")
    /// The names of a role's inline policies.
    public static let inlinePolicies = PropertyKey("inlinePolicies")
    /// The document of the inline policy `name` (canonical JSON).
    public static func inlinePolicy(_ name: String) -> PropertyKey { PropertyKey("inlinePolicy:\(name)") }
}

extension ResourceSpec {
    /// An IAM role the platform owns: trust policy, AWS managed policies by name, inline policies by name.
    public struct IAMRole: Sendable, Equatable, ResourceSpecification {
        public var roleName: String
        /// The trust policy.
        public var trust: PolicyDocument
        /// AWS managed policies by name (the ARN is built with the partition).
        public var managedPolicies: [String]
        /// Inline policies by name.
        public var inlinePolicies: [String: PolicyTemplate]

        /// Registered as `iamRole` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .iamRole }
        /// The name AWS knows it by (used in messages and look-ups by name).
        public var awsName: String? { roleName }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            var properties: ResourceProperties = [
                .roleName: roleName,
                .trustPolicy: trust.json,
                .managedPolicies: PropertyValue.list(managedPolicies.map { context.managedPolicyARN($0) }),
                .inlinePolicies: PropertyValue.list(Array(inlinePolicies.keys)),
            ]
            for (name, template) in inlinePolicies {
                properties[.inlinePolicy(name)] = template.render(in: context).json
            }
            return properties
        }
    }
}

extension ResourceSpec.IAMRole: ManagedResource {
    package static var recordHolder: AppliedRecord.Holder? { .itself }

    /// Clusters and node groups name their role by ARN.
    package static func references(to resource: ObservedResource, in context: PlatformContext) -> [String] {
        [context.roleARN(resource.physicalID)]
    }

    /// `GetRole` for the four platform roles at once (their names follow from the cluster name); their policies
    /// only when a role's record does not match.
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let iam = scope.session.iam
        let names = scope.names
        let roles: [(String, String)] = [
            ("cluster", names.clusterRole), ("system-node", names.systemNodeRole),
            ("karpenter-controller", names.karpenterControllerRole), ("karpenter-node", names.karpenterNodeRole),
        ]
        let found = try await AWSPlatformObserver.concurrently(roles) { key, name in
            try await ifExists { try await iam.getRole(roleName: name) }.map { (key: key, role: $0) }
        }
        return try await AWSPlatformObserver.concurrently(found) { key, role in
            let id = ResourceID(.iamRole, key)
            let name = role.roleName
            let tags = Dictionary(role.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            var properties: ResourceProperties = [.roleName: name]
            if let trust = role.assumeRolePolicyDocument {
                properties[.trustPolicy] = PolicyDocument.canonical(trust)
            }
            if try await scope.recordMatches(id, recorded: tags[AppliedRecord.tagKey(for: id)]) {
                return ObservedResource(id: id, physicalID: name, properties: properties, tags: tags, record: .matched)
            }
            async let attached = iam.listAttachedRolePolicies(roleName: name)
            let inline = try await iam.listRolePolicies(roleName: name)
            properties[.managedPolicies] = PropertyValue.list(try await attached.map(\.policyArn))
            properties[.inlinePolicies] = PropertyValue.list(inline)
            let documents = try await AWSPlatformObserver.concurrently(inline) { policy in
                (policy, try await iam.getRolePolicy(roleName: name, policyName: policy))
            }
            for (policy, document) in documents {
                properties[.inlinePolicy(policy)] = PolicyDocument.canonical(document)
            }
            return ObservedResource(
                id: id,
                physicalID: name,
                properties: properties,
                tags: tags,
                record: try await scope.stateAfterFullRead(id)
            )
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let iam = context.session.iam
        let existing = try await ifExists { try await iam.getRole(roleName: roleName) }
        if existing == nil {
            _ = try await iam.createRole(
                roleName: roleName,
                assumeRolePolicyDocument: trust.json,
                description: "\(resource.id) of EKS platform \(context.cluster); managed by platformctl",
                tags: IAMTag.from(resource.tags)
            )
        }
        await context.registry.record(resource.id, physicalID: roleName)
        try await reconcilePolicies(in: context)
        return existing == nil ? .done("created role \(roleName)") : .done("reconciled role \(roleName)")
    }

    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        try await context.session.iam.tagRole(roleName: roleName, tags: IAMTag.from(resource.tags))
        try await reconcilePolicies(in: context)
        return .done("updated role \(roleName)")
    }

    /// Trust policy, attached managed policies and inline policies exactly as specified: the role is the platform's
    /// own, so policies platform.yaml no longer asks for are removed.
    func reconcilePolicies(in context: ResourceContext) async throws {
        let iam = context.session.iam
        try await iam.updateAssumeRolePolicy(roleName: roleName, policyDocument: trust.json)
        let attached = Set(try await iam.listAttachedRolePolicies(roleName: roleName).map(\.policyArn))
        let wanted = Set(managedPolicies.map { context.platform.managedPolicyARN($0) })
        for arn in wanted.subtracting(attached).sorted() {
            try await iam.attachRolePolicy(roleName: roleName, policyArn: arn)
        }
        for arn in attached.subtracting(wanted).sorted() {
            try await iam.detachRolePolicy(roleName: roleName, policyArn: arn)
        }
        for name in try await iam.listRolePolicies(roleName: roleName) where inlinePolicies[name] == nil {
            try await iam.deleteRolePolicy(roleName: roleName, policyName: name)
        }
        for (name, template) in inlinePolicies.sorted(by: { $0.key < $1.key }) {
            try await iam.putRolePolicy(
                roleName: roleName,
                policyName: name,
                policyDocument: template.render(in: context.platform).json
            )
        }
    }

    package func recordApplied(
        _ resource: DesiredResource,
        key: String,
        digest: String,
        in context: ResourceContext
    ) async throws {
        try await context.session.iam.tagRole(roleName: roleName, tags: [IAMTag(key: key, value: digest)])
    }

    /// Detaches and deletes its policies, takes it out of its instance profiles (deleting those tagged for the
    /// cluster: Karpenter creates them for its node role, and the account's profile listing may carry no tags),
    /// then deletes the role.
    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let iam = context.session.iam
        for policy in try await iam.listAttachedRolePolicies(roleName: physicalID) {
            try await AWSTeardownProvider.partGone {
                try await iam.detachRolePolicy(roleName: physicalID, policyArn: policy.policyArn)
            }
        }
        for name in try await iam.listRolePolicies(roleName: physicalID) {
            try await AWSTeardownProvider.partGone { try await iam.deleteRolePolicy(roleName: physicalID, policyName: name) }
        }
        let clusterTag = PlatformTags.kubernetesCluster(context.cluster)
        for listed in try await iam.listInstanceProfilesForRole(roleName: physicalID) {
            var profile = listed
            if profile.tags.isEmpty {
                let name = profile.instanceProfileName
                guard let found = try await ifExists({ try await iam.getInstanceProfile(instanceProfileName: name) }) else {
                    continue
                }
                profile = found
            }
            if profile.tags.contains(where: { $0.key == clusterTag }) {
                try await AWSTeardownProvider(session: context.session, kube: nil).deleteInstanceProfile(profile)
            } else {
                try await AWSTeardownProvider.partGone {
                    try await iam.removeRoleFromInstanceProfile(
                        instanceProfileName: profile.instanceProfileName,
                        roleName: physicalID
                    )
                }
            }
        }
        try await iam.deleteRole(roleName: physicalID)
    }
}
