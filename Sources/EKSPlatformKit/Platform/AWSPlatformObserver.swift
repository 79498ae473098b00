import Foundation

/// Observes a platform in AWS with the typed clients: one caller-identity lookup, one zone listing, one
/// tag-filtered Describe call per EC2 resource type (`tag:eksplatform.io/cluster=<name>`), and name-based reads for
/// IAM, EKS, SQS and EventBridge (whose names are stable functions of the cluster name).
///
/// In-cluster objects are observed by `clusterObjects` when given (it needs a Kubernetes client); without it they are
/// left out and the planner reports them as to be applied.
public struct AWSPlatformObserver: PlatformObserver {
    /// The AWS session (credentials, region, endpoint).
    public var session: AWSSession
    /// Observes the engine's in-cluster objects once the cluster exists.
    public var clusterObjects: (any ClusterObjectObserver)?

    /// Creates an observer.
    public init(session: AWSSession, clusterObjects: (any ClusterObjectObserver)? = nil) {
        self.session = session
        self.clusterObjects = clusterObjects
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

    public func observe(_ config: PlatformConfig) async throws -> ObservedState {
        let identity = try await session.sts.getCallerIdentity()
        Redactor.shared.register(accountID: identity.account)
        let partition = ARN(parsing: identity.arn)?.partition ?? PlatformContext.partition(forRegion: config.spec.region)
        let context = PlatformContext(accountID: identity.account, partition: partition, region: config.spec.region)
        let zones = try await session.ec2.describeAvailabilityZones(
            filters: [EC2Filter(name: "state", values: ["available"])]
        ).map(\.zoneName)

        var resources = try await observeNetwork(config)
        let references = Dictionary(
            resources.map { ($0.physicalID, $0.id.description) },
            uniquingKeysWith: { first, _ in first }
        )
        let names = Blueprint.Names(cluster: config.name)
        let roles = try await observeRoles(names: names, context: context)
        resources += roles
        var roleByARN: [String: String] = [:]
        for role in roles { roleByARN[context.roleARN(role.physicalID)] = role.id.description }

        var endpoint: String?
        if let cluster = try await Self.optional({ try await session.eks.describeCluster(name: config.name) }),
            cluster.status != "DELETING"
        {
            endpoint = cluster.endpoint
            resources += try await observeCluster(
                cluster,
                config: config,
                context: context,
                references: references,
                roleByARN: roleByARN
            )
            if let clusterObjects, let endpoint {
                resources += try await clusterObjects.observe(config, endpoint: endpoint)
            }
        }
        // Observed even when disabled, so turning the queue off plans its deletion.
        resources += try await observeQueueAndRules(names: names, context: context)
        return ObservedState(context: context, availableZones: zones, resources: resources, clusterEndpoint: endpoint)
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

    // MARK: IAM

    func observeRoles(names: Blueprint.Names, context: PlatformContext) async throws -> [ObservedResource] {
        let iam = session.iam
        let roles: [(String, String)] = [
            ("cluster", names.clusterRole), ("system-node", names.systemNodeRole),
            ("karpenter-controller", names.karpenterControllerRole), ("karpenter-node", names.karpenterNodeRole),
        ]
        var result: [ObservedResource] = []
        for (key, name) in roles {
            guard let role = try await Self.optional({ try await iam.getRole(roleName: name) }) else { continue }
            let attached = try await iam.listAttachedRolePolicies(roleName: name).map(\.policyArn)
            let inline = try await iam.listRolePolicies(roleName: name)
            var properties = [
                "roleName": role.roleName,
                "managedPolicies": attached.sorted().joined(separator: ","),
                "inlinePolicies": inline.sorted().joined(separator: ","),
            ]
            if let trust = role.assumeRolePolicyDocument {
                properties["trustPolicy"] = PolicyDocument(json: trust)?.json ?? trust
            }
            for policy in inline {
                let document = try await iam.getRolePolicy(roleName: name, policyName: policy)
                properties["inlinePolicy:\(policy)"] = PolicyDocument(json: document)?.json ?? document
            }
            result.append(
                ObservedResource(
                    id: ResourceID(.iamRole, key),
                    physicalID: role.roleName,
                    properties: properties,
                    tags: Dictionary(role.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
                )
            )
        }
        return result
    }

    // MARK: EKS

    func observeCluster(
        _ cluster: EKSCluster,
        config: PlatformConfig,
        context: PlatformContext,
        references: [String: String],
        roleByARN: [String: String]
    ) async throws -> [ObservedResource] {
        let eks = session.eks
        let name = config.name
        func ref(_ physicalID: String) -> String { references[physicalID] ?? physicalID }
        func list(_ values: [String]) -> String { values.sorted().joined(separator: ",") }
        func flag(_ value: Bool?) -> String { value == true ? "true" : "false" }
        let vpc = cluster.resourcesVpcConfig
        let logging = (cluster.logging?.clusterLogging ?? []).filter { $0.enabled == true }.flatMap { $0.types ?? [] }
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
                tags: cluster.tags ?? [:],
                status: cluster.status
            )
        ]

        for groupName in try await eks.listNodegroups(clusterName: name) {
            let group = try await eks.describeNodegroup(clusterName: name, nodegroupName: groupName)
            guard let id = (group.tags?[PlatformTags.resource]).flatMap(ResourceID.init(parsing:)) else { continue }
            result.append(
                ObservedResource(
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
            )
        }

        for addonName in try await eks.listAddons(clusterName: name) {
            let addon = try await eks.describeAddon(clusterName: name, addonName: addonName)
            var configuration = addon.configurationValues ?? ""
            if let parsed = PolicyDocument(json: configuration) { configuration = parsed.json }
            result.append(
                ObservedResource(
                    id: ResourceID(.addon, addonName),
                    physicalID: addonName,
                    properties: ["configurationValues": configuration],
                    tags: addon.tags ?? [:],
                    status: addon.status
                )
            )
        }

        for principal in try await eks.listAccessEntries(clusterName: name) {
            let entry = try await eks.describeAccessEntry(clusterName: name, principalArn: principal)
            // Only entries the platform created (EKS adds its own for node group roles and the creator).
            guard let id = (entry.tags?[PlatformTags.resource]).flatMap(ResourceID.init(parsing:)) else { continue }
            let policies = try await eks.listAssociatedAccessPolicies(clusterName: name, principalArn: principal)
            result.append(
                ObservedResource(
                    id: id,
                    physicalID: principal,
                    properties: [
                        "principalARN": entry.principalArn, "type": entry.type ?? "",
                        "accessPolicies": list(policies.map(\.policyArn)),
                    ],
                    tags: entry.tags ?? [:]
                )
            )
        }

        let service = Blueprint.karpenterServiceAccount
        for summary in try await eks.listPodIdentityAssociations(
            clusterName: name,
            namespace: service.namespace,
            serviceAccount: service.name
        ) {
            let association = try await eks.describePodIdentityAssociation(
                clusterName: name,
                associationId: summary.associationId
            )
            result.append(
                ObservedResource(
                    id: ResourceID(.podIdentityAssociation, "karpenter"),
                    physicalID: association.associationId,
                    properties: [
                        "namespace": association.namespace, "serviceAccount": association.serviceAccount,
                        "roleARN": association.roleArn ?? "",
                    ],
                    tags: association.tags ?? [:]
                )
            )
        }
        return result
    }

    // MARK: SQS and EventBridge

    func observeQueueAndRules(names: Blueprint.Names, context: PlatformContext) async throws -> [ObservedResource] {
        var result: [ObservedResource] = []
        let queueName = names.interruptionQueue
        if let url = try await Self.optional({ try await session.sqs.getQueueUrl(queueName: queueName) }) {
            let attributes = try await session.sqs.getQueueAttributes(queueUrl: url)
            var properties: [String: String] = [:]
            properties["MessageRetentionPeriod"] = attributes["MessageRetentionPeriod"]
            properties["SqsManagedSseEnabled"] = attributes["SqsManagedSseEnabled"]
            if let policy = attributes["Policy"] { properties["Policy"] = PolicyDocument(json: policy)?.json ?? policy }
            result.append(
                ObservedResource(
                    id: ResourceID(.sqsQueue, "interruption"),
                    physicalID: url,
                    properties: properties,
                    tags: try await session.sqs.listQueueTags(queueUrl: url)
                )
            )
        }
        let events = session.eventBridge
        let byName = Dictionary(
            Blueprint.interruptionEvents.map { (names.eventRule($0.key), $0.key) },
            uniquingKeysWith: { first, _ in first }
        )
        for rule in try await events.listRules(namePrefix: StableNames.bounded(prefix: "Karpenter-", names.cluster, limit: 64)) {
            guard let key = byName[rule.Name] else { continue }
            let targets = try await events.listTargetsByRule(rule: rule.Name)
            let target = targets.first { $0.Id == Blueprint.interruptionTargetID }
            var pattern = rule.EventPattern ?? ""
            if let parsed = PolicyDocument(json: pattern) { pattern = parsed.json }
            var tags: [String: String] = [:]
            if let arn = rule.Arn { tags = try await events.listTagsForResource(resourceARN: arn) }
            result.append(
                ObservedResource(
                    id: ResourceID(.eventRule, key),
                    physicalID: rule.Name,
                    properties: [
                        "eventPattern": pattern,
                        "target": target.map { "\($0.Id)->\($0.Arn)" } ?? "",
                    ],
                    tags: tags,
                    status: rule.State
                )
            )
        }
        return result
    }
}

/// Observes the engine's in-cluster objects (digest annotations) through a Kubernetes client.
public protocol ClusterObjectObserver: Sendable {
    /// The in-cluster objects of `config`'s platform, with their `digest` property.
    func observe(_ config: PlatformConfig, endpoint: String) async throws -> [ObservedResource]
}
