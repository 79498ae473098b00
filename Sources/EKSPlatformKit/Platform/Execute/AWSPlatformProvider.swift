import EKSAWS
import EKSKubernetes
import Foundation

/// Applies in-cluster objects (Flux install, credentials, sync objects, `platform-vars`) through a Kubernetes client.
public protocol ClusterObjectApplier: Sendable {
    /// Applies `id` of `objects`, stamping the digest annotation; idempotent (server-side apply).
    func apply(_ id: ResourceID, objects: ClusterObjects, context: ApplyContext) async throws -> StepOutcome
}

/// The real ``PlatformProvider``: creates and updates the platform's AWS resources with the typed clients.
///
/// Every create first looks for the resource (by its tags or name) so a re-run after a crash adopts what an earlier
/// run created; calls that accept one send the resource's idempotency token; asynchronous resources (NAT gateways,
/// the cluster, node groups, add-ons) are waited for with backoff and progress events.
public struct AWSPlatformProvider: PlatformProvider {
    /// The AWS session.
    public var session: AWSSession
    /// Applies the in-cluster objects; `nil` when no Kubernetes access is configured.
    public var clusterObjects: (any ClusterObjectApplier)?

    /// Creates a provider.
    public init(session: AWSSession, clusterObjects: (any ClusterObjectApplier)? = nil) {
        self.session = session
        self.clusterObjects = clusterObjects
    }

    /// The in-cluster step cannot run without a Kubernetes client.
    public struct NoClusterAccessError: Error, Sendable, CustomStringConvertible {
        /// Which object.
        public var object: ResourceID
        /// What to do.
        public var description: String {
            "cannot apply \(object): no Kubernetes access is configured for the cluster phase "
                + "(PLATFORMCTL_KUBE_API for a local API server); the AWS part is done, run `platformctl up` again"
        }
    }

    static func ec2Tags(_ tags: [String: String]) -> [EC2Tag] {
        tags.keys.sorted().map { EC2Tag(key: $0, value: tags[$0] ?? "") }
    }

    func waiterOptions(_ context: ApplyContext, what: String) -> EKSWaiterOptions {
        let step = context.step
        return EKSWaiterOptions(
            sleeper: step.sleep,
            onStatus: { status in step.events.handle(.waiting(id: step.stepID, on: what, status: status)) }
        )
    }

    /// Applies an in-cluster object through ``clusterObjects``; fails clearly when no Kubernetes access is configured.
    public func applyClusterObject(
        _ id: ResourceID,
        objects: ClusterObjects,
        change: Plan.Change,
        context: ApplyContext
    ) async throws -> StepOutcome {
        guard let clusterObjects else { throw NoClusterAccessError(object: id) }
        return try await clusterObjects.apply(id, objects: objects, context: context)
    }

    /// Creates or updates `resource` as `change` says, then writes its ``AppliedRecord`` (kinds that keep one).
    public func apply(_ resource: DesiredResource, change: Plan.Change, context: ApplyContext) async throws -> StepOutcome {
        let outcome: StepOutcome
        if change.action == .update, let physicalID = change.physicalID {
            outcome = try await update(resource, physicalID: physicalID, context: context)
        } else {
            outcome = try await create(resource, context: context)
        }
        // Only after the step fully succeeded: an interrupted step leaves the old (or no) record behind.
        try await recordApplied(resource, context: context)
        return outcome
    }

    /// Writes `resource`'s ``AppliedRecord`` (the digest of what was just applied) to its holder's tags.
    func recordApplied(_ resource: DesiredResource, context: ApplyContext) async throws {
        guard let holder = AppliedRecord.holder(of: resource.id.kind) else { return }
        let key = AppliedRecord.tagKey(for: resource.id)
        let digest = AppliedRecord.digest(of: resource, in: context.platform)
        switch (holder, resource.spec) {
        case (.itself, .iamRole(let role)):
            try await session.iam.tagRole(roleName: role.roleName, tags: [IAMTag(key: key, value: digest)])
        case (.itself, .vpc):
            let vpcID = try await context.registry.require(resource.id)
            try await session.ec2.createTags(resourceIds: [vpcID], tags: [EC2Tag(key: key, value: digest)])
        case (.cluster, _):
            try await session.eks.tagResource(
                resourceArn: context.platform.clusterARN(context.config.name),
                tags: [key: digest]
            )
        case (.queue, .eventRule(let rule)):
            let queueURL: String
            if let known = await context.registry.physicalID(ResourceID(.sqsQueue, "interruption")) {
                queueURL = known
            } else {
                queueURL = try await session.sqs.getQueueUrl(queueName: rule.queueName)
            }
            try await session.sqs.tagQueue(queueUrl: queueURL, tags: [key: digest])
        default:
            return
        }
    }

    // MARK: create

    /// Deletes, with `remove`, every id in `found` except `kept`.
    ///
    /// Some creates are followed by a look-up by tag and this clean-up. CreateVpc, CreateInternetGateway and
    /// AllocateAddress take no idempotency token: when EC2 has done the call but the response is lost (a reset or a
    /// cut-off body), the client retries it and EC2 creates a second resource with the same tags (moto also ignores
    /// CreateRouteTable's token). Found by the reliability runs (a one-shot `truncate` fault on each create): each
    /// such loss left a duplicate, tagged as the platform's own, that plans could not tell apart. The one whose id
    /// the call returned is kept; the others were created moments before by the same step, so nothing refers to
    /// them yet.
    func removeDuplicates(kept: String?, found: [String], remove: (String) async throws -> Void) async throws {
        for extra in found where extra != kept { try await remove(extra) }
    }

    func create(_ resource: DesiredResource, context: ApplyContext) async throws -> StepOutcome {
        let ec2 = session.ec2
        let registry = context.registry
        let id = resource.id
        let tags = Self.ec2Tags(resource.tags)
        let cluster = context.config.name
        let platform = context.platform

        // Adopt an EC2 resource an interrupted run already created (found by its resource tag).
        func adopt(_ physicalID: String?) async -> StepOutcome? {
            guard let physicalID else { return nil }
            await registry.record(id, physicalID: physicalID)
            return .unchanged("\(id) already exists as \(physicalID)")
        }
        let byTag = [
            EC2Filter(name: "tag:\(PlatformTags.cluster)", values: [cluster]),
            EC2Filter(name: "tag:\(PlatformTags.resource)", values: [id.description]),
        ]

        switch resource.spec {
        case .vpc(let vpc):
            if let existing = try await ec2.describeVpcs(filters: byTag).first?.vpcId {
                // An interrupted run may have created the VPC and stopped before its DNS attributes were set.
                try await setDNS(vpcID: existing, enabled: vpc.dns)
                return await adopt(existing) ?? .unchanged("")
            }
            let created = try await ec2.createVpc(cidrBlock: vpc.cidr, tags: tags)
            try await removeDuplicates(kept: created.vpcId, found: try await ec2.describeVpcs(filters: byTag).map(\.vpcId)) {
                try await ec2.deleteVpc(vpcId: $0)
            }
            await registry.record(id, physicalID: created.vpcId)
            try await setDNS(vpcID: created.vpcId, enabled: vpc.dns)
            return .done("created \(created.vpcId)")

        case .subnet(let subnet):
            if let found = await adopt(try await ec2.describeSubnets(filters: byTag).first?.subnetId) { return found }
            let vpcID = try await registry.require(subnet.vpc)
            let created = try await ec2.createSubnet(
                vpcId: vpcID,
                cidrBlock: subnet.cidr,
                availabilityZone: subnet.zone,
                tags: tags
            )
            await registry.record(id, physicalID: created.subnetId)
            if subnet.isPublic { try await ec2.modifySubnetAttribute(subnetId: created.subnetId, mapPublicIpOnLaunch: true) }
            return .done("created \(created.subnetId) (\(subnet.cidr))")

        case .internetGateway(let gateway):
            let vpcID = try await registry.require(gateway.vpc)
            let existing = try await ec2.describeInternetGateways(filters: byTag).first
            let gatewayID: String
            if let existing {
                gatewayID = existing.internetGatewayId
                if existing.attachments.contains(where: { $0.vpcId == vpcID }) { return await adopt(gatewayID) ?? .unchanged("") }
            } else {
                gatewayID = try await ec2.createInternetGateway(tags: tags).internetGatewayId
                let found = try await ec2.describeInternetGateways(filters: byTag).map(\.internetGatewayId)
                try await removeDuplicates(kept: gatewayID, found: found) {
                    try await ec2.deleteInternetGateway(internetGatewayId: $0)
                }
            }
            await registry.record(id, physicalID: gatewayID)
            try await ec2.attachInternetGateway(internetGatewayId: gatewayID, vpcId: vpcID)
            return .done("created and attached \(gatewayID)")

        case .elasticIP:
            let existing = try await ec2.describeAddresses(filters: byTag).first
            if let found = await adopt(existing?.allocationId) { return found }
            let address = try await ec2.allocateAddress(tags: tags)
            let found = try await ec2.describeAddresses(filters: byTag).compactMap(\.allocationId)
            try await removeDuplicates(kept: address.allocationId, found: found) {
                try await ec2.releaseAddress(allocationId: $0)
            }
            await registry.record(id, physicalID: address.allocationId ?? address.publicIp)
            return .done("allocated \(address.allocationId ?? address.publicIp)")

        case .natGateway(let nat):
            let live = try await ec2.describeNatGateways(filters: byTag).first { ["pending", "available"].contains($0.state) }
            let natID: String
            if let live {
                natID = live.natGatewayId
            } else {
                natID = try await ec2.createNatGateway(
                    subnetId: try await registry.require(nat.subnet),
                    allocationId: try await registry.require(nat.elasticIP),
                    tags: tags,
                    clientToken: resource.idempotencyToken
                ).natGatewayId
            }
            await registry.record(id, physicalID: natID)
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

        case .routeTable(let table):
            let existing = try await ec2.describeRouteTables(filters: byTag).first
            let tableID: String
            if let existing {
                tableID = existing.routeTableId
            } else {
                tableID = try await ec2.createRouteTable(
                    vpcId: try await registry.require(table.vpc),
                    tags: tags,
                    clientToken: resource.idempotencyToken
                ).routeTableId
                let found = try await ec2.describeRouteTables(filters: byTag).map(\.routeTableId)
                try await removeDuplicates(kept: tableID, found: found) { try await ec2.deleteRouteTable(routeTableId: $0) }
            }
            await registry.record(id, physicalID: tableID)
            try await reconcileRouteTable(table, tableID: tableID, existing: existing, registry: registry)
            return existing == nil ? .done("created \(tableID)") : .done("reconciled \(tableID)")

        case .securityGroup(let group):
            if let existing = try await ec2.describeSecurityGroups(filters: byTag).first {
                if group.allowSelf { try await allowSelfIngress(existing) }
                return await adopt(existing.groupId) ?? .unchanged("")
            }
            let vpcID: String
            if let existingVPC = group.existingVPCID {
                vpcID = existingVPC
            } else {
                vpcID = try await registry.require(group.vpc)
            }
            let groupID = try await ec2.createSecurityGroup(
                groupName: group.groupName,
                description: group.description,
                vpcId: vpcID,
                tags: tags
            )
            await registry.record(id, physicalID: groupID)
            if group.allowSelf {
                try await ec2.authorizeSecurityGroupIngress(
                    groupId: groupID,
                    permissions: [EC2IpPermission(ipProtocol: "-1", userIdGroupPairs: [EC2UserIdGroupPair(groupId: groupID)])]
                )
            }
            return .done("created \(groupID)")

        case .iamRole(let role):
            let iam = session.iam
            let iamTags = resource.tags.keys.sorted().map { IAMTag(key: $0, value: resource.tags[$0] ?? "") }
            let existing = try await AWSPlatformObserver.optional { try await iam.getRole(roleName: role.roleName) }
            if existing == nil {
                _ = try await iam.createRole(
                    roleName: role.roleName,
                    assumeRolePolicyDocument: role.trust.json,
                    description: "\(id) of EKS platform \(cluster); managed by platformctl",
                    tags: iamTags
                )
            }
            await registry.record(id, physicalID: role.roleName)
            try await reconcileRolePolicies(role, platform: platform)
            return existing == nil ? .done("created role \(role.roleName)") : .done("reconciled role \(role.roleName)")

        case .cluster(let spec):
            let eks = session.eks
            if try await AWSPlatformObserver.optional({ try await eks.describeCluster(name: spec.name) }) == nil {
                var subnets = spec.existingSubnetIDs
                if subnets.isEmpty {
                    for subnet in spec.subnets { subnets.append(try await registry.require(subnet)) }
                }
                var groups: [String] = []
                for group in spec.securityGroups { groups.append(try await registry.require(group)) }
                let roleName = try await registry.require(spec.role)
                _ = try await eks.createCluster(
                    EKSCreateClusterRequest(
                        name: spec.name,
                        version: spec.version,
                        roleArn: platform.roleARN(roleName),
                        resourcesVpcConfig: EKSVpcConfigRequest(
                            subnetIds: subnets,
                            securityGroupIds: groups,
                            endpointPublicAccess: spec.endpointPublic,
                            endpointPrivateAccess: spec.endpointPrivate,
                            publicAccessCidrs: spec.endpointPublic ? spec.publicAccessCIDRs : nil
                        ),
                        logging: EKSLogging(clusterLogging: [EKSLogSetup(types: spec.logging, enabled: true)]),
                        clientRequestToken: resource.idempotencyToken,
                        tags: resource.tags,
                        accessConfig: EKSAccessConfig(
                            authenticationMode: spec.authenticationMode,
                            bootstrapClusterCreatorAdminPermissions: false
                        )
                    )
                )
            }
            await registry.record(id, physicalID: spec.name)
            try await eks.waitUntilClusterActive(name: spec.name, options: waiterOptions(context, what: "cluster ACTIVE"))
            return .done("cluster \(spec.name) is ACTIVE")

        case .accessEntry(let entry):
            let eks = session.eks
            let principal = entry.principalARN(in: platform)
            if try await AWSPlatformObserver.optional({
                try await eks.describeAccessEntry(clusterName: cluster, principalArn: principal)
            }) == nil {
                _ = try await eks.createAccessEntry(
                    clusterName: cluster,
                    principalArn: principal,
                    type: entry.type,
                    tags: resource.tags,
                    clientRequestToken: resource.idempotencyToken
                )
            }
            await registry.record(id, physicalID: principal)
            for policy in entry.accessPolicies {
                _ = try await eks.associateAccessPolicy(
                    clusterName: cluster,
                    principalArn: principal,
                    policyArn: platform.accessPolicyARN(policy),
                    accessScope: EKSAccessScope(type: "cluster")
                )
            }
            return .done("access entry \(entry.type) for \(principal)")

        case .nodeGroup(let group):
            let eks = session.eks
            if try await AWSPlatformObserver.optional({
                try await eks.describeNodegroup(clusterName: cluster, nodegroupName: group.name)
            }) == nil {
                var subnets = group.existingSubnetIDs
                if subnets.isEmpty {
                    for subnet in group.subnets { subnets.append(try await registry.require(subnet)) }
                }
                _ = try await eks.createNodegroup(
                    clusterName: cluster,
                    EKSCreateNodegroupRequest(
                        nodegroupName: group.name,
                        scalingConfig: EKSScalingConfig(
                            minSize: group.minSize,
                            maxSize: group.maxSize,
                            desiredSize: group.desiredSize
                        ),
                        subnets: subnets,
                        instanceTypes: group.instanceTypes,
                        amiType: group.amiType,
                        nodeRole: platform.roleARN(try await registry.require(group.role)),
                        labels: group.labels,
                        taints: group.taints.map { EKSTaint(key: $0.key, value: $0.value, effect: $0.effect) },
                        tags: resource.tags,
                        clientRequestToken: resource.idempotencyToken
                    )
                )
            }
            await registry.record(id, physicalID: group.name)
            try await eks.waitUntilNodegroupActive(
                clusterName: cluster,
                nodegroupName: group.name,
                options: waiterOptions(context, what: "node group \(group.name) ACTIVE")
            )
            return .done("node group \(group.name) is ACTIVE")

        case .addon(let addon):
            let eks = session.eks
            if try await AWSPlatformObserver.optional({
                try await eks.describeAddon(clusterName: cluster, addonName: addon.name)
            }) == nil {
                _ = try await eks.createAddon(
                    clusterName: cluster,
                    EKSAddonRequest(
                        addonName: addon.name,
                        resolveConflicts: addon.resolveConflicts,
                        clientRequestToken: resource.idempotencyToken,
                        tags: resource.tags,
                        configurationValues: addon.configurationValues
                    )
                )
            }
            await registry.record(id, physicalID: addon.name)
            try await eks.waitUntilAddonActive(
                clusterName: cluster,
                addonName: addon.name,
                options: waiterOptions(context, what: "add-on \(addon.name) ACTIVE")
            )
            return .done("add-on \(addon.name) is ACTIVE")

        case .podIdentityAssociation(let association):
            let eks = session.eks
            let existing = try await eks.listPodIdentityAssociations(
                clusterName: cluster,
                namespace: association.namespace,
                serviceAccount: association.serviceAccount
            ).first
            let associationID: String
            if let existing {
                associationID = existing.associationId
            } else {
                associationID = try await eks.createPodIdentityAssociation(
                    clusterName: cluster,
                    namespace: association.namespace,
                    serviceAccount: association.serviceAccount,
                    roleArn: platform.roleARN(association.roleName),
                    tags: resource.tags,
                    clientRequestToken: resource.idempotencyToken
                ).associationId
            }
            await registry.record(id, physicalID: associationID)
            return existing == nil ? .done("created \(associationID)") : .unchanged("\(associationID) already exists")

        case .sqsQueue(let queue):
            let url = try await session.sqs.createQueue(
                queueName: queue.queueName,
                attributes: [
                    "MessageRetentionPeriod": String(queue.messageRetentionSeconds),
                    "SqsManagedSseEnabled": queue.sqsManagedSSE ? "true" : "false",
                    "Policy": queue.policy.render(in: platform).json,
                ],
                tags: resource.tags
            )
            await registry.record(id, physicalID: url)
            return .done("queue \(queue.queueName)")

        case .eventRule(let rule):
            let events = session.eventBridge
            _ = try await events.putRule(
                name: rule.ruleName,
                eventPattern: rule.eventPattern,
                state: "ENABLED",
                description: "Karpenter interruption events for \(cluster)",
                tags: resource.tags
            )
            let failed = try await events.putTargets(
                rule: rule.ruleName,
                targets: [EventBridgeTarget(id: rule.targetID, arn: platform.queueARN(rule.queueName))]
            )
            if let first = failed.first {
                throw AWSClientError(
                    .invalidResponse,
                    "PutTargets failed for \(rule.ruleName): \(first.ErrorMessage ?? first.ErrorCode ?? "")",
                    service: "events",
                    operation: "PutTargets"
                )
            }
            await registry.record(id, physicalID: rule.ruleName)
            return .done("rule \(rule.ruleName) → queue \(rule.queueName)")
        }
    }

    /// Sets a VPC's `enableDnsSupport` and `enableDnsHostnames` (one attribute per call, as EC2 requires).
    func setDNS(vpcID: String, enabled: Bool) async throws {
        try await session.ec2.modifyVpcAttribute(vpcId: vpcID, enableDnsSupport: enabled)
        try await session.ec2.modifyVpcAttribute(vpcId: vpcID, enableDnsHostnames: enabled)
    }

    /// Adds the "all traffic from the group itself" ingress rule unless `group` already has it.
    func allowSelfIngress(_ group: EC2SecurityGroup) async throws {
        let present = group.ipPermissions.contains { permission in
            permission.ipProtocol == "-1" && permission.userIdGroupPairs.contains { $0.groupId == group.groupId }
        }
        guard !present else { return }
        try await session.ec2.authorizeSecurityGroupIngress(
            groupId: group.groupId,
            permissions: [EC2IpPermission(ipProtocol: "-1", userIdGroupPairs: [EC2UserIdGroupPair(groupId: group.groupId)])]
        )
    }

    func reconcileRouteTable(
        _ table: ResourceSpec.RouteTable,
        tableID: String,
        existing: EC2RouteTable?,
        registry: ResourceRegistry
    ) async throws {
        let ec2 = session.ec2
        for route in table.routes {
            let target = try await registry.require(route.target)
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
        for subnet in table.subnets {
            let subnetID = try await registry.require(subnet)
            if !associated.contains(subnetID) {
                _ = try await ec2.associateRouteTable(routeTableId: tableID, subnetId: subnetID)
            }
        }
    }

    func reconcileRolePolicies(_ role: ResourceSpec.IAMRole, platform: PlatformContext) async throws {
        let iam = session.iam
        try await iam.updateAssumeRolePolicy(roleName: role.roleName, policyDocument: role.trust.json)
        let attached = Set(try await iam.listAttachedRolePolicies(roleName: role.roleName).map(\.policyArn))
        let wanted = Set(role.managedPolicies.map { platform.managedPolicyARN($0) })
        for arn in wanted.subtracting(attached).sorted() {
            try await iam.attachRolePolicy(roleName: role.roleName, policyArn: arn)
        }
        // The role is the platform's own: policies platform.yaml no longer asks for are removed.
        for arn in attached.subtracting(wanted).sorted() {
            try await iam.detachRolePolicy(roleName: role.roleName, policyArn: arn)
        }
        for name in try await iam.listRolePolicies(roleName: role.roleName) where role.inlinePolicies[name] == nil {
            try await iam.deleteRolePolicy(roleName: role.roleName, policyName: name)
        }
        for (name, template) in role.inlinePolicies.sorted(by: { $0.key < $1.key }) {
            try await iam.putRolePolicy(
                roleName: role.roleName,
                policyName: name,
                policyDocument: template.render(in: platform).json
            )
        }
    }

    // MARK: update

    func update(_ resource: DesiredResource, physicalID: String, context: ApplyContext) async throws -> StepOutcome {
        let platform = context.platform
        let cluster = context.config.name
        await context.registry.record(resource.id, physicalID: physicalID)
        switch resource.spec {
        case .internetGateway:
            // Created, but the run stopped before attaching it: create() attaches an existing, detached gateway.
            try await session.ec2.createTags(resourceIds: [physicalID], tags: Self.ec2Tags(resource.tags))
            _ = try await create(resource, context: context)
            return .done("updated \(physicalID)")
        case .vpc, .subnet, .elasticIP, .natGateway, .securityGroup:
            try await session.ec2.createTags(resourceIds: [physicalID], tags: Self.ec2Tags(resource.tags))
            if case .subnet(let subnet) = resource.spec {
                try await session.ec2.modifySubnetAttribute(subnetId: physicalID, mapPublicIpOnLaunch: subnet.isPublic)
            }
            // What a create interrupted after the resource itself existed leaves undone (issue 8's crash runs).
            if case .vpc(let vpc) = resource.spec { try await setDNS(vpcID: physicalID, enabled: vpc.dns) }
            if case .securityGroup(let group) = resource.spec, group.allowSelf,
                let current = try await session.ec2.describeSecurityGroups(groupIds: [physicalID]).first
            {
                try await allowSelfIngress(current)
            }
            return .done("updated \(physicalID)")
        case .routeTable(let table):
            try await session.ec2.createTags(resourceIds: [physicalID], tags: Self.ec2Tags(resource.tags))
            let existing = try await session.ec2.describeRouteTables(routeTableIds: [physicalID]).first
            try await reconcileRouteTable(table, tableID: physicalID, existing: existing, registry: context.registry)
            return .done("updated \(physicalID)")
        case .iamRole(let role):
            try await session.iam.tagRole(
                roleName: role.roleName,
                tags: resource.tags.keys.sorted().map { IAMTag(key: $0, value: resource.tags[$0] ?? "") }
            )
            try await reconcileRolePolicies(role, platform: platform)
            return .done("updated role \(role.roleName)")
        case .nodeGroup(let group):
            let eks = session.eks
            let current = try await eks.describeNodegroup(clusterName: cluster, nodegroupName: group.name)
            let removed = (current.labels ?? [:]).keys.filter { group.labels[$0] == nil }.sorted()
            _ = try await eks.updateNodegroupConfig(
                clusterName: cluster,
                nodegroupName: group.name,
                EKSNodegroupConfigUpdate(
                    labels: .init(addOrUpdateLabels: group.labels, removeLabels: removed.isEmpty ? nil : removed),
                    taints: .init(
                        addOrUpdateTaints: group.taints.map { EKSTaint(key: $0.key, value: $0.value, effect: $0.effect) }
                    ),
                    scalingConfig: EKSScalingConfig(
                        minSize: group.minSize,
                        maxSize: group.maxSize,
                        desiredSize: group.desiredSize
                    ),
                    clientRequestToken: nil
                )
            )
            try await eks.tagResource(resourceArn: current.nodegroupArn ?? "", tags: resource.tags)
            try await eks.waitUntilNodegroupActive(
                clusterName: cluster,
                nodegroupName: group.name,
                options: waiterOptions(context, what: "node group \(group.name) update")
            )
            return .done("updated node group \(group.name)")
        case .addon(let addon):
            let eks = session.eks
            // Change only what differs: an update whose configuration already matches (a stale record after an
            // interrupted run) must not turn "no configuration" into an empty one.
            let current = try await eks.describeAddon(clusterName: cluster, addonName: addon.name)
            var changed: [String] = []
            if let arn = current.addonArn, Planner.tagDifference(have: current.tags ?? [:], want: resource.tags) != nil {
                try await eks.tagResource(resourceArn: arn, tags: resource.tags)
                changed.append("tags")
            }
            if PolicyDocument.canonical(current.configurationValues) != PolicyDocument.canonical(addon.configurationValues) {
                _ = try await eks.updateAddon(
                    clusterName: cluster,
                    addonName: addon.name,
                    EKSAddonRequest(
                        resolveConflicts: addon.resolveConflicts,
                        configurationValues: addon.configurationValues ?? ""
                    )
                )
                try await eks.waitUntilAddonActive(
                    clusterName: cluster,
                    addonName: addon.name,
                    options: waiterOptions(context, what: "add-on \(addon.name) update")
                )
                changed.append("configuration")
            }
            return changed.isEmpty
                ? .unchanged("add-on \(addon.name) already matches")
                : .done("updated add-on \(addon.name): \(changed.joined(separator: ", "))")
        case .sqsQueue(let queue):
            try await session.sqs.setQueueAttributes(
                queueUrl: physicalID,
                attributes: [
                    "MessageRetentionPeriod": String(queue.messageRetentionSeconds),
                    "SqsManagedSseEnabled": queue.sqsManagedSSE ? "true" : "false",
                    "Policy": queue.policy.render(in: platform).json,
                ]
            )
            try await session.sqs.tagQueue(queueUrl: physicalID, tags: resource.tags)
            return .done("updated queue \(queue.queueName)")
        case .eventRule, .accessEntry, .podIdentityAssociation:
            return try await create(resource, context: context)
        case .cluster(let spec):
            return try await updateCluster(spec, tags: resource.tags, context: context)
        }
    }

    /// Changes a cluster in place the way EKS allows: tags; the Kubernetes version one minor at a time; then endpoint
    /// access, control-plane logging and the authentication mode, one `UpdateClusterConfig` each (EKS takes one kind
    /// of change per call), each waited for. Role, subnets and security groups cannot change (a replacement, which
    /// the executor refuses before anything runs).
    func updateCluster(
        _ spec: ResourceSpec.Cluster,
        tags: [String: String],
        context: ApplyContext
    ) async throws -> StepOutcome {
        let eks = session.eks
        let name = spec.name
        let current = try await eks.describeCluster(name: name)
        var done: [String] = []
        try await eks.tagResource(resourceArn: current.arn ?? context.platform.clusterARN(name), tags: tags)

        func finish(_ update: EKSUpdate?, _ what: String) async throws {
            guard let update else { return }
            try await context.step.wait(for: "cluster \(name): \(what)", timeout: .seconds(3600)) {
                let state = try await eks.describeUpdate(name: name, updateId: update.id)
                switch state.status {
                case "Successful": return .ready
                case "Failed", "Cancelled":
                    let reasons = (state.errors ?? []).compactMap { $0.errorMessage ?? $0.errorCode }
                    throw ClusterUpdateError(cluster: name, what: what, status: state.status, reasons: reasons)
                default: return .pending(state.status)
                }
            }
            try await eks.waitUntilClusterActive(name: name, options: waiterOptions(context, what: "cluster ACTIVE"))
            done.append(what)
        }

        var version = current.version ?? spec.version
        while version != spec.version {
            guard let next = Self.nextMinorVersion(after: version, toward: spec.version) else {
                throw UnsupportedUpdateError(
                    resource: ResourceID(.cluster, "main"),
                    what: "the Kubernetes version of cluster \(name) from \(version) to \(spec.version) (EKS only upgrades, "
                        + "one minor version at a time)"
                )
            }
            try await finish(try await eks.updateClusterVersion(name: name, version: next), "version \(next)")
            version = next
        }

        let vpc = current.resourcesVpcConfig
        let publicCIDRs = spec.endpointPublic ? spec.publicAccessCIDRs.sorted() : []
        let currentCIDRs = vpc?.endpointPublicAccess == true ? (vpc?.publicAccessCidrs ?? []).sorted() : []
        if vpc?.endpointPublicAccess != spec.endpointPublic || vpc?.endpointPrivateAccess != spec.endpointPrivate
            || currentCIDRs != publicCIDRs
        {
            let update = try await eks.updateClusterConfig(
                name: name,
                resourcesVpcConfig: EKSVpcConfigRequest(
                    endpointPublicAccess: spec.endpointPublic,
                    endpointPrivateAccess: spec.endpointPrivate,
                    publicAccessCidrs: spec.endpointPublic ? spec.publicAccessCIDRs : nil
                )
            )
            try await finish(update, "endpoint access")
        }

        let enabled = Set((current.logging?.clusterLogging ?? []).filter { $0.enabled == true }.flatMap { $0.types ?? [] })
        if enabled != Set(spec.logging) {
            var setups = [EKSLogSetup(types: spec.logging.sorted(), enabled: true)]
            let off = Set(Blueprint.clusterLogTypes).subtracting(spec.logging).sorted()
            if !off.isEmpty { setups.append(EKSLogSetup(types: off, enabled: false)) }
            if spec.logging.isEmpty { setups.removeFirst() }
            try await finish(
                try await eks.updateClusterConfig(name: name, logging: EKSLogging(clusterLogging: setups)),
                "logging"
            )
        }

        if let mode = current.accessConfig?.authenticationMode, mode != spec.authenticationMode {
            let update = try await eks.updateClusterConfig(
                name: name,
                accessConfig: EKSAccessConfig(authenticationMode: spec.authenticationMode)
            )
            try await finish(update, "authentication mode \(spec.authenticationMode)")
        }
        return .done(
            done.isEmpty ? "updated the tags of cluster \(name)" : "updated cluster \(name): \(done.joined(separator: ", "))"
        )
    }

    /// The next minor version after `current` when `target` is later (`1.31` → `1.32` toward `1.33`), else `nil`.
    static func nextMinorVersion(after current: String, toward target: String) -> String? {
        func parts(_ version: String) -> (Int, Int)? {
            let pieces = version.split(separator: ".").prefix(2).compactMap { Int($0) }
            return pieces.count == 2 ? (pieces[0], pieces[1]) : nil
        }
        guard let (major, minor) = parts(current), let (targetMajor, targetMinor) = parts(target),
            major == targetMajor, targetMinor > minor
        else { return nil }
        return "\(major).\(minor + 1)"
    }

    /// An EKS cluster update that ended as `Failed` or `Cancelled`.
    public struct ClusterUpdateError: Error, Sendable, CustomStringConvertible {
        /// The cluster.
        public var cluster: String
        /// What was being changed.
        public var what: String
        /// `Failed` or `Cancelled`.
        public var status: String
        /// EKS's reasons.
        public var reasons: [String]
        /// What happened and what to do.
        public var description: String {
            "the update of cluster \(cluster) (\(what)) ended \(status)"
                + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; "))
                + "; see `aws eks list-updates --name \(cluster)`, fix the cause and run `platformctl up` again"
        }
    }

    /// An in-place change the provider does not perform (yet); the plan shows it, `up` reports it.
    public struct UnsupportedUpdateError: Error, Sendable, CustomStringConvertible {
        /// The resource.
        public var resource: ResourceID
        /// What would change.
        public var what: String
        /// What to do.
        public var description: String {
            "platformctl does not change \(what) in place yet (\(resource)); change it with the AWS console or CLI"
        }
    }

    // MARK: delete (orphans found by tag)

    /// Deletes an owned resource platform.yaml no longer asks for (what is already gone is unchanged).
    public func delete(_ id: ResourceID, context: ApplyContext) async throws -> StepOutcome {
        // The same idempotent deletions `down` uses (waits included); already-gone resources are unchanged.
        try await AWSTeardownProvider(session: session, kube: nil).deleteResource(id, context: context)
    }
}
