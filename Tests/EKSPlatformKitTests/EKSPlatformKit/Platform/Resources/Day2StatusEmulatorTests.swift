import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

/// Issue 17, day 2 on the AWS emulator: what `status` says about versions (add-ons against EKS's default, the node
/// group's AMI release against the latest published), `plan`'s add-on version drift, and moving the nodes to the
/// latest AMI release in place.
@Suite("Engine: add-on versions and node AMI releases on the AWS emulator")
struct Day2StatusEmulatorTests {
    static func create(_ config: PlatformConfig, _ session: AWSSession) async throws {
        let first = try await PlatformEngine(config: config, session: session).plan()
        let created = try await PlatformEngine(config: config, session: session).apply(first, events: NullEventHandler())
        #expect(created.isSuccess, "\(created.failed)")
    }

    @Test("status: each add-on's version, EKS's default for the minor, and the pin that holds it back; bounded reads")
    func statusShowsAddonVersions() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "versions", gitops: false)
        config.spec.kubernetesVersion = "1.33"
        // The emulator's 1.33 defaults are kube-proxy v1.33.3-eksbuild.6 and coredns v1.12.3-eksbuild.1.
        config.spec.addonVersions = ["kube-proxy": "v1.33.0-eksbuild.2", "coredns": "v1.12.1-eksbuild.2"]
        try await Self.create(config, session)

        // coredns's pin is dropped: the add-on stays where it is (unpinned add-ons move at the next upgrade).
        config.spec.addonVersions = ["kube-proxy": "v1.33.0-eksbuild.2"]
        let engine = PlatformEngine(config: config, session: session)
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let status = try await engine.status()
        let byName = Dictionary(uniqueKeysWithValues: status.addons.map { ($0.name, $0) })
        #expect(byName.keys.sorted() == ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"])
        let kubeProxy = try #require(byName["kube-proxy"])
        #expect(kubeProxy.installed == "v1.33.0-eksbuild.2" && kubeProxy.defaultVersion == "v1.33.3-eksbuild.6")
        #expect(kubeProxy.pinned == "v1.33.0-eksbuild.2" && kubeProxy.newerDefaultExists && kubeProxy.heldBackByPin)
        let coredns = try #require(byName["coredns"])
        #expect(coredns.installed == "v1.12.1-eksbuild.2" && coredns.defaultVersion == "v1.12.3-eksbuild.1")
        #expect(coredns.newerDefaultExists && !coredns.heldBackByPin && coredns.pinned == nil)
        let vpcCNI = try #require(byName["vpc-cni"])
        #expect(vpcCNI.installed == vpcCNI.defaultVersion && !vpcCNI.newerDefaultExists, "\(vpcCNI)")
        #expect(kubeProxy.kubernetesVersion == "1.33")
        // One DescribeAddonVersions per add-on for status, plus plan's one per pinned add-on (its pin check).
        let operations = try await EngineEmulatorTests.operations(emulator)
        #expect(operations.filter { $0 == "DescribeAddonVersions" }.count == 4 + config.spec.addonVersions.count)
        #expect(operations.filter { !EngineEmulatorTests.isRead($0) } == [], "status writes nothing")

        // A plain plan reads no add-on catalogue for status's sake: the only DescribeAddonVersions are the pin check's.
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        _ = try await engine.plan()
        #expect(
            try await EngineEmulatorTests.operations(emulator).filter { $0 == "DescribeAddonVersions" }.count
                == config.spec.addonVersions.count
        )
        try await session.shutdown()
    }

    @Test("plan shows add-on version drift from the pin (and from a change made outside, read in full); up repairs it")
    func planShowsAddonVersionDrift() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "drift", gitops: false)
        config.spec.kubernetesVersion = "1.33"
        config.spec.addonVersions = ["kube-proxy": "v1.33.0-eksbuild.2"]
        try await Self.create(config, session)

        config.spec.addonVersions = ["kube-proxy": "v1.33.3-eksbuild.6"]
        let engine = PlatformEngine(config: config, session: session)
        let planned = try await engine.plan()
        let change = try #require(planned.plan.change(ResourceID(.addon, "kube-proxy")))
        #expect(change.action == .update)
        #expect(change.reasons.contains("addonVersion differs: v1.33.0-eksbuild.2 → v1.33.3-eksbuild.6"), "\(change.reasons)")
        #expect(try await engine.apply(planned, events: NullEventHandler()).isSuccess)
        #expect(
            try await session.eks.describeAddon(clusterName: "drift", addonName: "kube-proxy").addonVersion
                == "v1.33.3-eksbuild.6"
        )
        #expect(!(try await engine.plan().plan.hasChanges))

        // Someone moves the add-on outside platformctl: a full refresh names the drift from the pin.
        _ = try await session.eks.updateAddon(
            clusterName: "drift",
            addonName: "kube-proxy",
            EKSAddonRequest(addonVersion: "v1.33.0-eksbuild.2", resolveConflicts: "PRESERVE")
        )
        let full = try await PlatformEngine(config: config, session: session, fullRefresh: true).plan()
        #expect(
            full.plan.change(ResourceID(.addon, "kube-proxy"))?.reasons
                == ["addonVersion differs: v1.33.0-eksbuild.2 → v1.33.3-eksbuild.6"]
        )
        try await session.shutdown()
    }

    @Test("a version bump's plan names each add-on's moves to EKS's default per minor; up makes exactly those")
    func upgradePlanShowsAddonDefaults() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "bump", gitops: false)
        config.spec.kubernetesVersion = "1.32"
        try await Self.create(config, session)

        config.spec.kubernetesVersion = "1.34"
        let engine = PlatformEngine(config: config, session: session)
        let planned = try await engine.plan()
        let reasons = try #require(planned.plan.change(ResourceID(.cluster, "main"))?.reasons)
        // The emulator's catalogue: defaults at 1.32, 1.33, 1.34. eks-pod-identity-agent's default never changes.
        #expect(
            reasons == [
                "version differs: 1.32 → 1.34",
                "add-on coredns: v1.11.4-eksbuild.22 → v1.12.3-eksbuild.1 (1.33)",
                "add-on kube-proxy: v1.32.6-eksbuild.8 → v1.33.3-eksbuild.6 (1.33) → v1.34.0-eksbuild.4 (1.34)",
                "add-on vpc-cni: v1.19.6-eksbuild.7 → v1.20.4-eksbuild.2 (1.33)",
            ]
        )
        #expect(try await engine.apply(planned, events: NullEventHandler()).isSuccess)
        for (addon, version) in [
            ("coredns", "v1.12.3-eksbuild.1"), ("kube-proxy", "v1.34.0-eksbuild.4"), ("vpc-cni", "v1.20.4-eksbuild.2"),
            ("eks-pod-identity-agent", "v1.3.8-eksbuild.2"),
        ] {
            #expect(try await session.eks.describeAddon(clusterName: "bump", addonName: addon).addonVersion == version)
        }
        // Nothing left to move: the next plan is empty and reads no add-on catalogue.
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        #expect(!(try await engine.plan().plan.hasChanges))
        #expect(!(try await EngineEmulatorTests.operations(emulator).contains("DescribeAddonVersions")))
        try await session.shutdown()
    }

    @Test("node AMI release: status shows release and latest; the latest policy rolls the nodes in place, once")
    func nodeGroupRollsToTheLatestAMIRelease() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let config = EngineFixtures.config(name: "ami", gitops: false)
        try await Self.create(config, session)
        let keep = PlatformEngine(config: config, session: session)
        let latest = PlatformEngine(config: config, session: session, nodeAMIReleases: .latest)

        // Created on the newest release there is: nothing to roll.
        let before = try #require(try await keep.status().nodeAMIReleases.first)
        #expect(before.nodeGroup == "system" && before.amiType == "AL2023_x86_64_STANDARD")
        #expect(before.releaseVersion == "1.33.5-20251112" && before.latestReleaseVersion == "1.33.5-20251112")
        #expect(!before.isBehind)
        #expect(!(try await latest.plan().plan.hasChanges), "already on the latest release")

        // EKS publishes a newer AMI release for 1.33.
        _ = try await emulator.post(
            "/_emulator/ami-releases",
            body: #"{"kubernetesVersion": "1.33", "releaseVersion": "1.33.7-20251203"}"#
        )
        let behind = try #require(try await keep.status().nodeAMIReleases.first)
        #expect(behind.releaseVersion == "1.33.5-20251112" && behind.latestReleaseVersion == "1.33.7-20251203")
        #expect(behind.isBehind)
        let unchanged = try await keep.plan()
        #expect(!unchanged.plan.hasChanges, "without the policy no release change is planned")

        let planned = try await latest.plan()
        let change = try #require(planned.plan.change(ResourceID(.nodeGroup, "system")))
        #expect(change.action == .update)
        #expect(change.reasons == ["releaseVersion differs: 1.33.5-20251112 → 1.33.7-20251203"])
        #expect(planned.plan.changes.filter { $0.action != .noop }.count == 1)
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let rolled = try await latest.apply(planned, events: NullEventHandler())
        #expect(rolled.isSuccess, "\(rolled.failed)")
        let log = try await EngineEmulatorTests.operations(emulator)
        #expect(log.filter { $0 == "UpdateNodegroupVersion" }.count == 1, "\(log)")
        let update = try #require(log.firstIndex(of: "UpdateNodegroupVersion"))
        #expect(log[update...].contains("DescribeUpdate"), "waited for the update: \(log)")
        #expect(!log.contains("UpdateNodegroupConfig") && !log.contains("UpdateClusterVersion"))
        let group = try await session.eks.describeNodegroup(clusterName: "ami", nodegroupName: "system")
        #expect(group.releaseVersion == "1.33.7-20251203" && group.version == "1.33")
        #expect(!(try await latest.plan().plan.hasChanges), "the next plan with the policy is empty")
        #expect(try #require(try await keep.status().nodeAMIReleases.first).isBehind == false)
        try await session.shutdown()
    }

    @Test("an AMI type without a documented release parameter: status says unknown, the latest policy refuses to guess")
    func unknownLatestReleaseIsNotGuessed() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "win", gitops: false)
        config.spec.systemNodeGroup.amiType = "WINDOWS_CORE_2022_x86_64"
        try await Self.create(config, session)
        let group = try #require(try await PlatformEngine(config: config, session: session).status().nodeAMIReleases.first)
        #expect(group.latestReleaseVersion == nil && !group.isBehind)
        #expect(group.latestUnknownReason == "EKS documents no latest-release parameter for AMI type WINDOWS_CORE_2022_x86_64")
        let refusal = await ClientTests.error(PlanRefusal.self) {
            _ = try await PlatformEngine(config: config, session: session, nodeAMIReleases: .latest).plan()
        }
        #expect(refusal?.code == "plan.node-ami-release")
        #expect(
            refusal?.message.contains("EKS documents no latest-release parameter for it") == true,
            "\(refusal?.message ?? "-")"
        )
        try await session.shutdown()
    }

    @Test("the latest-release parameter per AMI type, and unknown where EKS documents none")
    func latestReleaseParameters() {
        #expect(
            ResourceSpec.NodeGroup.latestReleaseParameter(amiType: "AL2023_x86_64_STANDARD", kubernetesVersion: "1.33")
                == "/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/release_version"
        )
        #expect(
            ResourceSpec.NodeGroup.latestReleaseParameter(amiType: "AL2023_ARM_64_STANDARD", kubernetesVersion: "1.34")
                == "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/arm64/standard/recommended/release_version"
        )
        #expect(
            ResourceSpec.NodeGroup.latestReleaseParameter(amiType: "BOTTLEROCKET_ARM_64_NVIDIA", kubernetesVersion: "1.33")
                == "/aws/service/bottlerocket/aws-k8s-1.33-nvidia/arm64/latest/image_version"
        )
        for unknown in ["WINDOWS_CORE_2022_x86_64", "CUSTOM", "SOMETHING_NEW"] {
            #expect(ResourceSpec.NodeGroup.latestReleaseParameter(amiType: unknown, kubernetesVersion: "1.33") == nil)
        }
    }
}

/// The same through `platformctl`: `status` (text and JSON) and `plan`/`up --refresh-node-ami`.
@Suite(
    "platformctl: versions in status and --refresh-node-ami",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct Day2StatusCLITests {
    @Test("status shows add-on versions and the node group's release; up --refresh-node-ami rolls it, then plan is empty")
    func statusAndRefreshNodeAMI() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("day2-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("platform.yaml").path
        var text = PlatformTemplate.yaml(name: "day2", region: "us-west-2")
        if let range = text.range(of: "  gitops:"), let tags = text.range(of: "  tags:") {
            text.removeSubrange(range.lowerBound..<tags.lowerBound)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        // The cluster's API is KubeFake with Karpenter's CRDs (../shared/crds, read in place) and one drifted NodeClaim.
        let fake = try await KubeFakeServer.start()
        defer { Task { await fake.shutdown() } }
        let kube = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
        let crds = try #require(PackagePaths.shared).appendingPathComponent("crds")
        var manifest = ""
        for file in ["karpenter.sh_nodepools.yaml", "karpenter.sh_nodeclaims.yaml"] {
            manifest += "---\n" + (try String(contentsOf: crds.appendingPathComponent(file), encoding: .utf8))
        }
        _ = try await kube.applyManifest(manifest)
        for name in ["default-a1", "default-b2"] {
            try await kube.apply(ClusterStatusKubeFakeTests.nodeClaim(name, pool: "default"))
        }
        try await ClusterStatusKubeFakeTests.setCondition(
            kube,
            name: "default-a1",
            type: "Drifted",
            status: "True",
            reason: "AMIDrift"
        )
        try? await kube.shutdown()
        let env = [
            "AWS_ACCESS_KEY_ID": "AKIADAY2TEST00000001", "AWS_SECRET_ACCESS_KEY": "day2-secret",
            "PLATFORMCTL_KUBE_API": fake.baseURL,
        ]
        let common = ["--config", path, "--endpoint-url", emulator.endpoint.absoluteString]
        let up = try await CLI.run(["up", "--yes"] + common, environment: env)
        #expect(up.status == 0, "\(up.stderr)")
        _ = try await emulator.post(
            "/_emulator/ami-releases",
            body: #"{"kubernetesVersion": "1.33", "releaseVersion": "1.33.7-20251203"}"#
        )

        let status = try await CLI.run(["status"] + common, environment: env)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(
            status.stdout.contains(
                "system  AL2023_x86_64_STANDARD  Kubernetes 1.33  release 1.33.5-20251112  latest 1.33.7-20251203 (newer;"
            ),
            "\(status.stdout)"
        )
        #expect(status.stdout.contains("add-ons on Kubernetes 1.33 (VERSION, EKS DEFAULT):"), "\(status.stdout)")
        #expect(status.stdout.contains("  NodePool/default: 1 drifted\n    NodeClaim/default-a1 (AMIDrift)"), "\(status.stdout)")
        let json = try await CLI.run(["status", "-o", "json"] + common, environment: env)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let groups = try #require(object["nodeGroups"] as? [[String: Any]])
        #expect(groups.count == 1)
        #expect(groups.first?["releaseVersion"] as? String == "1.33.5-20251112")
        #expect(groups.first?["latestReleaseVersion"] as? String == "1.33.7-20251203")
        #expect(groups.first?["behind"] as? Bool == true)
        #expect(object["driftedPerNodePool"] as? [String: Int] == ["default": 1])
        let drifted = try #require(object["driftedNodeClaims"] as? [[String: Any]])
        #expect(drifted.count == 1 && drifted.first?["name"] as? String == "default-a1")
        let addons = try #require(object["addons"] as? [[String: Any]])
        #expect(
            addons.compactMap { $0["name"] as? String }.sorted() == [
                "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni",
            ]
        )
        #expect(addons.allSatisfy { $0["defaultVersion"] is String && $0["newerDefaultExists"] as? Bool == false })

        let quiet = try await CLI.run(["plan", "--detailed-exitcode"] + common, environment: env)
        #expect(quiet.status == 0, "without the flag a new release changes nothing: \(quiet.stdout)")
        let preview = try await CLI.run(["plan", "--detailed-exitcode", "--refresh-node-ami"] + common, environment: env)
        #expect(preview.status == 2, "\(preview.stderr)")
        #expect(preview.stdout.contains("releaseVersion differs: 1.33.5-20251112 → 1.33.7-20251203"), "\(preview.stdout)")
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let rolled = try await CLI.run(["up", "--yes", "--refresh-node-ami"] + common, environment: env)
        #expect(rolled.status == 0, "\(rolled.stderr)")
        #expect(try await EngineEmulatorTests.operations(emulator).filter { $0 == "UpdateNodegroupVersion" }.count == 1)
        let settled = try await CLI.run(["plan", "--detailed-exitcode", "--refresh-node-ami"] + common, environment: env)
        #expect(settled.status == 0, "\(settled.stdout)")
    }
}
