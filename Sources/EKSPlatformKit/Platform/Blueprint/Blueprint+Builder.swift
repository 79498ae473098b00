import EKSAWS
import EKSKubernetes

extension Blueprint {
    /// The five EventBridge rules Karpenter's interruption handling needs: key, `source`, `detail-type`.
    public static let interruptionEvents: [(key: String, source: String, detailType: String)] = [
        ("HealthEvent", "aws.health", "AWS Health Event"),
        ("SpotInterrupt", "aws.ec2", "EC2 Spot Instance Interruption Warning"),
        ("InstanceRebalance", "aws.ec2", "EC2 Instance Rebalance Recommendation"),
        ("InstanceStateChange", "aws.ec2", "EC2 Instance State-change Notification"),
        ("CRInterruption", "aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"),
    ]

    /// The EventBridge target id used for every interruption rule.
    public static let interruptionTargetID = "KarpenterInterruptionQueueTarget"

    /// The prefix of the access entries made for the identity running platformctl.
    public static let operatorEntryPrefix = "operator-"

    /// The name of the access entry for the caller `arn`: `operator-` and a hash of the ARN (never the ARN itself,
    /// which holds the account id).
    public static func operatorEntryName(_ arn: String) -> String {
        operatorEntryPrefix + StableNames.hash([arn], length: 8)
    }

    /// Whether `admins` already gives the caller `arn` access: an `arn` entry equal to it (with or without the
    /// role's path), or a `role` entry with its role's name.
    public static func admins(_ admins: [PlatformConfig.Principal], cover arn: String) -> Bool {
        let resource = ARN(parsing: arn)?.resource ?? ""
        let roleName = resource.hasPrefix("role/") ? resource.split(separator: "/").last.map(String.init) : nil
        let pathless = roleName.map { arn.replacingOccurrences(of: resource, with: "role/\($0)") }
        return admins.contains { admin in
            switch admin {
            case .role(let name): return name == roleName
            case .arn(let listed): return listed == arn || listed == pathless
            }
        }
    }

    /// Managed policies of the EKS cluster role.
    public static let clusterRolePolicies = ["AmazonEKSClusterPolicy"]
    /// Managed policies of the system node role (and the base of the Karpenter node role's).
    public static let nodeRolePolicies = [
        "AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy",
    ]
    /// Managed policies of the Karpenter node role: the node policies plus `AmazonSSMManagedInstanceCore`, as the
    /// `KarpenterNodeRole` of Karpenter's getting-started CloudFormation template has it (SSM Session Manager
    /// access to nodes, and what the AMIs' SSM agent needs).
    public static let karpenterNodeRolePolicies = nodeRolePolicies + ["AmazonSSMManagedInstanceCore"]
    /// Every control-plane log type EKS has (those not in `spec.controlPlaneLogs.types` are switched off).
    public static let clusterLogTypes = PlatformConfig.ControlPlaneLogs.allTypes
    /// Add-ons that run as Deployments and therefore need a toleration for the system taint.
    public static let addonsNeedingTolerations: Set<String> = ["coredns", "metrics-server"]
    /// The Kubernetes namespace and service account of the Karpenter controller.
    public static let karpenterServiceAccount = (namespace: "kube-system", name: "karpenter")

    /// Accumulates resources in dependency order.
    struct Builder {
        let config: PlatformConfig
        let zones: [String]
        let names: Names
        var resources: [DesiredResource] = []
        /// The identity running platformctl, if known (see ``Blueprint/init(config:zones:callerARN:)``).
        var callerARN: String?

        init(config: PlatformConfig, zones: [String]) {
            self.config = config
            self.zones = zones
            self.names = Names(cluster: config.name)
        }

        var existing: PlatformConfig.ExistingNetwork? { config.spec.network.existing }

        static let vpc = ResourceID(.vpc, "main")
        static let internetGateway = ResourceID(.internetGateway, "main")
        static let publicRoutes = ResourceID(.routeTable, "public")
        static let nodeSecurityGroup = ResourceID(.securityGroup, "node")
        static let clusterRole = ResourceID(.iamRole, "cluster")
        static let systemNodeRole = ResourceID(.iamRole, "system-node")
        static let karpenterControllerRole = ResourceID(.iamRole, "karpenter-controller")
        static let karpenterNodeRole = ResourceID(.iamRole, "karpenter-node")
        static let cluster = ResourceID(.cluster, "main")
        static let logGroup = ResourceID(.logGroup, "cluster")
        static let queue = ResourceID(.sqsQueue, "interruption")

        static func subnet(public isPublic: Bool, _ zone: String) -> ResourceID {
            ResourceID(.subnet, "\(isPublic ? "public" : "private")-\(zone)")
        }

        /// Tags for a resource: the config's tags, the cluster tag, the resource tag, plus `extra`.
        func tags(_ id: ResourceID, name: String? = nil, _ extra: [String: String] = [:]) -> [String: String] {
            var tags = config.spec.tags
            tags[PlatformTags.cluster] = config.name
            tags[PlatformTags.resource] = id.description
            if let name { tags[PlatformTags.name] = name }
            for (key, value) in extra { tags[key] = value }
            return tags
        }

        mutating func add(
            _ id: ResourceID,
            _ spec: any ResourceSpecification,
            tags: [String: String],
            dependsOn: [ResourceID] = []
        ) {
            resources.append(
                DesiredResource(
                    id: id,
                    spec: spec,
                    tags: tags,
                    dependsOn: dependsOn,
                    idempotencyToken: StableNames.idempotencyToken(cluster: config.name, resource: id)
                )
            )
        }

        // MARK: network

        /// Private subnet i is the i-th `/(p+3)` block; public subnet i is the i-th `/(p+5)` block after the six
        /// private slots. Zones never exceed six, so the layout is the same whatever the zone count.
        mutating func buildNetwork() throws {
            if existing != nil {
                add(
                    Self.nodeSecurityGroup,
                    nodeSecurityGroupSpec(),
                    tags: tags(
                        Self.nodeSecurityGroup,
                        name: names.nodeSecurityGroup,
                        [PlatformTags.karpenterDiscovery: config.name]
                    )
                )
                return
            }
            let cidrText = config.spec.network.vpcCIDR
            guard let vpcCIDR = IPv4CIDR(cidrText), vpcCIDR.prefixLength <= 23 else {
                throw BlueprintError(
                    .vpcTooSmall,
                    "spec.network.vpcCIDR \(cidrText) is too small: six private /(n+3) and six public /(n+5) subnets "
                        + "must fit and EC2 subnets are at least /28, so use a /23 or larger (e.g. 10.42.0.0/16)"
                )
            }
            let cluster = config.name
            add(Self.vpc, ResourceSpec.VPC(cidr: cidrText), tags: tags(Self.vpc, name: cluster))

            var publicSubnets: [ResourceID] = []
            var privateSubnets: [ResourceID] = []
            for (index, zone) in zones.enumerated() {
                guard let privateCIDR = vpcCIDR.subnet(extraBits: 3, index: index),
                    let publicBase = vpcCIDR.subnet(extraBits: 3, index: 6),
                    let publicCIDR = publicBase.subnet(extraBits: 2, index: index)
                else {
                    throw BlueprintError(.vpcTooSmall, "more than six zones cannot be carved from \(cidrText)")
                }
                let privateID = Self.subnet(public: false, zone)
                let publicID = Self.subnet(public: true, zone)
                add(
                    publicID,
                    ResourceSpec.Subnet(vpc: Self.vpc, cidr: publicCIDR.description, zone: zone, isPublic: true),
                    tags: tags(publicID, name: "\(cluster)-public-\(zone)", [PlatformTags.elbRole: "1"]),
                    dependsOn: [Self.vpc]
                )
                add(
                    privateID,
                    ResourceSpec.Subnet(vpc: Self.vpc, cidr: privateCIDR.description, zone: zone, isPublic: false),
                    tags: tags(
                        privateID,
                        name: "\(cluster)-private-\(zone)",
                        [PlatformTags.internalELBRole: "1", PlatformTags.karpenterDiscovery: cluster]
                    ),
                    dependsOn: [Self.vpc]
                )
                publicSubnets.append(publicID)
                privateSubnets.append(privateID)
            }

            add(
                Self.internetGateway,
                ResourceSpec.InternetGateway(vpc: Self.vpc),
                tags: tags(Self.internetGateway, name: cluster),
                dependsOn: [Self.vpc]
            )
            add(
                Self.publicRoutes,
                ResourceSpec.RouteTable(
                    vpc: Self.vpc,
                    routes: [.init(destination: "0.0.0.0/0", target: Self.internetGateway)],
                    subnets: publicSubnets
                ),
                tags: tags(Self.publicRoutes, name: "\(cluster)-public"),
                dependsOn: [Self.vpc, Self.internetGateway] + publicSubnets
            )

            // NAT gateways live in the public subnet of their zone.
            let natZones: [String]
            switch config.spec.network.natGateways {
            case .single: natZones = Array(zones.prefix(1))
            case .perZone: natZones = zones
            case .none: natZones = []
            }
            var natByZone: [String: ResourceID] = [:]
            for zone in natZones {
                let eip = ResourceID(.elasticIP, "nat-\(zone)")
                let nat = ResourceID(.natGateway, zone)
                add(eip, ResourceSpec.ElasticIP(), tags: tags(eip, name: "\(cluster)-nat-\(zone)"))
                add(
                    nat,
                    ResourceSpec.NATGateway(subnet: Self.subnet(public: true, zone), elasticIP: eip),
                    tags: tags(nat, name: "\(cluster)-\(zone)"),
                    dependsOn: [Self.subnet(public: true, zone), eip, Self.internetGateway]
                )
                natByZone[zone] = nat
            }

            // Private route tables: one shared table (single / none) or one per zone (perZone).
            switch config.spec.network.natGateways {
            case .perZone:
                for zone in zones {
                    let id = ResourceID(.routeTable, "private-\(zone)")
                    let nat = natByZone[zone].map { [$0] } ?? []
                    add(
                        id,
                        ResourceSpec.RouteTable(
                            vpc: Self.vpc,
                            routes: nat.map { .init(destination: "0.0.0.0/0", target: $0) },
                            subnets: [Self.subnet(public: false, zone)]
                        ),
                        tags: tags(id, name: "\(cluster)-private-\(zone)"),
                        dependsOn: [Self.vpc, Self.subnet(public: false, zone)] + nat
                    )
                }
            case .single, .none:
                let id = ResourceID(.routeTable, "private")
                let nat = natZones.compactMap { natByZone[$0] }
                add(
                    id,
                    ResourceSpec.RouteTable(
                        vpc: Self.vpc,
                        routes: nat.map { .init(destination: "0.0.0.0/0", target: $0) },
                        subnets: privateSubnets
                    ),
                    tags: tags(id, name: "\(cluster)-private"),
                    dependsOn: [Self.vpc] + privateSubnets + nat
                )
            }

            add(
                Self.nodeSecurityGroup,
                nodeSecurityGroupSpec(),
                tags: tags(
                    Self.nodeSecurityGroup,
                    name: names.nodeSecurityGroup,
                    [PlatformTags.karpenterDiscovery: cluster]
                ),
                dependsOn: [Self.vpc]
            )
        }

        func nodeSecurityGroupSpec() -> ResourceSpec.SecurityGroup {
            ResourceSpec.SecurityGroup(
                vpc: Self.vpc,
                existingVPCID: existing?.vpcID,
                groupName: names.nodeSecurityGroup,
                description: "EKS nodes of \(config.name) (system node group and Karpenter); managed by platformctl",
                allowSelf: true
            )
        }

        var privateSubnetIDs: [ResourceID] {
            existing == nil ? zones.map { Self.subnet(public: false, $0) } : []
        }

        var privateRouteTables: [ResourceID] {
            guard existing == nil else { return [] }
            if config.spec.network.natGateways == .perZone {
                return zones.map { ResourceID(.routeTable, "private-\($0)") }
            }
            return [ResourceID(.routeTable, "private")]
        }

        // MARK: IAM

        mutating func buildIAM() {
            // The region fixes the partition, and with it the spelling of the EC2 principal (`ec2.amazonaws.com.cn`
            // in China); the EKS and Pod Identity principals are the same in every partition.
            let partition = AWSPartition.of(region: config.spec.region)
            func principal(_ service: String) -> String { PlatformContext.servicePrincipal(service, in: partition) }
            let ec2Trust = PolicyDocument.trust(service: principal("ec2"), actions: ["sts:AssumeRole"])
            let roles: [(ResourceID, String, PolicyDocument, [String], [String: PolicyTemplate])] = [
                (
                    Self.clusterRole, names.clusterRole,
                    PolicyDocument.trust(service: principal("eks"), actions: ["sts:AssumeRole", "sts:TagSession"]),
                    Blueprint.clusterRolePolicies, [:]
                ),
                (Self.systemNodeRole, names.systemNodeRole, ec2Trust, Blueprint.nodeRolePolicies, [:]),
                (
                    Self.karpenterControllerRole, names.karpenterControllerRole,
                    PolicyDocument.trust(service: principal("pods.eks"), actions: ["sts:AssumeRole", "sts:TagSession"]),
                    [],
                    [
                        "KarpenterController": .karpenterController(
                            KarpenterControllerPolicy(
                                clusterName: config.name,
                                region: config.spec.region,
                                nodeRoleName: names.karpenterNodeRole,
                                queueName: config.spec.karpenter.interruptionQueue ? names.interruptionQueue : nil
                            )
                        )
                    ]
                ),
                (Self.karpenterNodeRole, names.karpenterNodeRole, ec2Trust, Blueprint.karpenterNodeRolePolicies, [:]),
            ]
            for (id, name, trust, managed, inline) in roles {
                add(
                    id,
                    ResourceSpec.IAMRole(roleName: name, trust: trust, managedPolicies: managed, inlinePolicies: inline),
                    tags: tags(id)
                )
            }
        }

        // MARK: cluster

        mutating func buildCluster() {
            let spec = config.spec
            let cluster = config.name
            // Before the cluster: EKS would otherwise make the group itself, keeping the logs forever.
            let logGroup = ResourceSpec.LogGroup(
                name: ResourceSpec.LogGroup.name(cluster: cluster),
                retentionInDays: spec.controlPlaneLogs.retentionDays
            )
            add(Self.logGroup, logGroup, tags: tags(Self.logGroup))
            add(
                Self.cluster,
                ResourceSpec.Cluster(
                    name: cluster,
                    version: spec.kubernetesVersion,
                    role: Self.clusterRole,
                    subnets: privateSubnetIDs,
                    existingSubnetIDs: existing?.privateSubnetIDs ?? [],
                    securityGroups: [Self.nodeSecurityGroup],
                    endpointPublic: spec.endpointAccess.public,
                    endpointPrivate: spec.endpointAccess.private,
                    publicAccessCIDRs: spec.endpointAccess.public ? spec.endpointAccess.publicCIDRs : [],
                    authenticationMode: "API",
                    logging: spec.controlPlaneLogs.types,
                    pinnedAddonVersions: spec.addonVersions,
                    logGroupRecord: .init(group: logGroup, tags: tags(Self.logGroup))
                ),
                tags: tags(Self.cluster),
                dependsOn: [Self.clusterRole, Self.nodeSecurityGroup, Self.logGroup] + privateSubnetIDs
            )

            for admin in spec.access.admins {
                let principal: ResourceSpec.AccessPrincipal
                let key: String
                switch admin {
                case .role(let name):
                    principal = .roleName(name)
                    key = "admin-role-\(name)"
                case .arn(let arn):
                    principal = .arn(arn)
                    key = "admin-arn-\(StableNames.hash([arn], length: 8))"
                }
                let id = ResourceID(.accessEntry, key)
                add(
                    id,
                    ResourceSpec.AccessEntry(
                        principal: principal,
                        type: "STANDARD",
                        accessPolicies: ["AmazonEKSClusterAdminPolicy"]
                    ),
                    tags: tags(id),
                    dependsOn: [Self.cluster]
                )
            }

            // The cluster is created with bootstrapClusterCreatorAdminPermissions off, so the identity running `up`
            // has no access to it unless spec.access.admins names it: on EKS it would get 401 from the cluster it
            // just made (and the in-cluster steps would fail). It gets an admin entry of its own.
            if let callerARN, !Blueprint.admins(spec.access.admins, cover: callerARN) {
                let id = ResourceID(.accessEntry, Blueprint.operatorEntryName(callerARN))
                add(
                    id,
                    ResourceSpec.AccessEntry(
                        principal: .caller,
                        type: "STANDARD",
                        accessPolicies: ["AmazonEKSClusterAdminPolicy"]
                    ),
                    tags: tags(id),
                    dependsOn: [Self.cluster]
                )
            }

            // Add-ons the nodes need before they can become Ready come first; the others after the node group.
            let beforeCompute: Set<String> = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]
            var earlyAddons: [ResourceID] = []
            var lateAddons: [(ResourceID, ResourceSpec.Addon)] = []
            for name in spec.addons {
                let id = ResourceID(.addon, name)
                var configuration: String?
                if Blueprint.addonsNeedingTolerations.contains(name) {
                    configuration = PolicyDocument.canonicalJSON(config.systemTaint.addonConfigurationValues)
                }
                let addon = ResourceSpec.Addon(
                    name: name,
                    configurationValues: configuration,
                    version: spec.addonVersions[name]
                )
                if beforeCompute.contains(name) {
                    add(id, addon, tags: tags(id), dependsOn: [Self.cluster])
                    earlyAddons.append(id)
                } else {
                    lateAddons.append((id, addon))
                }
            }

            let group = spec.systemNodeGroup
            let nodeGroup = ResourceID(.nodeGroup, names.systemNodeGroup)
            add(
                nodeGroup,
                ResourceSpec.NodeGroup(
                    name: names.systemNodeGroup,
                    role: Self.systemNodeRole,
                    subnets: privateSubnetIDs,
                    existingSubnetIDs: existing?.privateSubnetIDs ?? [],
                    instanceTypes: group.instanceTypes,
                    amiType: group.amiType,
                    minSize: group.size.min,
                    desiredSize: group.size.desired,
                    maxSize: group.size.max,
                    taints: [config.systemTaint.eksTaint],
                    labels: group.labels,
                    version: config.spec.kubernetesVersion,
                    pinnedAddonVersions: spec.addonVersions
                ),
                tags: tags(nodeGroup),
                dependsOn: [Self.cluster, Self.systemNodeRole] + earlyAddons + privateRouteTables
            )
            for (id, addon) in lateAddons {
                add(id, addon, tags: tags(id), dependsOn: [Self.cluster, nodeGroup])
            }
        }

        // MARK: Karpenter

        mutating func buildKarpenter() {
            let association = ResourceID(.podIdentityAssociation, "karpenter")
            var associationDependencies = [Self.cluster, Self.karpenterControllerRole]
            if config.spec.addons.contains("eks-pod-identity-agent") {
                associationDependencies.append(ResourceID(.addon, "eks-pod-identity-agent"))
            }
            add(
                association,
                ResourceSpec.PodIdentityAssociation(
                    namespace: Blueprint.karpenterServiceAccount.namespace,
                    serviceAccount: Blueprint.karpenterServiceAccount.name,
                    role: Self.karpenterControllerRole,
                    roleName: names.karpenterControllerRole
                ),
                tags: tags(association),
                dependsOn: associationDependencies
            )

            var nodeEntryDependencies = [Self.cluster, Self.karpenterNodeRole]
            if config.spec.karpenter.interruptionQueue {
                let queueName = names.interruptionQueue
                add(
                    Self.queue,
                    ResourceSpec.Queue(
                        queueName: queueName,
                        messageRetentionSeconds: 300,
                        sqsManagedSSE: true,
                        policy: .interruptionQueue(queueName: queueName)
                    ),
                    tags: tags(Self.queue)
                )
                for event in Blueprint.interruptionEvents {
                    let id = ResourceID(.eventRule, event.key)
                    let pattern = JSONValue.object([
                        "source": .array([.string(event.source)]),
                        "detail-type": .array([.string(event.detailType)]),
                    ])
                    add(
                        id,
                        ResourceSpec.EventRule(
                            ruleName: names.eventRule(event.key),
                            eventPattern: PolicyDocument.canonicalJSON(pattern),
                            targetID: Blueprint.interruptionTargetID,
                            queue: Self.queue,
                            queueName: queueName
                        ),
                        tags: tags(id, ["ClusterName": config.name]),
                        dependsOn: [Self.queue]
                    )
                }
                // terraform-aws-eks: the node access entry waits for the queue policy ("too quickly, it fails").
                nodeEntryDependencies.append(Self.queue)
            }

            // EC2 launches Spot Instances only when the account has its service-linked role (Karpenter's
            // troubleshooting guide, "Missing Service Linked Role"); ensured, never deleted.
            if config.spec.karpenter.nodePool.capacityTypes.contains("spot") {
                let spotRole = ResourceID(.serviceLinkedRole, "spot")
                add(spotRole, ResourceSpec.ServiceLinkedRole.ec2Spot, tags: tags(spotRole))
            }

            // Karpenter's nodes join EKS's cluster security group, where the system nodes are (see AddedTags), and
            // existing subnets get the discovery and load-balancer tags the platform's own subnets carry. Tags on
            // resources the platform does not own: none of the platform's own tags go there. Every one of them comes
            // after the cluster, which holds their records (a subnet tagged before it exists could not be recorded,
            // and the step would fail on a first `up`).
            for added in ResourceSpec.AddedTags.desired(for: config) {
                add(ResourceSpec.AddedTags.id(added.target), added, tags: [:], dependsOn: [Self.cluster])
            }

            let nodeEntry = ResourceID(.accessEntry, "karpenter-node")
            add(
                nodeEntry,
                ResourceSpec.AccessEntry(
                    principal: .role(Self.karpenterNodeRole, name: names.karpenterNodeRole),
                    type: "EC2_LINUX",
                    accessPolicies: []
                ),
                tags: tags(nodeEntry),
                dependsOn: nodeEntryDependencies
            )
        }
    }
}
