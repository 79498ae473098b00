import EKSAWS
import EKSPlatformKit
import Foundation
import KubeFake

/// Karpenter (aws/karpenter-provider-aws and kubernetes-sigs/karpenter) against the AWS emulator:
/// - EC2NodeClass: subnets and security groups resolved by their selector terms' tags (terms are ORed, a term's
///   tags ANDed, `*` means "has the key"), the role looked up in IAM; status conditions as
///   pkg/controllers/nodeclass/{subnet,securitygroup,validation}.go set them and the `Ready` root as awslabs/operatorpkg
///   status/condition_set.go computes it (`UnhealthyDependents` with `Type=Status, …`). AMIs are not looked up: an
///   alias counts as resolved.
/// - NodePool: `NodeClassReady` from its EC2NodeClass (pkg/controllers/nodepool/readiness/controller.go).
/// - Provisioning: each Pending Pod the scheduler could not place that a Ready NodePool's labels satisfy gets a
///   NodeClaim and an instance (RunInstances with Karpenter's tags, through boto3 like the real provider's SDK); the
///   Node registers and the scheduler binds the Pod. NodePool `limits.cpu` caps the launches.
/// - Deletion: a NodePool's NodeClaims go with it, their instances terminated, their Nodes removed.
/// - Reachability (the twin's own check, Karpenter makes none): a launched node whose security groups cannot reach
///   CoreDNS in the cluster security group on UDP/TCP 53 is left `Ready=False` (`CoreDNSUnreachable`) with no Node,
///   so its pods stay Pending and the workloads never turn Ready — the day-one failure issue 13 item 1 describes.
extension ClusterTwin {
    static let karpenterManager = "karpenter"
    static let nodeClassAPI = "karpenter.k8s.aws/v1"
    static let nodePoolAPI = "karpenter.sh/v1"

    /// The size of the instances the twin launches (the cheapest shape that satisfies the platform's requirements).
    static let instanceType = (name: "m5.large", cpu: "2", memory: "7910Mi")

    func session() throws -> AWSSession {
        if let awsSession { return awsSession }
        guard let endpoint = options.awsEndpoint else { throw TestSupportError("the cluster twin has no AWS emulator") }
        let session = try AWSSession(
            AWSSessionOptions(
                region: options.region,
                endpointURL: endpoint,
                environment: ["HOME": "/nonexistent"],
                credentials: AWSEmulator.credentials,
                transport: TestHTTP.transport
            )
        )
        awsSession = session
        return session
    }

    func reconcileKarpenter() async throws {
        let session = try session()
        let nodeClasses = try await api.list(Self.nodeClassAPI, "EC2NodeClass")
        for nodeClass in nodeClasses {
            try await reconcileNodeClass(nodeClass, session: session)
        }
        let nodePools = try await api.list(Self.nodePoolAPI, "NodePool")
        // The garbage collector: NodeClaims whose NodePool is gone are deleted (their ownerReferences), and
        // Karpenter's termination finalizer then terminates each instance.
        let poolUIDs = Set(nodePools.compactMap { $0[path: ["metadata", "uid"]]?.stringValue })
        for claim in try await api.list(Self.nodePoolAPI, "NodeClaim") {
            if claim.isDeleting {
                try await terminate(claim)
            } else if let owner = claim[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"]?.stringValue,
                !poolUIDs.contains(owner)
            {
                try await api.delete(Self.nodePoolAPI, "NodeClaim", namespace: nil, name: claim.name)
            }
        }
        for nodePool in nodePools {
            try await reconcileNodePool(nodePool)
        }
        try await provision(nodePools: try await api.list(Self.nodePoolAPI, "NodePool"))
    }

    /// One selector term as EC2 filters: `tag:<key>` = value, or `tag-key` for `*`.
    static func filters(for term: KubeFakeJSON, idFilter: String) -> [EC2Filter] {
        var filters: [EC2Filter] = []
        if let id = term["id"]?.stringValue { filters.append(EC2Filter(name: idFilter, values: [id])) }
        for (key, value) in (term["tags"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let text = value.stringValue ?? ""
            filters.append(
                text == "*" ? EC2Filter(name: "tag-key", values: [key]) : EC2Filter(name: "tag:\(key)", values: [text])
            )
        }
        return filters
    }

    private func reconcileNodeClass(_ object: KubeFakeJSON, session: AWSSession) async throws {
        let finalizer = "karpenter.k8s.aws/termination"
        if object.isDeleting {
            let claims = try await api.list(Self.nodePoolAPI, "NodeClaim").filter {
                $0[path: ["spec", "nodeClassRef", "name"]]?.stringValue == object.name
            }
            if claims.isEmpty { try await removeFinalizer(object, finalizer, manager: Self.karpenterManager) }
            return
        }
        let object = try await ensureFinalizer(object, finalizer, manager: Self.karpenterManager)
        var subnets: [String: EC2Subnet] = [:]
        for term in object[path: ["spec", "subnetSelectorTerms"]]?.arrayValue ?? [] {
            let filters = Self.filters(for: term, idFilter: "subnet-id")
            guard !filters.isEmpty else { continue }
            for subnet in try await session.ec2.describeSubnets(filters: filters) { subnets[subnet.subnetId] = subnet }
        }
        var groups: [String: EC2SecurityGroup] = [:]
        for term in object[path: ["spec", "securityGroupSelectorTerms"]]?.arrayValue ?? [] {
            var filters = Self.filters(for: term, idFilter: "group-id")
            if let name = term["name"]?.stringValue { filters.append(EC2Filter(name: "group-name", values: [name])) }
            guard !filters.isEmpty else { continue }
            for group in try await session.ec2.describeSecurityGroups(filters: filters) { groups[group.groupId] = group }
        }
        let role = object[path: ["spec", "role"]]?.stringValue ?? ""
        var roleFound = false
        if !role.isEmpty { roleFound = (try? await session.iam.getRole(roleName: role)) != nil }

        var conditions: [(type: String, status: String, reason: String, message: String)] = [
            ("AMIsReady", "True", "AMIsReady", "")
        ]
        conditions.append(
            subnets.isEmpty
                ? ("SubnetsReady", "False", "SubnetsNotFound", "SubnetSelector did not match any Subnets")
                : ("SubnetsReady", "True", "SubnetsReady", "")
        )
        conditions.append(
            groups.isEmpty
                ? (
                    "SecurityGroupsReady", "False", "SecurityGroupsNotFound",
                    "SecurityGroupSelector did not match any SecurityGroups"
                )
                : ("SecurityGroupsReady", "True", "SecurityGroupsReady", "")
        )
        conditions.append(
            roleFound
                ? ("InstanceProfileReady", "True", "InstanceProfileReady", "")
                : (
                    "InstanceProfileReady", "False", "InstanceProfileCreationFailed",
                    "NoSuchEntity: The role with name \(role) cannot be found."
                )
        )
        let anyFalse = conditions.contains { $0.status == "False" }
        conditions.append(
            anyFalse
                ? (
                    "ValidationSucceeded", "False", "DependenciesNotReady",
                    "Awaiting AMI, Instance Profile, Security Group, and Subnet resolution"
                )
                : ("ValidationSucceeded", "True", "ValidationSucceeded", "")
        )
        // operatorpkg recomputeRootCondition, dependents in the order EC2NodeClass declares them.
        let unhealthy = conditions.filter { $0.status != "True" }
        let ready: (type: String, status: String, reason: String, message: String) =
            unhealthy.isEmpty
            ? ("Ready", "True", "Ready", "")
            : ("Ready", "False", "UnhealthyDependents", unhealthy.map { "\($0.type)=\($0.status)" }.joined(separator: ", "))
        let sortedSubnets = subnets.values.sorted {
            (($0.availableIpAddressCount ?? 0), $1.subnetId) > (($1.availableIpAddressCount ?? 0), $0.subnetId)
        }
        let fields: [String: KubeFakeJSON] = [
            "subnets": .array(
                sortedSubnets.map {
                    [
                        "id": .string($0.subnetId), "zone": .string($0.availabilityZone),
                        "zoneID": .string($0.availabilityZoneId ?? ""),
                    ]
                }
            ),
            "securityGroups": .array(
                groups.values.sorted { $0.groupId < $1.groupId }.map {
                    ["id": .string($0.groupId), "name": .string($0.groupName)]
                }
            ),
        ]
        let same = ([ready] + conditions).allSatisfy { condition in
            object.condition(condition.0)?["status"]?.stringValue == condition.1
                && object.condition(condition.0)?["reason"]?.stringValue == condition.2
        }
        if same && object.condition("Ready")?["observedGeneration"]?.intValue == object.generation
            && object[path: ["status", "subnets"]] == fields["subnets"]
        {
            return
        }
        // Karpenter's statuses have no observedGeneration of their own: each condition carries it.
        try await writeStatus(
            object,
            conditions: [ready] + conditions,
            fields: fields,
            observe: false,
            manager: Self.karpenterManager
        )
    }

    private func reconcileNodePool(_ object: KubeFakeJSON) async throws {
        let claims = try await api.list(Self.nodePoolAPI, "NodeClaim", labelSelector: "karpenter.sh/nodepool=\(object.name)")
        if object.isDeleting {
            for claim in claims where !claim.isDeleting {
                try await api.delete(Self.nodePoolAPI, "NodeClaim", namespace: nil, name: claim.name)
            }
            return
        }
        let className = object[path: ["spec", "template", "spec", "nodeClassRef", "name"]]?.stringValue ?? ""
        let nodeClass = try await api.get(Self.nodeClassAPI, "EC2NodeClass", name: className)
        let classReady = nodeClass?.condition("Ready")
        let nodeClassReady: (String, String, String, String) =
            if nodeClass == nil {
                ("NodeClassReady", "False", "NodeClassNotFound", "NodeClass not found on cluster")
            } else if nodeClass?.isDeleting == true {
                ("NodeClassReady", "False", "NodeClassTerminating", "NodeClass is Terminating")
            } else if classReady?["status"]?.stringValue == "True" {
                ("NodeClassReady", "True", "NodeClassReady", "")
            } else if let classReady {
                ("NodeClassReady", "False", classReady["reason"]?.stringValue ?? "", classReady["message"]?.stringValue ?? "")
            } else {
                ("NodeClassReady", "False", "NodeClassReadinessUnknown", "Node Class Readiness Unknown")
            }
        let conditions = [("ValidationSucceeded", "True", "ValidationSucceeded", ""), nodeClassReady]
        let unhealthy = conditions.filter { $0.1 != "True" }
        let ready: (String, String, String, String) =
            unhealthy.isEmpty
            ? ("Ready", "True", "Ready", "")
            : ("Ready", "False", "UnhealthyDependents", unhealthy.map { "\($0.0)=\($0.1)" }.joined(separator: ", "))
        let cpu = claims.map { Quantity.parse($0[path: ["status", "capacity", "cpu"]]?.stringValue) }.reduce(0, +)
        let fields: [String: KubeFakeJSON] = [
            "resources": ["cpu": .string(String(Int(cpu))), "nodes": .string(String(claims.count))]
        ]
        let same = ([ready] + conditions).allSatisfy { condition in
            object.condition(condition.0)?["status"]?.stringValue == condition.1
                && object.condition(condition.0)?["reason"]?.stringValue == condition.2
        }
        if same && object.condition("Ready")?["observedGeneration"]?.intValue == object.generation
            && object[path: ["status", "resources"]] == fields["resources"]
        {
            return
        }
        try await writeStatus(
            object,
            conditions: ([ready] + conditions).map { (type: $0.0, status: $0.1, reason: $0.2, message: $0.3) },
            fields: fields,
            observe: false,
            manager: Self.karpenterManager
        )
    }

    /// The labels a node of `nodePool` would carry (template labels, the pool label, its single-valued requirements).
    static func nodeLabels(_ nodePool: KubeFakeJSON) -> [String: String] {
        var labels =
            nodePool[path: ["spec", "template", "metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        labels["karpenter.sh/nodepool"] = nodePool.name
        labels["kubernetes.io/os"] = "linux"
        labels["kubernetes.io/arch"] = "amd64"
        labels["karpenter.sh/capacity-type"] = "on-demand"
        labels["node.kubernetes.io/instance-type"] = instanceType.name
        labels["karpenter.k8s.aws/instance-category"] = "m"
        labels["karpenter.k8s.aws/instance-generation"] = "5"
        return labels
    }

    private func provision(nodePools: [KubeFakeJSON]) async throws {
        let pending = try await api.list("v1", "Pod").filter {
            $0[path: ["spec", "nodeName"]] == nil && !$0.isDeleting
                && $0.condition("PodScheduled")?["reason"]?.stringValue == "Unschedulable"
        }
        guard !pending.isEmpty else { return }
        let claims = try await api.list(Self.nodePoolAPI, "NodeClaim")
        // Claims still launching or registering will take pods; wait for them.
        if claims.contains(where: { $0.condition("Ready")?["status"]?.stringValue != "True" && !$0.isDeleting }) { return }
        for nodePool in nodePools.sorted(by: { $0.name < $1.name }) where !nodePool.isDeleting {
            guard nodePool.condition("Ready")?["status"]?.stringValue == "True" else { continue }
            let labels = Self.nodeLabels(nodePool)
            let requirements = nodePool[path: ["spec", "template", "spec", "requirements"]]?.arrayValue ?? []
            guard requirements.allSatisfy({ Self.matches($0, labels) }) else { continue }
            let taints = nodePool[path: ["spec", "template", "spec", "taints"]]?.arrayValue ?? []
            let candidate: KubeFakeJSON = [
                "metadata": ["labels": .object(labels.mapValues { .string($0) })],
                "spec": ["taints": .array(taints)],
                "status": ["allocatable": ["cpu": .string(Self.instanceType.cpu), "memory": .string(Self.instanceType.memory)]],
            ]
            // Pods that would fit on one new node of this pool, packed first-fit.
            var packed: [KubeFakeJSON] = []
            for pod in pending where Self.unfit(pod, on: candidate, podsOnNode: packed) == nil { packed.append(pod) }
            guard !packed.isEmpty else { continue }
            let used = claims.filter { $0[path: ["metadata", "labels", "karpenter.sh/nodepool"]]?.stringValue == nodePool.name }
                .map { Quantity.parse($0[path: ["status", "capacity", "cpu"]]?.stringValue) }.reduce(0, +)
            if let limit = nodePool[path: ["spec", "limits", "cpu"]]?.stringValue,
                used + Quantity.parse(Self.instanceType.cpu) > Quantity.parse(limit)
            {
                note("NodePool/\(nodePool.name): cpu limit \(limit) reached; not launching")
                continue
            }
            try await launch(nodePool: nodePool, labels: labels, taints: taints, forPods: packed)
            return
        }
    }

    /// A NodeClaim, an instance in the emulator with Karpenter's tags, and its Node.
    private func launch(
        nodePool: KubeFakeJSON,
        labels: [String: String],
        taints: [KubeFakeJSON],
        forPods pods: [KubeFakeJSON]
    )
        async throws
    {
        let className = nodePool[path: ["spec", "template", "spec", "nodeClassRef", "name"]]?.stringValue ?? ""
        guard let nodeClass = try await api.get(Self.nodeClassAPI, "EC2NodeClass", name: className),
            let subnet = nodeClass[path: ["status", "subnets"]]?.arrayValue?.first,
            let subnetID = subnet["id"]?.stringValue
        else { return }
        let groups = nodeClass[path: ["status", "securityGroups"]]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        let coreDNS = try await coreDNSReachability(from: groups)
        let suffix = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(5))
        let claimName = "\(nodePool.name)-\(suffix)"
        var claim: KubeFakeJSON = [
            "apiVersion": .string(Self.nodePoolAPI), "kind": "NodeClaim",
            "metadata": [
                "name": .string(claimName), "labels": .object(labels.mapValues { .string($0) }),
                "finalizers": ["karpenter.sh/termination"],
                "ownerReferences": [
                    [
                        "apiVersion": .string(Self.nodePoolAPI), "kind": "NodePool", "name": .string(nodePool.name),
                        "uid": nodePool[path: ["metadata", "uid"]] ?? "", "blockOwnerDeletion": true,
                    ]
                ],
            ],
            "spec": [
                "nodeClassRef": ["group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": .string(className)],
                "requirements": nodePool[path: ["spec", "template", "spec", "requirements"]] ?? [],
                "resources": ["requests": ["cpu": "1", "pods": .string(String(pods.count))]],
            ],
        ]
        if !taints.isEmpty { claim[path: ["spec", "taints"]] = .array(taints) }
        claim = try await api.create(claim, fieldManager: Self.karpenterManager)
        var tags: [String: String] = [
            "karpenter.sh/nodepool": nodePool.name, "karpenter.sh/nodeclaim": claimName,
            "karpenter.k8s.aws/ec2nodeclass": className, "kubernetes.io/cluster/\(options.clusterName)": "owned",
            "eks:eks-cluster-name": options.clusterName, "karpenter.sh/managed-by": options.clusterName,
            "Name": "\(nodePool.name)/\(claimName)",
        ]
        for (key, value) in nodeClass[path: ["spec", "tags"]]?.objectValue ?? [:] { tags[key] = value.stringValue ?? "" }
        let instance = try await runInstance(subnetID: subnetID, securityGroups: groups, tags: tags, claim: claimName)
        launched[claimName] = instance.id
        if let coreDNS, !coreDNS.isReachable {
            // Loud, and the pods stay Pending: a node that resolves no name is not a node the workloads can use.
            note("BLOCKED: NodeClaim/\(claimName) (\(instance.id)): \(coreDNS)")
            try await writeStatus(
                claim,
                conditions: [
                    ("Launched", "True", "Launched", ""),
                    ("Ready", "False", Self.coreDNSUnreachable, "\(coreDNS); security groups \(groups.joined(separator: ", "))"),
                ],
                fields: ["providerID": .string("aws:///\(subnet["zone"]?.stringValue ?? "")/\(instance.id)")],
                observe: false,
                manager: Self.karpenterManager
            )
            return
        }
        let zone = subnet["zone"]?.stringValue ?? "\(options.region)a"
        let nodeName =
            instance.privateDNS.isEmpty
            ? "ip-\(instance.privateIP.replacingOccurrences(of: ".", with: "-")).\(options.region).compute.internal"
            : instance.privateDNS
        let providerID = "aws:///\(zone)/\(instance.id)"
        note("NodeClaim/\(claimName) launched \(instance.id) in \(subnetID) for \(pods.map(\.name).joined(separator: ", "))")
        var nodeLabels = labels
        nodeLabels["kubernetes.io/hostname"] = nodeName
        nodeLabels["topology.kubernetes.io/zone"] = zone
        nodeLabels["karpenter.sh/registered"] = "true"
        nodeLabels["karpenter.sh/initialized"] = "true"
        try await createNode(
            name: nodeName,
            labels: nodeLabels,
            taints: taints,
            cpu: Self.instanceType.cpu,
            memory: Self.instanceType.memory,
            address: instance.privateIP,
            providerID: providerID
        )
        try await writeStatus(
            claim,
            conditions: [
                ("Launched", "True", "Launched", ""), ("Registered", "True", "Registered", ""),
                ("Initialized", "True", "Initialized", ""), ("Ready", "True", "Ready", ""),
            ],
            fields: [
                "providerID": .string(providerID), "nodeName": .string(nodeName), "imageID": "ami-twin",
                "capacity": ["cpu": .string(Self.instanceType.cpu), "memory": .string(Self.instanceType.memory), "pods": "29"],
                "allocatable": [
                    "cpu": .string(Self.instanceType.cpu), "memory": .string(Self.instanceType.memory), "pods": "29",
                ],
            ],
            observe: false,
            manager: Self.karpenterManager
        )
    }

    /// The Ready reason of a NodeClaim whose node could not reach CoreDNS (the twin's own: Karpenter cannot see it).
    public static let coreDNSUnreachable = "CoreDNSUnreachable"

    /// Whether a node in `groups` reaches CoreDNS on the system nodes over UDP and TCP 53, by the security groups' rules
    /// as they are in the emulator; `nil` when the emulator has no cluster (tests that play Karpenter alone).
    ///
    /// The system node group has no launch template, so EKS puts its nodes in the cluster security group only (EKS
    /// user guide, "View Amazon EKS security group requirements for clusters"), which is where CoreDNS runs. The
    /// evaluation is the library's ``NodeReachability``; `aws-fidelity-e2e` checks the same paths with boto3 alone.
    private func coreDNSReachability(from groups: [String]) async throws -> NodeReachability.Check? {
        let session = try session()
        let cluster: EKSCluster
        do {
            cluster = try await session.eks.describeCluster(name: options.clusterName)
        } catch  where AWSPlatformObserver.isNotFound(error) {
            return nil
        }
        guard let vpc = cluster.resourcesVpcConfig, let clusterGroup = vpc.clusterSecurityGroupId else { return nil }
        let karpenterNodes = groups.isEmpty ? [] : try await session.ec2.describeSecurityGroups(groupIds: groups)
        let systemNodes = try await session.ec2.describeSecurityGroups(groupIds: [clusterGroup])
        var addresses: IPv4CIDR?
        if let vpcID = vpc.vpcId {
            addresses = try await session.ec2.describeVpcs(vpcIds: [vpcID]).first.flatMap { IPv4CIDR($0.cidrBlock) }
        }
        return NodeReachability.evaluate(
            karpenterNodes: karpenterNodes,
            systemNodes: systemNodes,
            controlPlane: systemNodes,
            addresses: addresses
        ).checks.first { $0.port == 53 }
    }

    /// A NodeClaim being deleted: its instance is terminated, its Node removed, then the finalizer goes.
    private func terminate(_ claim: KubeFakeJSON) async throws {
        let instanceID =
            launched[claim.name]
            ?? claim[path: ["status", "providerID"]]?.stringValue?.split(separator: "/").last.map(String.init)
        if let instanceID {
            _ = try await session().ec2.terminateInstances(instanceIds: [instanceID])
            note("NodeClaim/\(claim.name) terminated \(instanceID)")
        }
        if let node = claim[path: ["status", "nodeName"]]?.stringValue {
            try await api.delete("v1", "Node", namespace: nil, name: node)
        }
        launched[claim.name] = nil
        try await removeFinalizer(claim, "karpenter.sh/termination", manager: Self.karpenterManager)
    }

    /// Runs one instance with boto3 (an SDK independent of the library under test).
    private func runInstance(
        subnetID: String,
        securityGroups: [String],
        tags: [String: String],
        claim: String
    ) async throws
        -> (id: String, privateIP: String, privateDNS: String)
    {
        guard let endpoint = options.awsEndpoint else { throw TestSupportError("the cluster twin has no AWS emulator") }
        let request: KubeFakeJSON = [
            "subnet": .string(subnetID), "groups": .array(securityGroups.map { .string($0) }),
            "tags": .object(tags.mapValues { .string($0) }), "type": .string(Self.instanceType.name),
            "cluster": .string(options.clusterName), "claim": .string(claim),
        ]
        let script = """
            import boto3, json, sys
            r = json.loads(sys.argv[1])
            ec2 = boto3.client("ec2", endpoint_url=sys.argv[2], region_name=sys.argv[3],
                               aws_access_key_id="AKIAEMULATORTEST0001", aws_secret_access_key="x")
            tags = [{"Key": k, "Value": v} for k, v in sorted(r["tags"].items())]
            lt = ec2.create_launch_template(LaunchTemplateName="karpenter.k8s.aws/" + r["claim"],
                LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": r["type"], "SecurityGroupIds": r["groups"]},
                TagSpecifications=[{"ResourceType": "launch-template", "Tags": [
                    {"Key": "karpenter.k8s.aws/cluster", "Value": r["cluster"]}] + tags}])
            out = ec2.run_instances(MinCount=1, MaxCount=1, SubnetId=r["subnet"], SecurityGroupIds=r["groups"],
                LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplate"]["LaunchTemplateId"]},
                InstanceType=r["type"],
                TagSpecifications=[{"ResourceType": t, "Tags": tags} for t in ("instance", "volume", "network-interface")])
            i = out["Instances"][0]
            print(json.dumps({"id": i["InstanceId"], "ip": i.get("PrivateIpAddress", ""), "dns": i.get("PrivateDnsName", "")}))
            """
        let result = try await Subprocess.run(
            ["python3", "-c", script, request.jsonString, endpoint.absoluteString, options.region],
            environment: ProcessInfo.processInfo.environment
        )
        guard result.status == 0, let answer = try? KubeFakeJSON.parse(Data(result.stdout)) else {
            throw TestSupportError("RunInstances failed: \(String(decoding: result.stderr, as: UTF8.self).suffix(800))")
        }
        return (
            answer["id"]?.stringValue ?? "", answer["ip"]?.stringValue ?? "10.42.1.10", answer["dns"]?.stringValue ?? ""
        )
    }
}
