import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// Karpenter's nodes and the system nodes in a security group they share, on the AWS emulator (whose CreateCluster
/// makes EKS's cluster security group: self-referencing ingress, EKS's tags, `clusterSecurityGroupId`).
@Suite("Engine: Karpenter's nodes reach the system nodes through the cluster security group (AWS emulator)")
struct ClusterSecurityGroupEmulatorTests {
    @Test("after up every node path is reachable and the cluster group carries the discovery tag; down removes it first")
    func karpenterNodesShareTheClusterSecurityGroup() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let config = EngineFixtures.config(name: "sgs", gitops: false)
        let observer = AWSPlatformObserver(session: session)
        let executor = Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })

        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        let tagID = ResourceID(.addedTags, "cluster-security-group")
        #expect(plan.changes.first { $0.id == tagID }?.action == .create)
        let summary = try await executor.up(
            plan: plan,
            blueprint: blueprint,
            observed: try await observer.observe(config),
            provider: AWSPlatformProvider(session: session),
            events: NullEventHandler()
        )
        #expect(summary.isSuccess, "\(summary.failed)")
        guard summary.isSuccess else { return }

        let cluster = try await session.eks.describeCluster(name: "sgs")
        let groupID = try #require(cluster.resourcesVpcConfig?.clusterSecurityGroupId)
        let group = try #require(try await session.ec2.describeSecurityGroups(groupIds: [groupID]).first)
        let tags = Dictionary(uniqueKeysWithValues: group.tags.map { ($0.key, $0.value) })
        #expect(tags["karpenter.sh/discovery"] == "sgs")
        #expect(tags["eksplatform.io/added-tags/sgs"] == "karpenter.sh/discovery")
        #expect(tags["eksplatform.io/cluster"] == nil, "EKS's group is not the platform's to sweep")

        // What Karpenter selects (its EC2NodeClass's discovery tag) and where EKS puts the system nodes meet.
        let karpenterGroups = try await session.ec2.describeSecurityGroups(filters: [
            EC2Filter(name: "tag:karpenter.sh/discovery", values: ["sgs"])
        ])
        #expect(Set(karpenterGroups.map(\.groupId)).contains(groupID))
        let reachability = try #require(try await NodeReachability.read(config: config, session: session))
        #expect(reachability.allReachable, "\(reachability.checks.filter { !$0.isReachable })")
        #expect(
            reachability.checks.map(\.description).contains(
                "Karpenter nodes → CoreDNS on the system nodes (UDP/TCP 53): reachable"
            )
        )

        let (_, settled) = try await Planner.plan(config, observer: observer)
        #expect(settled.changes.first { $0.id == tagID }?.action == .noop)

        // down takes the tag off before it deletes the cluster (EKS then deletes its group).
        let teardown = TeardownPlan(blueprint: blueprint)
        let actions = teardown.actions
        let untag = try #require(actions.firstIndex(of: .deleteResource(tagID)))
        let deleteCluster = try #require(actions.firstIndex(of: .deleteResource(ResourceID(.cluster, "main"))))
        #expect(untag < deleteCluster)
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let down = try await executor.down(
            teardown: teardown,
            config: config,
            observed: try await observer.observe(config),
            provider: AWSTeardownProvider(session: session, kube: nil),
            events: NullEventHandler()
        )
        #expect(down.isSuccess, "\(down.failed)")
        #expect(try await EngineEmulatorTests.operations(emulator).contains("DeleteTags"))
        let left = try await session.ec2.describeSecurityGroups(filters: [
            EC2Filter(name: "tag:karpenter.sh/discovery", values: ["sgs"])
        ])
        #expect(left.isEmpty, "\(left.map(\.groupId))")
    }
}
