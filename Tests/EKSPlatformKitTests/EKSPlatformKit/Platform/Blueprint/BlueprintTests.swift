import EKSPlatformKit
import Testing

@Suite("Engine: Blueprint")
struct BlueprintTests {
    @Test("subnets are carved deterministically from the VPC CIDR, with ELB and discovery tags")
    func network() throws {
        let blueprint = try EngineFixtures.blueprint()
        func subnet(_ name: String) throws -> (ResourceSpec.Subnet, [String: String]) {
            let resource = try #require(blueprint.resource(ResourceID(.subnet, name)))
            guard let spec = resource.spec as? ResourceSpec.Subnet else {
                Issue.record("\(name) is not a subnet")
                throw BlueprintError(.zones, "not a subnet")
            }
            return (spec, resource.tags)
        }
        let expected = [
            ("private-us-west-2a", "10.42.0.0/19"), ("private-us-west-2b", "10.42.32.0/19"),
            ("private-us-west-2c", "10.42.64.0/19"), ("public-us-west-2a", "10.42.192.0/21"),
            ("public-us-west-2b", "10.42.200.0/21"), ("public-us-west-2c", "10.42.208.0/21"),
        ]
        for (name, cidr) in expected {
            #expect(try subnet(name).0.cidr == cidr)
        }
        #expect(
            try subnet("private-us-west-2b").1 == [
                "Name": "dev-private-us-west-2b", "team": "platform", "eksplatform.io/cluster": "dev",
                "eksplatform.io/resource": "subnet/private-us-west-2b", "kubernetes.io/role/internal-elb": "1",
                "karpenter.sh/discovery": "dev",
            ]
        )
        #expect(
            try subnet("public-us-west-2a").1 == [
                "Name": "dev-public-us-west-2a", "team": "platform", "eksplatform.io/cluster": "dev",
                "eksplatform.io/resource": "subnet/public-us-west-2a", "kubernetes.io/role/elb": "1",
            ]
        )
        #expect(try subnet("public-us-west-2a").0.isPublic)
        let sg = try #require(blueprint.resource(ResourceID(.securityGroup, "node")))
        #expect(sg.tags["karpenter.sh/discovery"] == "dev")
    }

    @Test("resource order for the default platform (single NAT)")
    func order() throws {
        let ids = try EngineFixtures.blueprint().resources.map(\.id.description)
        #expect(
            ids == [
                "vpc/main",
                "subnet/public-us-west-2a", "subnet/private-us-west-2a",
                "subnet/public-us-west-2b", "subnet/private-us-west-2b",
                "subnet/public-us-west-2c", "subnet/private-us-west-2c",
                "internetGateway/main", "routeTable/public",
                "elasticIP/nat-us-west-2a", "natGateway/us-west-2a", "routeTable/private",
                "securityGroup/node",
                "iamRole/cluster", "iamRole/system-node", "iamRole/karpenter-controller", "iamRole/karpenter-node",
                "logGroup/cluster", "cluster/main", "accessEntry/admin-role-PlatformAdmin",
                "addon/vpc-cni", "addon/kube-proxy", "addon/eks-pod-identity-agent",
                "nodeGroup/system", "addon/coredns",
                "podIdentityAssociation/karpenter",
                "sqsQueue/interruption",
                "eventRule/HealthEvent", "eventRule/SpotInterrupt", "eventRule/InstanceRebalance",
                "eventRule/InstanceStateChange", "eventRule/CRInterruption",
                "addedTags/cluster-security-group", "accessEntry/karpenter-node",
            ]
        )
    }

    @Test("every dependency is declared before its dependent")
    func dependenciesPrecede() throws {
        for nat in PlatformConfig.NATGateways.allCases {
            let resources = try EngineFixtures.blueprint(EngineFixtures.config(nat: nat)).resources
            var seen = Set<ResourceID>()
            for resource in resources {
                for dependency in resource.dependsOn {
                    #expect(seen.contains(dependency), "\(resource.id) depends on later \(dependency)")
                }
                seen.insert(resource.id)
            }
        }
    }

    @Test("a resource whose applied record lives on the cluster (or the queue) comes after it, existing subnets too")
    func recordHoldersPrecede() throws {
        var config = EngineFixtures.config()
        config.spec.network.existing = PlatformConfig.ExistingNetwork(
            vpcID: "vpc-0123456789abcdef0",
            privateSubnetIDs: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
            publicSubnetIDs: ["subnet-0bbbbbbbbbbbbbbb1"]
        )
        for config in [EngineFixtures.config(), config] {
            let blueprint = try EngineFixtures.blueprint(config)
            let byID = Dictionary(blueprint.resources.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            func ancestors(of id: ResourceID) -> Set<ResourceID> {
                var seen = Set<ResourceID>()
                var queue = byID[id]?.dependsOn ?? []
                while let next = queue.popLast() {
                    if seen.insert(next).inserted { queue += byID[next]?.dependsOn ?? [] }
                }
                return seen
            }
            for resource in blueprint.resources {
                let holder: ResourceID?
                switch AppliedRecord.holder(of: resource.id.kind) {
                case .cluster: holder = ResourceID(.cluster, "main")
                case .queue: holder = ResourceID(.sqsQueue, "interruption")
                case .itself, nil: holder = nil
                }
                guard let holder, holder != resource.id else { continue }
                if resource.id == ResourceID(.logGroup, "cluster") {
                    // Made before the cluster on purpose; the cluster's creation carries the group's record.
                    let cluster = try #require(blueprint.resource(ResourceID(.cluster, "main"))?.spec as? ResourceSpec.Cluster)
                    #expect(cluster.logGroupRecord?.tags == resource.tags)
                    #expect(cluster.logGroupRecord?.group == resource.spec as? ResourceSpec.LogGroup)
                    continue
                }
                #expect(ancestors(of: resource.id).contains(holder), "\(resource.id) may run before \(holder)")
            }
        }
    }

    @Test("NAT layouts: perZone routes each private subnet to its zone's gateway; none has no default route")
    func natLayouts() throws {
        let perZone = try EngineFixtures.blueprint(EngineFixtures.config(nat: .perZone))
        #expect(perZone.resources.filter { $0.id.kind == .natGateway }.count == 3)
        let table = try #require(perZone.resource(ResourceID(.routeTable, "private-us-west-2b")))
        #expect(
            table.spec.properties(in: EngineFixtures.context).byName == [
                "vpc": "vpc/main", "routes": "0.0.0.0/0->natGateway/us-west-2b", "subnets": "subnet/private-us-west-2b",
            ]
        )
        let none = try EngineFixtures.blueprint(EngineFixtures.config(nat: .none))
        #expect(none.resources.filter { [.natGateway, .elasticIP].contains($0.id.kind) }.isEmpty)
        let privateTable = try #require(none.resource(ResourceID(.routeTable, "private")))
        #expect(privateTable.spec.properties(in: EngineFixtures.context).byName["routes"] == "")
        let single = try EngineFixtures.blueprint()
        let publicTable = try #require(single.resource(ResourceID(.routeTable, "public")))
        #expect(
            publicTable.spec.properties(in: EngineFixtures.context).byName == [
                "vpc": "vpc/main", "routes": "0.0.0.0/0->internetGateway/main",
                "subnets": "subnet/public-us-west-2a,subnet/public-us-west-2b,subnet/public-us-west-2c",
            ]
        )
    }

    @Test("a VPC smaller than /23 is rejected with a fix")
    func vpcTooSmall() throws {
        var config = EngineFixtures.config()
        config.spec.network.vpcCIDR = "10.0.0.0/24"
        #expect(throws: BlueprintError.self) { try Blueprint(config: config, zones: EngineFixtures.zones) }
        config.spec.network.vpcCIDR = "10.0.0.0/23"
        let blueprint = try Blueprint(config: config, zones: EngineFixtures.zones)
        let last = try #require(blueprint.resource(ResourceID(.subnet, "public-us-west-2c")))
        #expect(last.spec.properties(in: EngineFixtures.context).byName["cidr"] == "10.0.1.160/28")
    }

    @Test("zones: a count takes the first N in name order; names must be available")
    func zones() throws {
        let config = EngineFixtures.config()
        #expect(
            try Blueprint.resolveZones(for: config, available: ["us-west-2d", "us-west-2b", "us-west-2a", "us-west-2c"])
                == ["us-west-2a", "us-west-2b", "us-west-2c"]
        )
        #expect(throws: BlueprintError.self) { try Blueprint.resolveZones(for: config, available: ["us-west-2a"]) }
        var named = config
        named.spec.network.availabilityZones = .names(["us-west-2b", "us-west-2z"])
        #expect(throws: BlueprintError.self) {
            try Blueprint.resolveZones(for: named, available: ["us-west-2a", "us-west-2b"])
        }
    }

    @Test("IAM roles: trust policies, managed policies, Pod Identity trust for the controller")
    func iam() throws {
        let blueprint = try EngineFixtures.blueprint()
        let controller = try #require(blueprint.resource(ResourceID(.iamRole, "karpenter-controller")))
        let properties = controller.spec.properties(in: EngineFixtures.context).byName
        #expect(properties["roleName"] == "dev-karpenter-controller")
        #expect(
            properties["trustPolicy"]
                == #"{"Statement":[{"Action":["sts:AssumeRole","sts:TagSession"],"Effect":"Allow","#
                + #""Principal":{"Service":"pods.eks.amazonaws.com"}}],"Version":"2012-10-17"}"#
        )
        #expect(properties["managedPolicies"] == "")
        #expect(properties["inlinePolicies"] == "KarpenterController")
        let node = try #require(blueprint.resource(ResourceID(.iamRole, "system-node")))
        #expect(
            node.spec.properties(in: EngineFixtures.context).byName["managedPolicies"]
                == "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly,arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy,"
                + "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
        )
        #expect(
            node.tags == ["team": "platform", "eksplatform.io/cluster": "dev", "eksplatform.io/resource": "iamRole/system-node"]
        )
        // The Karpenter node role has SSM core too, as Karpenter's own CloudFormation gives its node role.
        let karpenterNode = try #require(blueprint.resource(ResourceID(.iamRole, "karpenter-node")))
        #expect(
            karpenterNode.spec.properties(in: EngineFixtures.context).byName["managedPolicies"]
                == "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly,arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy,"
                + "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy,arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
        )
    }

    /// The principals and ARNs a blueprint for `region` renders with the context a run there would have (the
    /// partition derived from the region, as when the caller's ARN is not at hand).
    private func rendered(region: String, zones: [String]) throws -> (trust: [String: String], props: [String: [String: String]])
    {
        var config = EngineFixtures.config()
        config.spec.region = region
        let blueprint = try Blueprint(config: config, zones: zones)
        let context = PlatformContext(accountID: EngineFixtures.accountID, region: region)
        var trust: [String: String] = [:]
        var props: [String: [String: String]] = [:]
        for resource in blueprint.resources {
            let properties = resource.spec.properties(in: context).byName
            props[resource.id.description] = properties
            if resource.id.kind == .iamRole, let document = properties["trustPolicy"].flatMap(PolicyDocument.init(json:)) {
                trust[resource.id.name] = document.statements.first?["Principal"]?["Service"]?.stringValue
            }
        }
        return (trust, props)
    }

    @Test(
        "partitions: China trusts ec2.amazonaws.com.cn, GovCloud ec2.amazonaws.com; ARNs carry aws-cn / aws-us-gov",
        arguments: [
            ("cn-north-1", ["cn-north-1a", "cn-north-1b"], "aws-cn", "ec2.amazonaws.com.cn"),
            ("us-gov-west-1", ["us-gov-west-1a", "us-gov-west-1b"], "aws-us-gov", "ec2.amazonaws.com"),
            ("us-west-2", ["us-west-2a", "us-west-2b"], "aws", "ec2.amazonaws.com"),
        ]
    )
    func partitions(region: String, zones: [String], partition: String, ec2: String) throws {
        let (trust, props) = try rendered(region: region, zones: zones)
        // Karpenter's CloudFormation trusts `ec2.${AWS::URLSuffix}`; EKS, Pod Identity, EventBridge and SQS keep the
        // global spelling in every partition (docs/engine.md, "Partitions").
        #expect(
            trust == [
                "cluster": "eks.amazonaws.com", "system-node": ec2, "karpenter-controller": "pods.eks.amazonaws.com",
                "karpenter-node": ec2,
            ]
        )
        #expect(
            props["iamRole/karpenter-node"]?["managedPolicies"]
                == [
                    "AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy",
                    "AmazonSSMManagedInstanceCore",
                ].map { "arn:\(partition):iam::aws:policy/\($0)" }.joined(separator: ",")
        )
        #expect(props["iamRole/cluster"]?["managedPolicies"] == "arn:\(partition):iam::aws:policy/AmazonEKSClusterPolicy")
        let queueARN = "arn:\(partition):sqs:\(region):111122223333:Karpenter-dev"
        let queuePolicy = try #require(props["sqsQueue/interruption"]?["Policy"].flatMap(PolicyDocument.init(json:)))
        #expect(
            queuePolicy.statement(sid: "SqsWrite")?["Principal"]?["Service"]
                == .array(["events.amazonaws.com", "sqs.amazonaws.com"])
        )
        #expect(queuePolicy.statement(sid: "SqsWrite")?["Resource"] == .string(queueARN))
        let controller = try #require(
            props["iamRole/karpenter-controller"]?["inlinePolicy:KarpenterController"].flatMap(PolicyDocument.init(json:))
        )
        #expect(
            controller.statement(sid: "AllowAPIServerEndpointDiscovery")?["Resource"]
                == .string("arn:\(partition):eks:\(region):111122223333:cluster/dev")
        )
        #expect(!controller.json.contains("arn:aws:") || partition == "aws", "no commercial-partition ARN outside aws")
        #expect(
            props["accessEntry/admin-role-PlatformAdmin"]?["accessPolicies"]
                == "arn:\(partition):eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
        )
    }

    @Test("the Karpenter controller policy: 17 statements + the queue statement, scoped, account filled in at run time")
    func controllerPolicy() throws {
        let policy = KarpenterControllerPolicy(
            clusterName: "dev",
            region: "us-west-2",
            nodeRoleName: "dev-karpenter-node",
            queueName: "Karpenter-dev"
        )
        let document = policy.document(in: EngineFixtures.context)
        #expect(document.statements.count == 18)
        #expect(document.statements.compactMap { $0["Sid"]?.stringValue } == policy.statementIDs)
        var withoutQueue = policy
        withoutQueue.queueName = nil
        #expect(withoutQueue.document(in: EngineFixtures.context).statements.count == 17)
        #expect(
            PolicyDocument.canonicalJSON(try #require(document.statement(sid: "AllowPassingInstanceRole")))
                == #"{"Action":"iam:PassRole","Condition":{"StringEquals":{"iam:PassedToService":["ec2.amazonaws.com"]}},"#
                + #""Effect":"Allow","Resource":"arn:aws:iam::111122223333:role/dev-karpenter-node","#
                + #""Sid":"AllowPassingInstanceRole"}"#
        )
        #expect(
            PolicyDocument.canonicalJSON(try #require(document.statement(sid: "AllowScopedDeletion")))
                == #"{"Action":["ec2:TerminateInstances","ec2:DeleteLaunchTemplate"],"Condition":{"StringEquals":"#
                + #"{"aws:ResourceTag/kubernetes.io/cluster/dev":"owned"},"StringLike":"#
                + #"{"aws:ResourceTag/karpenter.sh/nodepool":"*"}},"Effect":"Allow","Resource":"#
                + #"["arn:aws:ec2:us-west-2:*:instance/*","arn:aws:ec2:us-west-2:*:launch-template/*"],"#
                + #""Sid":"AllowScopedDeletion"}"#
        )
        #expect(
            document.statement(sid: "AllowInterruptionQueueActions")?["Resource"]
                == .string("arn:aws:sqs:us-west-2:111122223333:Karpenter-dev")
        )
        #expect(
            document.statement(sid: "AllowAPIServerEndpointDiscovery")?["Resource"]
                == .string("arn:aws:eks:us-west-2:111122223333:cluster/dev")
        )
        let china = PlatformContext(accountID: "111122223333", partition: "aws-cn", region: "cn-north-1")
        #expect(
            policy.document(in: china).statement(sid: "AllowPassingInstanceRole")?["Condition"]?["StringEquals"]?[
                "iam:PassedToService"
            ] == .array(["ec2.amazonaws.com.cn", "ec2.amazonaws.com"])
        )
        #expect(document.json.count < 10_240, "fits the inline policy size limit")
    }

    @Test("cluster, access entries, node group taint, coredns tolerations, Pod Identity")
    func clusterSide() throws {
        let blueprint = try EngineFixtures.blueprint()
        let context = EngineFixtures.context
        let cluster = try #require(blueprint.resource(ResourceID(.cluster, "main")))
        #expect(
            cluster.spec.properties(in: context).byName == [
                "version": "1.33", "role": "iamRole/cluster",
                "subnets": "subnet/private-us-west-2a,subnet/private-us-west-2b,subnet/private-us-west-2c",
                "securityGroups": "securityGroup/node", "endpointPublic": "true", "endpointPrivate": "true",
                "publicAccessCIDRs": "0.0.0.0/0", "authenticationMode": "API",
                "logging": "api,audit,authenticator",
            ]
        )
        let admin = try #require(blueprint.resource(ResourceID(.accessEntry, "admin-role-PlatformAdmin")))
        #expect(
            admin.spec.properties(in: context).byName == [
                "principalARN": "arn:aws:iam::111122223333:role/PlatformAdmin", "type": "STANDARD",
                "accessPolicies": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            ]
        )
        let nodeEntry = try #require(blueprint.resource(ResourceID(.accessEntry, "karpenter-node")))
        #expect(
            nodeEntry.spec.properties(in: context).byName == [
                "principalARN": "arn:aws:iam::111122223333:role/dev-karpenter-node", "type": "EC2_LINUX",
                "accessPolicies": "",
            ]
        )
        let group = try #require(blueprint.resource(ResourceID(.nodeGroup, "system")))
        let groupProperties = group.spec.properties(in: context).byName
        #expect(groupProperties["taints"] == "CriticalAddonsOnly=true:NO_SCHEDULE")
        #expect(groupProperties["labels"] == "eksplatform.io/pool=system")
        #expect(groupProperties["instanceTypes"] == "m6i.large")
        // The desired size is not compared after creation (people and autoscalers own it).
        #expect(groupProperties["minSize"] == "2" && groupProperties["desiredSize"] == nil && groupProperties["maxSize"] == "3")
        #expect(group.dependsOn.contains(ResourceID(.addon, "vpc-cni")))
        #expect(group.dependsOn.contains(ResourceID(.routeTable, "private")))
        let coredns = try #require(blueprint.resource(ResourceID(.addon, "coredns")))
        #expect(
            coredns.spec.properties(in: context).byName["configurationValues"]
                == #"{"tolerations":[{"effect":"NoSchedule","key":"CriticalAddonsOnly","operator":"Equal","value":"true"}]}"#
        )
        #expect(coredns.dependsOn.contains(ResourceID(.nodeGroup, "system")))
        let cni = try #require(blueprint.resource(ResourceID(.addon, "vpc-cni")))
        #expect(cni.spec.properties(in: context).byName["configurationValues"] == "")
        let association = try #require(blueprint.resource(ResourceID(.podIdentityAssociation, "karpenter")))
        #expect(
            association.spec.properties(in: context).byName == [
                "namespace": "kube-system", "serviceAccount": "karpenter",
                "roleARN": "arn:aws:iam::111122223333:role/dev-karpenter-controller",
            ]
        )
        #expect(association.dependsOn.contains(ResourceID(.addon, "eks-pod-identity-agent")))
    }

    @Test("interruption queue: SSE, retention 300, SqsWrite + DenyHTTP; five rules targeting it")
    func queue() throws {
        let blueprint = try EngineFixtures.blueprint()
        let context = EngineFixtures.context
        let queue = try #require(blueprint.resource(ResourceID(.sqsQueue, "interruption")))
        let properties = queue.spec.properties(in: context).byName
        #expect(properties["MessageRetentionPeriod"] == "300")
        #expect(properties["SqsManagedSseEnabled"] == "true")
        #expect(
            properties["Policy"]
                == #"{"Statement":[{"Action":"sqs:SendMessage","Effect":"Allow","Principal":{"Service":"#
                + #"["events.amazonaws.com","sqs.amazonaws.com"]},"Resource":"arn:aws:sqs:us-west-2:111122223333:Karpenter-dev","#
                + #""Sid":"SqsWrite"},{"Action":"sqs:*","Condition":{"Bool":{"aws:SecureTransport":"false"}},"#
                + #""Effect":"Deny","Principal":"*","Resource":"arn:aws:sqs:us-west-2:111122223333:Karpenter-dev","#
                + #""Sid":"DenyHTTP"}],"Version":"2012-10-17"}"#
        )
        let rules = blueprint.resources.filter { $0.id.kind == .eventRule }
        #expect(
            rules.compactMap { $0.spec.awsName } == [
                "Karpenter-dev-HealthEvent", "Karpenter-dev-SpotInterrupt", "Karpenter-dev-InstanceRebalance",
                "Karpenter-dev-InstanceStateChange", "Karpenter-dev-CRInterruption",
            ]
        )
        let spot = try #require(blueprint.resource(ResourceID(.eventRule, "SpotInterrupt")))
        #expect(
            spot.spec.properties(in: context).byName == [
                "eventPattern": #"{"detail-type":["EC2 Spot Instance Interruption Warning"],"source":["aws.ec2"]}"#,
                "target": "KarpenterInterruptionQueueTarget->arn:aws:sqs:us-west-2:111122223333:Karpenter-dev",
            ]
        )
        #expect(spot.tags["ClusterName"] == "dev")
        let noQueue = try EngineFixtures.blueprint(EngineFixtures.config(interruptionQueue: false))
        #expect(noQueue.resources.filter { [.sqsQueue, .eventRule].contains($0.id.kind) }.isEmpty)
    }

    @Test("every resource carries the cluster tag and the config's tags; tokens are stable and distinct")
    func tagsAndTokens() throws {
        let first = try EngineFixtures.blueprint()
        let second = try EngineFixtures.blueprint()
        #expect(first == second)
        // Tags added to resources the platform does not own (EKS's cluster security group) carry none of its own.
        #expect(first.resources.filter { $0.id.kind == .addedTags }.allSatisfy { $0.tags.isEmpty })
        for resource in first.resources where resource.id.kind != .addedTags {
            #expect(resource.tags["eksplatform.io/cluster"] == "dev", "\(resource.id)")
            #expect(resource.tags["team"] == "platform", "\(resource.id)")
            #expect(resource.idempotencyToken.count == 32)
        }
        #expect(Set(first.resources.map(\.idempotencyToken)).count == first.resources.count)
        #expect(
            StableNames.idempotencyToken(cluster: "dev", resource: ResourceID(.vpc, "main"))
                == StableNames.hash(["eksplatform", "dev", "vpc/main"], length: 32)
        )
        #expect(
            StableNames.idempotencyToken(cluster: "dev", resource: ResourceID(.vpc, "main"))
                != StableNames.idempotencyToken(cluster: "prod", resource: ResourceID(.vpc, "main"))
        )
    }

    @Test("long cluster names give bounded, stable, distinct AWS names")
    func boundedNames() throws {
        let long = String(repeating: "a", count: 90)
        let names = Blueprint.Names(cluster: long)
        #expect(names.karpenterControllerRole.count == 64)
        #expect(names.karpenterControllerRole.hasSuffix("-karpenter-controller"))
        #expect(names.karpenterControllerRole == Blueprint.Names(cluster: long).karpenterControllerRole)
        #expect(names.karpenterNodeRole != Blueprint.Names(cluster: long + "b").karpenterNodeRole)
        #expect(names.interruptionQueue.count == 80)
        #expect(names.eventRule("InstanceStateChange").count == 64)
        #expect(Blueprint.Names(cluster: "dev").clusterRole == "dev-cluster")
        #expect(StableNames.bounded("abc", suffix: "-x", limit: 10) == "abc-x")
    }

    @Test("cluster objects: Flux sync at the repository path; platform-vars with run-time values only")
    func clusterObjects() throws {
        let objects = try #require(try EngineFixtures.blueprint().cluster)
        #expect(objects.gitRepository.metadata.namespace == "flux-system")
        #expect(objects.gitRepository.spec.url == "ssh://git@github.com/acme/platform.git")
        #expect(objects.gitRepository.spec.ref?.branch == "main")
        #expect(objects.gitRepository.spec.secretRef?.name == "flux-system")
        #expect(objects.kustomization.spec.path == "./kube/clusters/dev")
        #expect(objects.kustomization.spec.prune)
        #expect(objects.fluxManifest.url == "https://github.com/fluxcd/flux2/releases/download/v2.9.4/install.yaml")
        let map = try objects.variablesConfigMap(context: EngineFixtures.context, endpoint: "https://EXAMPLE.eks")
        #expect(map.metadata.name == "platform-vars")
        #expect(map.metadata.namespace == "flux-system")
        #expect(
            map.data == [
                "AWS_ACCOUNT_ID": "111122223333", "AWS_REGION": "us-west-2", "CLUSTER_ENDPOINT": "https://EXAMPLE.eks",
                "CLUSTER_NAME": "dev", "KARPENTER_CONTROLLER_ROLE_NAME": "dev-karpenter-controller",
                "KARPENTER_NODE_ROLE_NAME": "dev-karpenter-node", "KARPENTER_QUEUE_NAME": "Karpenter-dev",
                "SYSTEM_NODE_ROLE_NAME": "dev-system-node",
            ]
        )
        let secret = objects.gitCredentialsSecret(identity: "KEY", knownHosts: "github.com ssh-ed25519 AAAA")
        #expect(secret.stringData == ["identity": "KEY", "known_hosts": "github.com ssh-ed25519 AAAA"])
        #expect(try EngineFixtures.blueprint(EngineFixtures.config(gitops: false)).cluster == nil)
    }

    @Test("a pinned Flux manifest must match its SHA-256; an unpinned one is refused unless insecureAllowUnpinned")
    func fluxPin() throws {
        // Issue 15 item 4: the old code applied an unpinned manifest with a warning.
        let unpinned = FluxRelease(flux: PlatformConfig.Flux())
        var warnings: [String] = []
        #expect {
            try unpinned.verify(Array("x".utf8)) { warnings.append($0) }
        } throws: { ($0 as? FluxRelease.VerificationError)?.code == "flux.unpinned" }
        #expect(warnings.isEmpty)
        #expect(throws: FluxRelease.VerificationError.self) { try unpinned.requirePin() }
        let optedOut = FluxRelease(flux: PlatformConfig.Flux(insecureAllowUnpinned: true))
        try optedOut.requirePin()
        try optedOut.verify(Array("x".utf8)) { warnings.append($0) }
        #expect(warnings.count == 1 && warnings[0].hasPrefix("INSECURE:"))
        // The pin line is what the helper and `init` print: it parses, and the result verifies the same bytes.
        let line = FluxRelease(flux: PlatformConfig.Flux(manifestURL: "/srv/flux/install.yaml")).pinLine(for: Array("x".utf8))
        #expect(
            line
                == "flux: { version: v2.9.4, manifestURL: \"/srv/flux/install.yaml\", sha256: \(StableNames.sha256Hex(Array("x".utf8))) }"
        )
        let reparsed = try PlatformConfig.parse(
            PlatformTemplate.yaml(fluxPin: line),
            file: "pinned.yaml"
        )
        let flux = try #require(reparsed.spec.gitops?.flux)
        try FluxRelease(flux: flux).verify(Array("x".utf8))
        #expect(try PlatformConfig.parse(PlatformTemplate.yaml(), file: "t.yaml").spec.gitops?.flux.sha256 == nil)
        let bytes = Array("apiVersion: v1\n".utf8)
        let pinned = FluxRelease(flux: PlatformConfig.Flux(sha256: StableNames.sha256Hex(bytes).uppercased()))
        try pinned.verify(bytes)
        #expect(throws: FluxRelease.VerificationError.self) { try pinned.verify(Array("tampered".utf8)) }
        #expect(
            StableNames.sha256Hex(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
    }

    @Test("CIDR arithmetic")
    func cidr() throws {
        let block = try #require(IPv4CIDR("10.42.0.0/16"))
        #expect(block.subnet(extraBits: 3, index: 7)?.description == "10.42.224.0/19")
        #expect(block.subnet(extraBits: 3, index: 8) == nil)
        #expect(IPv4CIDR("10.42.0.1/16") == nil)
        #expect(block.size == 65_536)
    }
}

@Suite("Flux install customisation")
struct FluxInstallCustomisationTests {
    @Test("controller Deployments get the system toleration and node selector; other objects are untouched")
    func patchesControllers() throws {
        let config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        let objects = try #require(try Blueprint(config: config, zones: ["us-west-2a", "us-west-2b", "us-west-2c"]).cluster)
        let manifest = """
            apiVersion: v1
            kind: Namespace
            metadata: { name: flux-system }
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: source-controller, namespace: flux-system }
            spec:
              template:
                spec:
                  nodeSelector: { kubernetes.io/os: linux }
                  tolerations: [ { key: other, operator: Exists } ]
                  containers: [ { name: manager, image: ghcr.io/fluxcd/source-controller } ]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: unrelated, namespace: default }
            spec: { template: { spec: { containers: [ { name: c, image: busybox } ] } } }
            """
        let install = try objects.fluxInstallDocuments(manifest)
        #expect(install.controllers == ["source-controller"])
        let pod = try #require(install.documents[1]["spec"]?["template"]?["spec"])
        #expect(pod["nodeSelector"] == ["kubernetes.io/os": "linux", "eksplatform.io/pool": "system"])
        #expect(
            pod["tolerations"] == [
                ["key": "other", "operator": "Exists"],
                ["key": "CriticalAddonsOnly", "operator": "Equal", "value": "true", "effect": "NoSchedule"],
            ]
        )
        #expect(install.documents[0] == (try YAML.decodeDocuments(manifest))[0])
        #expect(install.documents[2] == (try YAML.decodeDocuments(manifest))[2])
        // Applying twice does not add the toleration twice.
        let again = try objects.fluxInstallDocuments(try YAML.encodeDocuments(install.documents))
        #expect(again.documents[1]["spec"]?["template"]?["spec"]?["tolerations"]?.arrayValue?.count == 2)
    }
}
