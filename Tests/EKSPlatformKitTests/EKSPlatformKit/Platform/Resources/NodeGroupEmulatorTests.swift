import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// The system node group's taint and labels changed in platform.yaml, on the AWS emulator (whose
/// `UpdateNodegroupConfig` only adds or updates what `addOrUpdate*` names and only removes what `remove*` names).
@Suite("Engine: node group updates on the AWS emulator")
struct NodeGroupEmulatorTests {
    @Test("a new taint key replaces the old taint, and a dropped label is removed")
    func taintKeyAndLabelChangesReplaceTheOldOnes() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "taints", gitops: false)
        let first = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        let created = try await PlatformEngine(config: config, session: session, parallelism: 8)
            .apply(first, events: NullEventHandler())
        #expect(created.isSuccess, "\(created.failed)")

        config.spec.systemNodeGroup.taint = SystemTaint(key: "dedicated", value: "system", effect: .noSchedule)
        config.spec.systemNodeGroup.labels = ["role": "system"]
        let engine = PlatformEngine(config: config, session: session, parallelism: 8)
        let planned = try await engine.plan()
        let change = try #require(planned.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") })
        #expect(change.action == .update, "\(change.reasons)")
        let updated = try await engine.apply(planned, events: NullEventHandler())
        #expect(updated.isSuccess, "\(updated.failed)")

        let group = try await session.eks.describeNodegroup(clusterName: "taints", nodegroupName: "system")
        #expect(group.taints == [EKSTaint(key: "dedicated", value: "system", effect: "NO_SCHEDULE")])
        #expect(group.labels == ["role": "system"])
        let settled = try await engine.plan()
        #expect(settled.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") }?.action == .noop)
        try await session.shutdown()
    }

    /// Issue 17: one version bump, one `up`: control plane and node group move together, minor by minor, in the
    /// order EKS accepts (the emulator refuses UpdateClusterVersion while a node group is on an older minor).
    @Test("1.32 → 1.34 in one up: cluster, add-ons, node group per minor; then nothing to do")
    func twoMinorUpgradeBringsTheNodeGroupAlong() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "upgrade", gitops: false)
        config.spec.kubernetesVersion = "1.32"
        let first = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        let created = try await PlatformEngine(config: config, session: session, parallelism: 8)
            .apply(first, events: NullEventHandler())
        #expect(created.isSuccess, "\(created.failed)")
        #expect(try await session.eks.describeNodegroup(clusterName: "upgrade", nodegroupName: "system").version == "1.32")

        config.spec.kubernetesVersion = "1.34"
        let engine = PlatformEngine(config: config, session: session, parallelism: 8)
        let planned = try await engine.plan()
        #expect(planned.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") }?.action == .update)
        // EKS's upgrade checks for the minors on the way all pass here.
        #expect(planned.upgradeInsights?.from == "1.32" && planned.upgradeInsights?.to == "1.34")
        #expect(planned.upgradeInsights?.findings == [])
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let upgraded = try await engine.apply(planned, events: NullEventHandler())
        #expect(upgraded.isSuccess, "\(upgraded.failed)")
        let versionCalls = try await EngineEmulatorTests.operations(emulator).filter {
            ["UpdateClusterVersion", "UpdateAddon", "UpdateNodegroupVersion"].contains($0)
        }
        // Control plane, then the add-ons whose default changes with the minor (coredns, kube-proxy, vpc-cni at
        // 1.33; kube-proxy at 1.34, in the emulator's catalogue), then the nodes; then the next minor.
        #expect(
            versionCalls == [
                "UpdateClusterVersion", "UpdateAddon", "UpdateAddon", "UpdateAddon", "UpdateNodegroupVersion",
                "UpdateClusterVersion", "UpdateAddon", "UpdateNodegroupVersion",
            ]
        )
        let kubeProxy = try await session.eks.describeAddon(clusterName: "upgrade", addonName: "kube-proxy")
        #expect(kubeProxy.addonVersion?.hasPrefix("v1.34.") == true, "\(kubeProxy.addonVersion ?? "-")")
        #expect(try await session.eks.describeCluster(name: "upgrade").version == "1.34")
        #expect(try await session.eks.describeNodegroup(clusterName: "upgrade", nodegroupName: "system").version == "1.34")
        let settled = try await engine.plan()
        #expect(!settled.plan.hasChanges, "\(settled.plan.changes.filter { $0.action != .noop })")
        try await session.shutdown()
    }

    /// Issue 17: "replacement without down": instance types (immutable in EKS) change by create-before-destroy.
    @Test("new instance types: the replacement node group is ACTIVE before the old one is deleted; then nothing to do")
    func instanceTypeChangeReplacesCreateBeforeDestroy() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "cbd", gitops: false)
        let first = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        let created = try await PlatformEngine(config: config, session: session, parallelism: 8)
            .apply(first, events: NullEventHandler())
        #expect(created.isSuccess, "\(created.failed)")

        config.spec.systemNodeGroup.instanceTypes = ["m7i.large"]
        let engine = PlatformEngine(config: config, session: session, parallelism: 8)
        let planned = try await engine.plan()
        let change = try #require(planned.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") })
        #expect(change.action == .replace)
        #expect(change.reasons.last == "cannot change in place: a replacement is created and ready before the old one is deleted")
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let replaced = try await engine.apply(planned, events: NullEventHandler())
        #expect(replaced.isSuccess, "\(replaced.failed)")
        let log = try await EngineEmulatorTests.operations(emulator)
        let create = try #require(log.firstIndex(of: "CreateNodegroup"))
        let delete = try #require(log.firstIndex(of: "DeleteNodegroup"))
        #expect(create < delete)
        #expect(log[create..<delete].contains("DescribeNodegroup"), "waited for ACTIVE in between: \(log)")
        let groups = try await session.eks.listNodegroups(clusterName: "cbd")
        #expect(groups.count == 1 && groups.first?.hasPrefix("system-") == true, "\(groups)")
        let group = try await session.eks.describeNodegroup(clusterName: "cbd", nodegroupName: groups.first ?? "")
        #expect(group.instanceTypes == ["m7i.large"])
        #expect(group.taints?.first?.key == "CriticalAddonsOnly")
        let settled = try await engine.plan()
        #expect(!settled.plan.hasChanges, "\(settled.plan.changes.filter { $0.action != .noop })")

        // A later in-place change goes to the replacement's name; and a replacement left half-done (the old group
        // still there, as after a SIGKILL between create and delete) is finished by the next up.
        config.spec.systemNodeGroup.size = .init(min: 2, desired: 2, max: 5)
        let later = PlatformEngine(config: config, session: session, parallelism: 8)
        let old = try await session.eks.describeNodegroup(clusterName: "cbd", nodegroupName: groups.first ?? "")
        try await Task.sleep(for: .seconds(1.1))  // EKS's createdAt has second resolution here
        _ = try await session.eks.createNodegroup(
            clusterName: "cbd",
            EKSCreateNodegroupRequest(
                nodegroupName: "system-newer",
                scalingConfig: EKSScalingConfig(minSize: 2, maxSize: 5, desiredSize: 2),
                subnets: old.subnets ?? [],
                instanceTypes: ["m7i.large"],
                amiType: old.amiType,
                nodeRole: old.nodeRole ?? "",
                labels: old.labels,
                taints: old.taints,
                tags: old.tags
            )
        )
        let resumed = try await later.plan()
        let leftover = ResourceID(.nodeGroup, "system@\(groups.first ?? "")")
        #expect(
            resumed.plan.changes.first { $0.id == leftover }?.action == .delete,
            "\(resumed.plan.changes.filter { $0.action != .noop })"
        )
        #expect(resumed.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") }?.action == .noop)
        let finished = try await later.apply(resumed, events: NullEventHandler())
        #expect(finished.isSuccess, "\(finished.failed)")
        #expect(try await session.eks.listNodegroups(clusterName: "cbd") == ["system-newer"])
        #expect(!(try await later.plan().plan.hasChanges))
        try await session.shutdown()
    }

    /// Issue 17: pinned add-on versions survive an upgrade: the pin is applied wherever it runs on the minor, and a
    /// pin EKS does not run on the new version is refused by plan with the versions that would do.
    @Test("pinned add-ons: 1.32 → 1.34 with new pins in one up; an old pin left in place is refused at plan time")
    func pinnedAddonsFollowTheUpgrade() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "pins", gitops: false)
        config.spec.kubernetesVersion = "1.32"
        // Not the 1.32 defaults (v1.32.6-eksbuild.8, v1.11.4-eksbuild.22): an older kube-proxy, pinned.
        config.spec.addonVersions = ["kube-proxy": "v1.32.6-eksbuild.8", "coredns": "v1.11.4-eksbuild.22"]
        let first = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        let created = try await PlatformEngine(config: config, session: session, parallelism: 8)
            .apply(first, events: NullEventHandler())
        #expect(created.isSuccess, "\(created.failed)")
        #expect(
            try await session.eks.describeAddon(clusterName: "pins", addonName: "coredns").addonVersion == "v1.11.4-eksbuild.22"
        )

        config.spec.kubernetesVersion = "1.34"
        let refusal = await ClientTests.error(PlanRefusal.self) {
            _ = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        }
        #expect(refusal?.code == "plan.addon-version")
        #expect(
            refusal?.message.hasPrefix(
                "add-on coredns is pinned to v1.11.4-eksbuild.22 in platform.yaml, which EKS does not run on Kubernetes 1.34; "
                    + "pin one of v1.12.3-eksbuild.1, v1.12.1-eksbuild.2 (EKS's default is v1.12.3-eksbuild.1)"
            ) == true,
            "\(refusal?.message ?? "-")"
        )

        // New pins for 1.34: coredns's (not the default) runs on 1.33 too, so the upgrade never passes through
        // another version; kube-proxy's runs on 1.34 only, so 1.33 gets that minor's default first.
        config.spec.addonVersions = ["kube-proxy": "v1.34.0-eksbuild.4", "coredns": "v1.12.1-eksbuild.2"]
        let engine = PlatformEngine(config: config, session: session, parallelism: 8)
        let planned = try await engine.plan()
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let upgraded = try await engine.apply(planned, events: NullEventHandler())
        #expect(upgraded.isSuccess, "\(upgraded.failed)")
        let order = try await EngineEmulatorTests.operations(emulator).filter {
            ["UpdateClusterVersion", "UpdateAddon", "UpdateNodegroupVersion"].contains($0)
        }
        #expect(order.first == "UpdateClusterVersion" && order.last == "UpdateNodegroupVersion", "\(order)")
        #expect(order.filter { $0 == "UpdateClusterVersion" }.count == 2)
        for (addon, version) in config.spec.addonVersions {
            #expect(try await session.eks.describeAddon(clusterName: "pins", addonName: addon).addonVersion == version)
        }
        #expect(try await session.eks.describeNodegroup(clusterName: "pins", nodegroupName: "system").version == "1.34")
        let settled = try await engine.plan()
        #expect(!settled.plan.hasChanges, "\(settled.plan.changes.filter { $0.action != .noop })")
        let full = try await PlatformEngine(config: config, session: session, parallelism: 8, fullRefresh: true).plan()
        #expect(!full.plan.hasChanges, "read in full: \(full.plan.changes.filter { $0.action != .noop })")
        try await session.shutdown()
    }

    /// Issue 17: an ERROR upgrade insight (EKS found something the next minor breaks) stops the upgrade before any
    /// write, naming the insight and EKS's recommendation; a WARNING is shown and does not stop it.
    @Test("a planted ERROR upgrade insight stops up before any write; once ignored knowingly, the upgrade runs")
    func errorInsightStopsTheUpgrade() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "insight", gitops: false)
        config.spec.kubernetesVersion = "1.32"
        let first = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        #expect(first.upgradeInsights == nil, "nothing to upgrade yet")
        let created = try await PlatformEngine(config: config, session: session, parallelism: 8)
            .apply(first, events: NullEventHandler())
        #expect(created.isSuccess, "\(created.failed)")

        for (name, status, version) in [
            ("Deprecated APIs removed in Kubernetes v1.33", "ERROR", "1.33"), ("Kubelet version skew", "WARNING", "1.34"),
            ("Deprecated APIs removed in Kubernetes v1.36", "ERROR", "1.36"),
        ] {
            let body: JSONValue = [
                "cluster": "insight", "account": .string(AWSEmulator.accountID), "region": "us-west-2",
                "name": .string(name), "status": .string(status), "kubernetesVersion": .string(version),
                "reason": "Deprecated API usage detected within last 30 days.",
                "recommendation": "Update manifests and API clients to use newer Kubernetes APIs.",
            ]
            _ = try await emulator.post("/_emulator/insights", body: PolicyDocument.canonicalJSON(body))
        }
        config.spec.kubernetesVersion = "1.34"
        let engine = PlatformEngine(config: config, session: session, parallelism: 8)
        let planned = try await engine.plan()
        let insights = try #require(planned.upgradeInsights)
        // Only the minors this upgrade moves through (1.33, 1.34): the 1.36 finding is not this upgrade's.
        #expect(
            insights.findings.map { $0.name ?? "" } == ["Deprecated APIs removed in Kubernetes v1.33", "Kubelet version skew"]
        )
        #expect(insights.hasErrors)
        #expect(
            insights.lines.first
                == "ERROR 1.33 Deprecated APIs removed in Kubernetes v1.33: Deprecated API usage detected within last 30 "
                + "days. Recommendation: Update manifests and API clients to use newer Kubernetes APIs."
        )
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let stopped = await ClientTests.error(UpgradeInsightError.self) {
            _ = try await engine.apply(planned, events: NullEventHandler())
        }
        #expect(
            stopped?.description.hasPrefix("upgrade.insight-error: EKS reports 1 upgrade insight(s) with status ERROR") == true
        )
        #expect(try await EngineEmulatorTests.operations(emulator).isEmpty, "not a single request, let alone a write")
        #expect(try await session.eks.describeCluster(name: "insight").version == "1.32")

        let upgraded = try await engine.apply(planned, events: NullEventHandler(), ignoringInsightErrors: true)
        #expect(upgraded.isSuccess, "\(upgraded.failed)")
        #expect(try await session.eks.describeCluster(name: "insight").version == "1.34")
        try await session.shutdown()
    }

    /// Issue 17: "updates change only what differs": scaling done outside platformctl survives a plan and an update.
    @Test("a desired size changed by an autoscaler is not planned back, and a new max does not resend it")
    func desiredSizeBelongsToTheAutoscaler() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "scaling", gitops: false)
        let first = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        #expect(try await PlatformEngine(config: config, session: session).apply(first, events: NullEventHandler()).isSuccess)
        // An autoscaler (or a person) scales the group to 3.
        _ = try await session.eks.updateNodegroupConfig(
            clusterName: "scaling",
            nodegroupName: "system",
            EKSNodegroupConfigUpdate(scalingConfig: EKSScalingConfig(desiredSize: 3))
        )
        let quiet = try await PlatformEngine(config: config, session: session).plan()
        #expect(quiet.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") }?.action == .noop)

        config.spec.systemNodeGroup.size = .init(min: 2, desired: 2, max: 5)
        let engine = PlatformEngine(config: config, session: session)
        let planned = try await engine.plan()
        #expect(planned.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") }?.reasons == ["maxSize differs: 3 → 5"])
        #expect(try await engine.apply(planned, events: NullEventHandler()).isSuccess)
        let scaling = try await session.eks.describeNodegroup(clusterName: "scaling", nodegroupName: "system").scalingConfig
        #expect(scaling == EKSScalingConfig(minSize: 2, maxSize: 5, desiredSize: 3), "the autoscaler's 3 stays")
        try await session.shutdown()
    }
}
