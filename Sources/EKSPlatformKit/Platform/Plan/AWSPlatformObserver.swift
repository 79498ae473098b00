import EKSAWS
import EKSKubernetes
import Foundation

/// Observes a platform in AWS with the typed clients: one caller-identity lookup, one zone listing, one
/// tag-filtered Describe call per EC2 resource type (`tag:eksplatform.io/cluster=<name>`), and name-based reads for
/// IAM, EKS, SQS and EventBridge (whose names are stable functions of the cluster name). The services are read
/// concurrently. Per-resource reads (a role's policies, an add-on's configuration, a rule's target and tags …) are
/// skipped when platformctl's ``AppliedRecord`` shows the resource was applied as platform.yaml asks now, unless
/// ``fullRefresh`` is set.
///
/// In-cluster objects are observed by `clusterObjects` when given (it needs a Kubernetes client); without it they are
/// left out and the planner reports them as to be applied.
public struct AWSPlatformObserver: PlatformObserver {
    /// The AWS session (credentials, region, endpoint).
    public var session: AWSSession
    /// Observes the engine's in-cluster objects once the cluster exists.
    public var clusterObjects: (any ClusterObjectObserver)?
    /// Read every resource in full, ignoring ``AppliedRecord``s (finds changes made outside platformctl to the
    /// recorded parts, at the cost of more reads).
    public var fullRefresh: Bool

    /// Creates an observer.
    public init(session: AWSSession, clusterObjects: (any ClusterObjectObserver)? = nil, fullRefresh: Bool = false) {
        self.session = session
        self.clusterObjects = clusterObjects
        self.fullRefresh = fullRefresh
    }

    static func isNotFound(_ error: any Error) -> Bool {
        guard let error = error as? AWSServiceError else { return false }
        return [
            "NoSuchEntity", "ResourceNotFoundException", "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
            "NotFoundException",
        ].contains(error.code)
    }

    /// Runs `body`, mapping "not found" to `nil`.
    static func optional<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        do { return try await body() } catch  where isNotFound(error) { return nil }
    }

    /// Observes `config`'s platform: identity and zones, then every service concurrently (see the type's notes).
    public func observe(_ config: PlatformConfig) async throws -> ObservedState {
        let identity = try await session.sts.getCallerIdentity()
        session.redactor.register(accountID: identity.account)
        let partition = ARN(parsing: identity.arn)?.partition ?? PlatformContext.partition(forRegion: config.spec.region)
        let context = PlatformContext(accountID: identity.account, partition: partition, region: config.spec.region)
        let names = Blueprint.Names(cluster: config.name)

        // Every service at once: the reads of one service never depend on another's.
        async let zoneList = session.ec2.describeAvailabilityZones(
            filters: [EC2Filter(name: "state", values: ["available"])]
        )
        async let networkList = observeNetwork(config)
        async let roleList = fetchRoles(names: names)
        async let clusterFound = Self.optional { try await session.eks.describeCluster(name: config.name) }
        async let queueFound = fetchQueue(names: names)
        async let ruleList = session.eventBridge.listRules(
            namePrefix: StableNames.bounded(prefix: "Karpenter-", names.cluster, limit: 64)
        )

        let zones = try await zoneList.map(\.zoneName)
        let desired = fullRefresh ? DesiredRecords() : DesiredRecords(config: config, zones: zones, context: context)

        var resources = try await observeVPCAttributes(try await networkList, desired: desired)
        let references = Dictionary(
            resources.map { ($0.physicalID, $0.id.description) },
            uniquingKeysWith: { first, _ in first }
        )
        let roles = try await observeRoles(roleList, desired: desired)
        resources += roles
        var roleByARN: [String: String] = [:]
        for role in roles { roleByARN[context.roleARN(role.physicalID)] = role.id.description }

        var endpoint: String?
        if let cluster = try await clusterFound, cluster.status != "DELETING" {
            endpoint = cluster.endpoint
            resources += try await observeCluster(
                cluster,
                config: config,
                context: context,
                references: references,
                roleByARN: roleByARN,
                desired: desired
            )
            if let clusterObjects, let endpoint {
                resources += try await clusterObjects.observe(config, endpoint: endpoint)
            }
        }
        // Observed even when disabled, so turning the queue off plans its deletion.
        let queue = try await queueFound
        if let queue { resources.append(queue.resource) }
        resources += try await observeRules(try await ruleList, names: names, queueTags: queue?.tags ?? [:], desired: desired)
        return ObservedState(context: context, availableZones: zones, resources: resources, clusterEndpoint: endpoint)
    }

    /// The digests of the desired state of the kinds that keep an ``AppliedRecord``, and the access entries' principals.
    struct DesiredRecords: Sendable {
        var digests: [ResourceID: String] = [:]
        var accessEntryByPrincipal: [String: ResourceID] = [:]

        /// No records (a full refresh, or a configuration the blueprint rejects): everything is read in full.
        init() {}

        init(config: PlatformConfig, zones: [String], context: PlatformContext) {
            guard let resolved = try? Blueprint.resolveZones(for: config, available: zones),
                let blueprint = try? Blueprint(config: config, zones: resolved)
            else { return }
            for resource in blueprint.resources where AppliedRecord.holder(of: resource.id.kind) != nil {
                digests[resource.id] = AppliedRecord.digest(of: resource, in: context)
                if case .accessEntry(let entry) = resource.spec {
                    accessEntryByPrincipal[entry.principalARN(in: context)] = resource.id
                }
            }
        }

        /// Whether `recorded` (a tag value, if any) proves `id` was applied as platform.yaml asks now.
        func matches(_ id: ResourceID, recorded: String?) -> Bool {
            guard let recorded, let digest = digests[id] else { return false }
            return recorded == digest
        }

        /// The record state of a resource read in full.
        func stateAfterFullRead(_ id: ResourceID) -> ObservedResource.Record {
            digests[id] == nil ? .notApplicable : .stale
        }
    }

    /// Runs `body` for every element concurrently and returns the non-nil results in the elements' order.
    static func concurrently<Element: Sendable, Result: Sendable>(
        _ elements: [Element],
        _ body: @escaping @Sendable (Element) async throws -> Result?
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result?).self) { group in
            for (index, element) in elements.enumerated() {
                group.addTask { (index, try await body(element)) }
            }
            var results = [Result?](repeating: nil, count: elements.count)
            for try await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
    }

    // MARK: EC2 (batched, tag-filtered)

    func observeNetwork(_ config: PlatformConfig) async throws -> [ObservedResource] {
        let ec2 = session.ec2
        let filter = [EC2Filter(name: "tag:\(PlatformTags.cluster)", values: [config.name])]
        async let vpcs = ec2.describeVpcs(filters: filter)
        async let subnets = ec2.describeSubnets(filters: filter)
        async let gateways = ec2.describeInternetGateways(filters: filter)
        async let addresses = ec2.describeAddresses(filters: filter)
        async let nats = ec2.describeNatGateways(filters: filter)
        async let tables = ec2.describeRouteTables(filters: filter)
        async let groups = ec2.describeSecurityGroups(filters: filter)

        func tags(_ list: [EC2Tag]) -> [String: String] {
            Dictionary(list.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        func id(_ list: [EC2Tag]) -> ResourceID? { tags(list)[PlatformTags.resource].flatMap(ResourceID.init(parsing:)) }

        let (vpcList, subnetList, gatewayList, addressList, natList, tableList, groupList) = try await (
            vpcs, subnets, gateways, addresses, nats, tables, groups
        )
        var physical: [String: String] = [:]
        func remember(_ tagList: [EC2Tag], _ physicalID: String) {
            if let id = id(tagList) { physical[physicalID] = id.description }
        }
        for vpc in vpcList { remember(vpc.tags, vpc.vpcId) }
        for subnet in subnetList { remember(subnet.tags, subnet.subnetId) }
        for gateway in gatewayList { remember(gateway.tags, gateway.internetGatewayId) }
        for address in addressList { remember(address.tags, address.allocationId ?? address.publicIp) }
        let liveNATs = natList.filter { ["pending", "available"].contains($0.state) }
        for nat in liveNATs { remember(nat.tags, nat.natGatewayId) }
        for group in groupList { remember(group.tags, group.groupId) }
        func ref(_ physicalID: String?) -> String { physicalID.map { physical[$0] ?? $0 } ?? "" }
        func list(_ values: [String]) -> String { values.sorted().joined(separator: ",") }

        var result: [ObservedResource] = []
        func add(_ tagList: [EC2Tag], _ physicalID: String, _ properties: [String: String], status: String? = nil) {
            guard let id = id(tagList) else { return }
            result.append(
                ObservedResource(id: id, physicalID: physicalID, properties: properties, tags: tags(tagList), status: status)
            )
        }
        for vpc in vpcList {
            add(vpc.tags, vpc.vpcId, ["cidr": vpc.cidrBlock], status: vpc.state)
        }
        for subnet in subnetList {
            add(
                subnet.tags,
                subnet.subnetId,
                [
                    "vpc": ref(subnet.vpcId), "cidr": subnet.cidrBlock, "zone": subnet.availabilityZone,
                    "mapPublicIpOnLaunch": subnet.mapPublicIpOnLaunch ? "true" : "false",
                ],
                status: subnet.state
            )
        }
        for gateway in gatewayList {
            add(gateway.tags, gateway.internetGatewayId, ["vpc": ref(gateway.attachments.first?.vpcId)])
        }
        for address in addressList {
            add(address.tags, address.allocationId ?? address.publicIp, ["domain": address.domain ?? "vpc"])
        }
        for nat in liveNATs {
            add(
                nat.tags,
                nat.natGatewayId,
                ["subnet": ref(nat.subnetId), "elasticIP": ref(nat.addresses.first?.allocationId)],
                status: nat.state
            )
        }
        for table in tableList {
            let routes = table.routes.filter { $0.origin != "CreateRouteTable" && $0.destinationCidrBlock != nil }
                .map { "\($0.destinationCidrBlock ?? "")->\(ref($0.natGatewayId ?? $0.gatewayId))" }
            add(
                table.tags,
                table.routeTableId,
                [
                    "vpc": ref(table.vpcId), "routes": list(routes),
                    "subnets": list(table.associations.compactMap(\.subnetId).map { ref($0) }),
                ]
            )
        }
        for group in groupList {
            let allowsSelf = group.ipPermissions.contains { permission in
                permission.ipProtocol == "-1" && permission.userIdGroupPairs.contains { $0.groupId == group.groupId }
            }
            add(
                group.tags,
                group.groupId,
                [
                    "vpc": ref(group.vpcId), "groupName": group.groupName, "description": group.description,
                    "ingress": allowsSelf ? "self:all" : "",
                ]
            )
        }
        return result
    }

    /// Adds the VPC's DNS attributes (two `DescribeVpcAttribute` calls) unless its ``AppliedRecord`` matches.
    func observeVPCAttributes(_ network: [ObservedResource], desired: DesiredRecords) async throws -> [ObservedResource] {
        let ec2 = session.ec2
        return try await Self.concurrently(network) { resource in
            guard resource.id.kind == .vpc else { return resource }
            var observed = resource
            if desired.matches(resource.id, recorded: resource.tags[AppliedRecord.tagKey(for: resource.id)]) {
                observed.record = .matched
                return observed
            }
            async let support = ec2.describeVpcAttribute(vpcId: resource.physicalID, attribute: .enableDnsSupport)
            let hostnames = try await ec2.describeVpcAttribute(vpcId: resource.physicalID, attribute: .enableDnsHostnames)
            observed.properties["dnsSupport"] = try await support ? "true" : "false"
            observed.properties["dnsHostnames"] = hostnames ? "true" : "false"
            observed.record = desired.stateAfterFullRead(resource.id)
            return observed
        }
    }

    // MARK: IAM

    /// `GetRole` for the four platform roles at once.
    func fetchRoles(names: Blueprint.Names) async throws -> [(key: String, role: IAMRole)] {
        let iam = session.iam
        let roles: [(String, String)] = [
            ("cluster", names.clusterRole), ("system-node", names.systemNodeRole),
            ("karpenter-controller", names.karpenterControllerRole), ("karpenter-node", names.karpenterNodeRole),
        ]
        return try await Self.concurrently(roles) { key, name in
            try await Self.optional { try await iam.getRole(roleName: name) }.map { (key: key, role: $0) }
        }
    }

    /// The roles' trust policies and tags, and — unless their ``AppliedRecord`` matches — their policies.
    func observeRoles(_ roles: [(key: String, role: IAMRole)], desired: DesiredRecords) async throws -> [ObservedResource] {
        let iam = session.iam
        return try await Self.concurrently(roles) { key, role in
            let id = ResourceID(.iamRole, key)
            let name = role.roleName
            let tags = Dictionary(role.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            var properties = ["roleName": name]
            if let trust = role.assumeRolePolicyDocument {
                properties["trustPolicy"] = PolicyDocument.canonical(trust)
            }
            if desired.matches(id, recorded: tags[AppliedRecord.tagKey(for: id)]) {
                return ObservedResource(id: id, physicalID: name, properties: properties, tags: tags, record: .matched)
            }
            async let attached = iam.listAttachedRolePolicies(roleName: name)
            let inline = try await iam.listRolePolicies(roleName: name)
            properties["managedPolicies"] = try await attached.map(\.policyArn).sorted().joined(separator: ",")
            properties["inlinePolicies"] = inline.sorted().joined(separator: ",")
            let documents = try await Self.concurrently(inline) { policy in
                (policy, try await iam.getRolePolicy(roleName: name, policyName: policy))
            }
            for (policy, document) in documents {
                properties["inlinePolicy:\(policy)"] = PolicyDocument.canonical(document)
            }
            return ObservedResource(
                id: id,
                physicalID: name,
                properties: properties,
                tags: tags,
                record: desired.stateAfterFullRead(id)
            )
        }
    }

    // MARK: EKS

    func observeCluster(
        _ cluster: EKSCluster,
        config: PlatformConfig,
        context: PlatformContext,
        references: [String: String],
        roleByARN: [String: String],
        desired: DesiredRecords
    ) async throws -> [ObservedResource] {
        let eks = session.eks
        let name = config.name
        @Sendable func ref(_ physicalID: String) -> String { references[physicalID] ?? physicalID }
        @Sendable func list(_ values: [String]) -> String { values.sorted().joined(separator: ",") }
        func flag(_ value: Bool?) -> String { value == true ? "true" : "false" }
        let vpc = cluster.resourcesVpcConfig
        let logging = (cluster.logging?.clusterLogging ?? []).filter { $0.enabled == true }.flatMap { $0.types ?? [] }
        let clusterTags = cluster.tags ?? [:]
        var result = [
            ObservedResource(
                id: ResourceID(.cluster, "main"),
                physicalID: name,
                properties: [
                    "version": cluster.version ?? "",
                    "role": cluster.roleArn.map { roleByARN[$0] ?? $0 } ?? "",
                    "subnets": list((vpc?.subnetIds ?? []).map(ref)),
                    "securityGroups": list((vpc?.securityGroupIds ?? []).map(ref)),
                    "endpointPublic": flag(vpc?.endpointPublicAccess),
                    "endpointPrivate": flag(vpc?.endpointPrivateAccess),
                    "publicAccessCIDRs": list(vpc?.publicAccessCidrs ?? []),
                    "authenticationMode": cluster.accessConfig?.authenticationMode ?? "",
                    "logging": list(logging),
                ],
                tags: clusterTags,
                status: cluster.status
            )
        ]
        @Sendable func recorded(_ id: ResourceID) -> Bool {
            desired.matches(id, recorded: clusterTags[AppliedRecord.tagKey(for: id)])
        }

        let service = Blueprint.karpenterServiceAccount
        async let groupNames = eks.listNodegroups(clusterName: name)
        async let addonNames = eks.listAddons(clusterName: name)
        async let principals = eks.listAccessEntries(clusterName: name)
        async let associations = eks.listPodIdentityAssociations(
            clusterName: name,
            namespace: service.namespace,
            serviceAccount: service.name
        )

        // Node groups: DescribeNodegroup is the only read and returns everything compared.
        result += try await Self.concurrently(try await groupNames) { groupName in
            let group = try await eks.describeNodegroup(clusterName: name, nodegroupName: groupName)
            guard let id = (group.tags?[PlatformTags.resource]).flatMap(ResourceID.init(parsing:)) else { return nil }
            return ObservedResource(
                id: id,
                physicalID: group.nodegroupName,
                properties: [
                    "role": group.nodeRole.map { roleByARN[$0] ?? $0 } ?? "",
                    "subnets": list((group.subnets ?? []).map(ref)),
                    "instanceTypes": (group.instanceTypes ?? []).joined(separator: ","),
                    "amiType": group.amiType ?? "",
                    "minSize": group.scalingConfig?.minSize.map(String.init) ?? "",
                    "desiredSize": group.scalingConfig?.desiredSize.map(String.init) ?? "",
                    "maxSize": group.scalingConfig?.maxSize.map(String.init) ?? "",
                    "taints": list((group.taints ?? []).map { "\($0.key ?? "")=\($0.value ?? ""):\($0.effect ?? "")" }),
                    "labels": list((group.labels ?? [:]).map { "\($0.key)=\($0.value)" }),
                ],
                tags: group.tags ?? [:],
                status: group.status
            )
        }

        result += try await Self.concurrently(try await addonNames) { addonName in
            let id = ResourceID(.addon, addonName)
            if recorded(id) {
                return ObservedResource(id: id, physicalID: addonName, tagsRead: false, record: .matched)
            }
            let addon = try await eks.describeAddon(clusterName: name, addonName: addonName)
            let configuration = PolicyDocument.canonical(addon.configurationValues)
            return ObservedResource(
                id: id,
                physicalID: addonName,
                properties: ["configurationValues": configuration],
                tags: addon.tags ?? [:],
                status: addon.status,
                record: desired.stateAfterFullRead(id)
            )
        }

        result += try await Self.concurrently(try await principals) { principal in
            if let id = desired.accessEntryByPrincipal[principal], recorded(id) {
                return ObservedResource(id: id, physicalID: principal, tagsRead: false, record: .matched)
            }
            async let policies = eks.listAssociatedAccessPolicies(clusterName: name, principalArn: principal)
            let entry = try await eks.describeAccessEntry(clusterName: name, principalArn: principal)
            // Only entries the platform created (EKS adds its own for node group roles and the creator).
            guard let id = (entry.tags?[PlatformTags.resource]).flatMap(ResourceID.init(parsing:)) else { return nil }
            return ObservedResource(
                id: id,
                physicalID: principal,
                properties: [
                    "principalARN": entry.principalArn, "type": entry.type ?? "",
                    "accessPolicies": list(try await policies.map(\.policyArn)),
                ],
                tags: entry.tags ?? [:],
                record: desired.stateAfterFullRead(id)
            )
        }

        let associationID = ResourceID(.podIdentityAssociation, "karpenter")
        result += try await Self.concurrently(try await associations) { summary in
            if recorded(associationID) {
                return ObservedResource(
                    id: associationID,
                    physicalID: summary.associationId,
                    properties: ["namespace": summary.namespace, "serviceAccount": summary.serviceAccount],
                    tagsRead: false,
                    record: .matched
                )
            }
            let association = try await eks.describePodIdentityAssociation(
                clusterName: name,
                associationId: summary.associationId
            )
            return ObservedResource(
                id: associationID,
                physicalID: association.associationId,
                properties: [
                    "namespace": association.namespace, "serviceAccount": association.serviceAccount,
                    "roleARN": association.roleArn ?? "",
                ],
                tags: association.tags ?? [:],
                record: desired.stateAfterFullRead(associationID)
            )
        }
        return result
    }

    // MARK: SQS and EventBridge

    /// The interruption queue (URL, attributes, tags), if it exists.
    func fetchQueue(names: Blueprint.Names) async throws -> (resource: ObservedResource, tags: [String: String])? {
        let sqs = session.sqs
        guard let url = try await Self.optional({ try await sqs.getQueueUrl(queueName: names.interruptionQueue) }) else {
            return nil
        }
        async let tagList = sqs.listQueueTags(queueUrl: url)
        let attributes = try await sqs.getQueueAttributes(queueUrl: url)
        var properties: [String: String] = [:]
        properties["MessageRetentionPeriod"] = attributes["MessageRetentionPeriod"]
        properties["SqsManagedSseEnabled"] = attributes["SqsManagedSseEnabled"]
        if let policy = attributes["Policy"] { properties["Policy"] = PolicyDocument.canonical(policy) }
        let tags = try await tagList
        let resource = ObservedResource(
            id: ResourceID(.sqsQueue, "interruption"),
            physicalID: url,
            properties: properties,
            tags: tags
        )
        return (resource, tags)
    }

    /// The interruption rules found by name; target and tags are read unless the queue holds a matching record.
    func observeRules(
        _ rules: [EventBridgeRule],
        names: Blueprint.Names,
        queueTags: [String: String],
        desired: DesiredRecords
    ) async throws -> [ObservedResource] {
        let events = session.eventBridge
        let byName = Dictionary(
            Blueprint.interruptionEvents.map { (names.eventRule($0.key), $0.key) },
            uniquingKeysWith: { first, _ in first }
        )
        let owned = rules.compactMap { rule in byName[rule.Name].map { (rule, ResourceID(.eventRule, $0)) } }
        return try await Self.concurrently(owned) { rule, id in
            let pattern = PolicyDocument.canonical(rule.EventPattern)
            if desired.matches(id, recorded: queueTags[AppliedRecord.tagKey(for: id)]) {
                return ObservedResource(
                    id: id,
                    physicalID: rule.Name,
                    properties: ["eventPattern": pattern],
                    status: rule.State,
                    tagsRead: false,
                    record: .matched
                )
            }
            async let targets = events.listTargetsByRule(rule: rule.Name)
            var tags: [String: String] = [:]
            if let arn = rule.Arn { tags = try await events.listTagsForResource(resourceARN: arn) }
            let target = try await targets.first { $0.Id == Blueprint.interruptionTargetID }
            return ObservedResource(
                id: id,
                physicalID: rule.Name,
                properties: [
                    "eventPattern": pattern,
                    "target": target.map { "\($0.Id)->\($0.Arn)" } ?? "",
                ],
                tags: tags,
                status: rule.State,
                record: desired.stateAfterFullRead(id)
            )
        }
    }
}

/// Observes the engine's in-cluster objects (digest annotations) through a Kubernetes client.
public protocol ClusterObjectObserver: Sendable {
    /// The in-cluster objects of `config`'s platform, with their `digest` property.
    func observe(_ config: PlatformConfig, endpoint: String) async throws -> [ObservedResource]
}
