import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// The engine's life after the first `up`, on the AWS emulator: applied records and the cost of a no-op plan, drift
/// made outside platformctl (planned exactly, then repaired), a stale record, and a `down` that also removes what
/// Karpenter and the cluster's controllers would have left.
@Suite("Engine: records, drift and the teardown sweep on the AWS emulator", .serialized)
struct EngineDriftTests {
    static let cluster = "drift"

    /// `service:operation` of every AWS request the emulator logged since the last clear.
    static func requests(_ emulator: AWSEmulator) async throws -> [String] {
        try await EngineEmulatorTests.requests(emulator).map { "\($0.service):\($0.operation)" }
    }

    /// The non-no-op changes as `action id`.
    static func changes(_ plan: Plan) -> [String] {
        plan.changes.filter { $0.action != .noop }.map { "\($0.action.rawValue) \($0.id)" }
    }

    /// Plans with `observer` and applies the plan.
    static func up(
        _ config: PlatformConfig,
        observer: AWSPlatformObserver,
        provider: AWSPlatformProvider
    ) async throws -> ExecutionSummary {
        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        let executor = Executor(runner: GraphRunner(maxConcurrency: 8) { _ in try await Task.sleep(for: .milliseconds(5)) })
        return try await executor.up(
            plan: plan,
            blueprint: blueprint,
            observed: try await observer.observe(config),
            provider: provider,
            events: NullEventHandler()
        )
    }

    @Test("records make a no-op plan 23 reads; drift is planned exactly and repaired; down sweeps Karpenter's leftovers")
    func lifecycle() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let config = EngineFixtures.config(name: Self.cluster, gitops: false)
        let observer = AWSPlatformObserver(session: session)
        let fullObserver = AWSPlatformObserver(session: session, fullRefresh: true)
        let provider = AWSPlatformProvider(session: session)
        let names = Blueprint.Names(cluster: Self.cluster)

        let first = try await Self.up(config, observer: observer, provider: provider)
        try #require(first.isSuccess, "\(first.failed)")

        // 1. Records: each written to a tag the observer reads anyway, equal to the digest of the desired state.
        let identity = try await session.sts.getCallerIdentity()
        let context = PlatformContext(accountID: identity.account, partition: "aws", region: "us-west-2")
        let blueprint = try Blueprint(
            config: config,
            zones: try Blueprint.resolveZones(
                for: config,
                available: [
                    "us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d",
                ]
            )
        )
        func digest(_ id: ResourceID) throws -> String {
            AppliedRecord.digest(of: try #require(blueprint.resource(id)), in: context)
        }
        let controller = try await session.iam.getRole(roleName: names.karpenterControllerRole)
        #expect(
            controller.tags.first { $0.key == "eksplatform.io/applied" }?.value
                == (try digest(ResourceID(.iamRole, "karpenter-controller")))
        )
        let clusterTags = try await session.eks.describeCluster(name: Self.cluster).tags ?? [:]
        for id in blueprint.resources.map(\.id) where AppliedRecord.holder(of: id.kind) == .cluster {
            #expect(clusterTags["eksplatform.io/applied/\(id)"] == (try digest(id)), "record of \(id)")
        }
        let queueURL = try await session.sqs.getQueueUrl(queueName: names.interruptionQueue)
        let queueTags = try await session.sqs.listQueueTags(queueUrl: queueURL)
        let rules = blueprint.resources.map(\.id).filter { $0.kind == .eventRule }
        #expect(rules.count == 5)
        for id in rules {
            #expect(queueTags["eksplatform.io/applied/\(id)"] == (try digest(id)), "record of \(id)")
        }

        // The inventory: taint and labels, add-on configuration, access entries, Pod Identity, queue policy, rules.
        let group = try await session.eks.describeNodegroup(clusterName: Self.cluster, nodegroupName: "system")
        #expect(group.taints == [EKSTaint(key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE")])
        #expect(group.labels == ["eksplatform.io/pool": "system"])
        #expect(group.tags?["eksplatform.io/cluster"] == Self.cluster)
        #expect(
            try await session.eks.listAddons(clusterName: Self.cluster).sorted()
                == ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]
        )
        let corednsConfig =
            try await session.eks.describeAddon(clusterName: Self.cluster, addonName: "coredns")
            .configurationValues ?? ""
        #expect(corednsConfig.contains(#""key":"CriticalAddonsOnly""#) && corednsConfig.contains("tolerations"))
        let admin = context.roleARN("PlatformAdmin")
        let nodeRole = context.roleARN(names.karpenterNodeRole)
        #expect(Set(try await session.eks.listAccessEntries(clusterName: Self.cluster)).isSuperset(of: [admin, nodeRole]))
        #expect(try await session.eks.describeAccessEntry(clusterName: Self.cluster, principalArn: nodeRole).type == "EC2_LINUX")
        #expect(
            try await session.eks.listAssociatedAccessPolicies(clusterName: Self.cluster, principalArn: admin)
                .map(\.policyArn) == ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"]
        )
        let association = try #require(
            try await session.eks.listPodIdentityAssociations(
                clusterName: Self.cluster,
                namespace: "kube-system",
                serviceAccount: "karpenter"
            ).first
        )
        #expect(
            try await session.eks.describePodIdentityAssociation(
                clusterName: Self.cluster,
                associationId: association.associationId
            ).roleArn == context.roleARN(names.karpenterControllerRole)
        )
        let queueAttributes = try await session.sqs.getQueueAttributes(queueUrl: queueURL)
        let policy = queueAttributes["Policy"] ?? ""
        #expect(policy.contains("events.amazonaws.com") && policy.contains("sqs.amazonaws.com"), "\(policy)")
        #expect(queueAttributes["SqsManagedSseEnabled"] == "true")
        let ruleList = try await session.eventBridge.listRules(namePrefix: "Karpenter-\(Self.cluster)")
        #expect(ruleList.count == 5)
        for rule in ruleList {
            let targets = try await session.eventBridge.listTargetsByRule(rule: rule.name)
            #expect(targets.map(\.arn) == [context.queueARN(names.interruptionQueue)], "\(rule.name)")
        }

        // 2. A no-op plan: 23 reads, every one a batched or per-service call, none per recorded resource (the
        // session already knows its caller, so GetCallerIdentity is not asked again); the log group costs one (its
        // retention; its tags are covered by the record its cluster carries).
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let (_, quiet) = try await Planner.plan(config, observer: observer)
        #expect(Self.changes(quiet) == [])
        let reads = try await Self.requests(emulator)
        var counts: [String: Int] = [:]
        for request in reads { counts[request, default: 0] += 1 }
        #expect(
            counts == [
                "ec2:DescribeAvailabilityZones": 1, "ec2:DescribeVpcs": 1,
                "ec2:DescribeSubnets": 1, "ec2:DescribeInternetGateways": 1, "ec2:DescribeAddresses": 1,
                "ec2:DescribeNatGateways": 1, "ec2:DescribeRouteTables": 1, "ec2:DescribeSecurityGroups": 1,
                "iam:GetRole": 4, "eks:DescribeCluster": 1, "eks:ListNodegroups": 1, "eks:DescribeNodegroup": 1,
                "eks:ListAddons": 1, "eks:ListAccessEntries": 1, "eks:ListPodIdentityAssociations": 1,
                "sqs:GetQueueUrl": 1, "sqs:GetQueueAttributes": 1, "sqs:ListQueueTags": 1, "events:ListRules": 1,
                "logs:DescribeLogGroups": 1,
            ]
        )
        #expect(reads.count == 23)
        // A full refresh reads every recorded resource too, and agrees that nothing changed.
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let (_, fullQuiet) = try await Planner.plan(config, observer: fullObserver)
        #expect(Self.changes(fullQuiet) == [])
        let fullReads = try await Self.requests(emulator)
        for operation in [
            "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:GetRolePolicy", "eks:DescribeAddon",
            "eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies", "eks:DescribePodIdentityAssociation",
            "events:ListTargetsByRule", "events:ListTagsForResource", "logs:ListTagsForResource",
        ] {
            #expect(fullReads.contains(operation), "a full refresh reads \(operation)")
        }

        // 3. Drift in batched-observed resources: a deleted route and changed node group labels.
        let observed = try await observer.observe(config)
        let privateTable = try #require(observed.resources.first { $0.id == ResourceID(.routeTable, "private") })
        try await session.ec2.deleteRoute(routeTableId: privateTable.physicalID, destinationCidrBlock: "0.0.0.0/0")
        _ = try await session.eks.updateNodegroupConfig(
            clusterName: Self.cluster,
            nodegroupName: "system",
            EKSNodegroupConfigUpdate(
                labels: .init(addOrUpdateLabels: ["team": "someone-else"]),
                taints: nil,
                scalingConfig: nil,
                clientRequestToken: nil
            )
        )
        try await session.eks.waitUntilNodegroupActive(
            clusterName: Self.cluster,
            nodegroupName: "system",
            options: EKSWaiterOptions(sleeper: { _ in try await Task.sleep(for: .milliseconds(5)) })
        )
        let (_, drifted) = try await Planner.plan(config, observer: observer)
        #expect(Self.changes(drifted) == ["update routeTable/private", "update nodeGroup/system"])
        let routeReasons = drifted.changes.first { $0.id == ResourceID(.routeTable, "private") }?.reasons ?? []
        #expect(routeReasons == ["routes differs: (empty) → 0.0.0.0/0->natGateway/us-west-2a"])
        let labelReasons = drifted.changes.first { $0.id == ResourceID(.nodeGroup, "system") }?.reasons ?? []
        #expect(labelReasons.count == 1 && labelReasons.first?.hasPrefix("labels differ: ") == true, "\(labelReasons)")
        #expect(labelReasons.first?.contains("team=someone-else") == true, "\(labelReasons)")
        let repaired = try await Self.up(config, observer: observer, provider: provider)
        #expect(repaired.isSuccess, "\(repaired.failed)")
        #expect(repaired.succeeded.sorted() == ["update nodeGroup/system", "update routeTable/private"])
        let (_, afterRepair) = try await Planner.plan(config, observer: fullObserver)
        #expect(Self.changes(afterRepair) == [])

        // 4. Drift in a recorded part (an add-on's configuration): only a full refresh reads it, and repairs it.
        _ = try await session.eks.updateAddon(
            clusterName: Self.cluster,
            addonName: "coredns",
            EKSAddonRequest(configurationValues: #"{"replicaCount":5}"#)
        )
        let (_, trusting) = try await Planner.plan(config, observer: observer)
        #expect(Self.changes(trusting) == [], "the default plan trusts the record")
        let (_, refreshed) = try await Planner.plan(config, observer: fullObserver)
        #expect(Self.changes(refreshed) == ["update addon/coredns"])
        #expect(refreshed.changes.first { $0.id == ResourceID(.addon, "coredns") }?.reasons == ["configurationValues differs"])
        #expect(
            Planner.difference("configurationValues", have: #"{"a":1,"b":2}"#, want: #"{"a":1}"#)
                == #"configurationValues differs: {"a":1,"b":2} → {"a":1}"#
        )
        let fixed = try await Self.up(config, observer: fullObserver, provider: provider)
        #expect(fixed.succeeded == ["update addon/coredns"], "\(fixed.failed)")
        let coredns = try await session.eks.describeAddon(clusterName: Self.cluster, addonName: "coredns")
        #expect(coredns.configurationValues?.contains("replicaCount") == false)

        // 5. A stale record (an interrupted run): read in full, re-applied once to record it, then quiet again.
        try await session.eks.tagResource(
            resourceArn: context.clusterARN(Self.cluster),
            tags: ["eksplatform.io/applied/addon/kube-proxy": "0000"]
        )
        let (_, stale) = try await Planner.plan(config, observer: observer)
        #expect(Self.changes(stale) == ["update addon/kube-proxy"])
        #expect(stale.changes.first { $0.id == ResourceID(.addon, "kube-proxy") }?.reasons == [Planner.staleRecordReason])
        let rerecorded = try await Self.up(config, observer: observer, provider: provider)
        #expect(rerecorded.succeeded == ["update addon/kube-proxy"], "\(rerecorded.failed)")
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let (_, settled) = try await Planner.plan(config, observer: observer)
        #expect(Self.changes(settled) == [])
        #expect(try await Self.requests(emulator).count == 23)

        // 6. Cluster settings change in place: a minor version upgrade and endpoint CIDRs from platform.yaml, and
        // control-plane logging switched off outside platformctl; each becomes its own EKS update, waited for.
        try await session.eks.updateClusterConfig(
            name: Self.cluster,
            logging: EKSLogging(clusterLogging: [EKSLogSetup(types: ["audit"], enabled: false)])
        )
        var upgraded = config
        upgraded.spec.kubernetesVersion = "1.34"
        upgraded.spec.endpointAccess.publicCIDRs = ["203.0.113.0/24"]
        let (_, clusterPlan) = try await Planner.plan(upgraded, observer: observer)
        // The node group follows the control plane to the new minor (issue 17).
        #expect(Self.changes(clusterPlan) == ["update cluster/main", "update nodeGroup/system"])
        #expect(
            clusterPlan.changes.first { $0.id == ResourceID(.cluster, "main") }?.reasons == [
                "logging differ: (none) → audit", "publicAccessCIDRs differs: 0.0.0.0/0 → 203.0.113.0/24",
                "version differs: 1.33 → 1.34",
            ]
        )
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let clusterUp = try await Self.up(upgraded, observer: observer, provider: provider)
        #expect(clusterUp.succeeded == ["update cluster/main", "update nodeGroup/system"], "\(clusterUp.failed)")
        let clusterCalls = try await Self.requests(emulator).filter { $0.hasPrefix("eks:Update") }
        #expect(
            clusterCalls == [
                "eks:UpdateClusterVersion", "eks:UpdateAddon", "eks:UpdateClusterConfig", "eks:UpdateClusterConfig",
                "eks:UpdateNodegroupVersion",
            ],
            "one update per kind of change: version, kube-proxy's 1.34 default, endpoint, logging; then the node group"
        )
        let updatedCluster = try await session.eks.describeCluster(name: Self.cluster)
        #expect(updatedCluster.version == "1.34")
        #expect(updatedCluster.resourcesVpcConfig?.publicAccessCidrs == ["203.0.113.0/24"])
        let (_, clusterSettled) = try await Planner.plan(upgraded, observer: observer)
        #expect(Self.changes(clusterSettled) == [])
        var downgrade = upgraded
        downgrade.spec.kubernetesVersion = "1.33"
        let refusedDowngrade = try await Self.up(downgrade, observer: observer, provider: provider)
        #expect(refusedDowngrade.failed.first?.message.contains("EKS only upgrades") == true, "\(refusedDowngrade.failed)")

        // 7. down, with what Karpenter and the controllers leave behind planted first.
        let state = try await observer.observe(config)
        let vpcID = try #require(state.resources.first { $0.id.kind == .vpc }?.physicalID)
        let subnetID = try #require(state.resources.first { $0.id == ResourceID(.subnet, "private-us-west-2a") }?.physicalID)
        let script = PackagePaths.root.appendingPathComponent("scripts/oracles/plant_karpenter_leftovers.py").path
        let planted = try await Subprocess.run(
            [
                "python3", script, emulator.endpoint.absoluteString, "us-west-2", Self.cluster, vpcID, subnetID,
                names.karpenterNodeRole, "3",
            ],
            environment: ProcessInfo.processInfo.environment
        )
        try #require(planted.status == 0, "planting failed: \(String(decoding: planted.stderr, as: UTF8.self))")
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(planted.stdout)) as? [String: Any])
        let instances = try #require(ids["instances"] as? [String])
        let profile = try #require(ids["instanceProfile"] as? String)
        let eni = try #require(ids["networkInterface"] as? String)
        #expect(instances.count == 3)
        let clusterTag = "kubernetes.io/cluster/\(Self.cluster)"
        let live = ["pending", "running", "stopping", "stopped", "shutting-down"]
        #expect(
            try await session.ec2.describeInstances(filters: [
                EC2Filter(name: "tag-key", values: [clusterTag]), EC2Filter(name: "instance-state-name", values: live),
            ]).count == 3
        )

        let down = try await Executor(runner: GraphRunner(maxConcurrency: 8) { _ in try await Task.sleep(for: .milliseconds(5)) })
            .down(
                teardown: TeardownPlan(blueprint: blueprint),
                config: config,
                observed: state,
                provider: AWSTeardownProvider(session: session, kube: nil),
                events: NullEventHandler()
            )
        #expect(down.isSuccess, "\(down.failed)")
        #expect(try await observer.observe(config).resources.map(\.id.description) == [])
        #expect(
            try await session.ec2.describeInstances(filters: [
                EC2Filter(name: "tag-key", values: [clusterTag]), EC2Filter(name: "instance-state-name", values: live),
            ]).map(\.instanceId) == []
        )
        #expect(
            try await session.ec2.describeLaunchTemplates(filters: [
                EC2Filter(name: "tag:karpenter.k8s.aws/cluster", values: [Self.cluster])
            ]).map(\.launchTemplateId) == []
        )
        #expect(try await session.iam.listInstanceProfiles().map(\.instanceProfileName).contains(profile) == false)
        #expect(
            try await session.ec2.describeNetworkInterfaces(filters: [
                EC2Filter(name: "network-interface-id", values: [eni])
            ]).isEmpty
        )
        #expect(
            try await session.ec2.describeSecurityGroups(filters: [EC2Filter(name: "tag-key", values: [clusterTag])])
                .map(\.groupId) == []
        )
        for role in [names.clusterRole, names.systemNodeRole, names.karpenterControllerRole, names.karpenterNodeRole] {
            await #expect(throws: AWSServiceError.self) { try await session.iam.getRole(roleName: role) }
        }
    }
}
