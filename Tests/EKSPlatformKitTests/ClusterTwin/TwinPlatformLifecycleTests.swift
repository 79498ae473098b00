import EKSAWS
import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

/// `platformctl up` and `down` (the built binary) against the AWS emulator and kube-fake while the cluster twin plays
/// Flux, Helm and Karpenter — what `scripts/demo` shows, asserted from the two peers' request logs.
@Suite(
    "Cluster twin: the whole platform, up and down, with Flux, Helm and Karpenter played",
    .enabled(if: TwinCluster.prerequisites && FluxInstallManifest.isAvailable, "../shared (charts, CRDs, Flux) is missing"),
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl"),
    .serialized
)
struct TwinPlatformLifecycleTests {
    /// One platform: emulator, kube-fake, a rendered checkout and a config with Flux's real manifest pinned.
    struct Platform {
        let emulator: AWSEmulator
        let fake: KubeFakeServer
        let home: URL
        let config: PlatformConfig
        let configPath: String
        let environment: [String: String]
        let common: [String]

        static func start(name: String) async throws -> Platform {
            let emulator = try await AWSEmulator.start()
            // Deployments roll out as in the demo; Flux objects are the twin's to mark Ready (kube-fake --no-flux-ready).
            var options = KubeFakeOptions(crdEstablishDelay: 0.05, autoRolloutAfter: 0.05)
            options.markFluxReady = false
            let fake = try await KubeFakeServer.start(options)
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("twin-life-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: home.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
            try Data("github.com ssh-ed25519 AAAAC3NzaTESTKEY\n".utf8).write(to: home.appendingPathComponent(".ssh/known_hosts"))
            let key = home.appendingPathComponent("flux-key")
            try Data("-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n".utf8).write(to: key)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
            let text = PlatformTemplate.yaml(name: name, region: "us-west-2")
                .replacingOccurrences(of: "flux: { version: v2.9.4 }", with: try FluxInstallManifest.fluxLine())
                .replacingOccurrences(
                    of: #"credentials: { sshPrivateKey: "op://Platform/flux-deploy-key/private key" }"#,
                    with: "credentials: { file: ~/flux-key }"
                )
            let configPath = home.appendingPathComponent("platform.yaml").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
            let config = try PlatformConfig.load(contentsOf: URL(fileURLWithPath: configPath))
            // The checkout the twin's source-controller serves as the GitRepository: the render of this very config.
            try GitOpsTreeWriter(directory: home.appendingPathComponent("repo/kube")).write(try GitOpsRenderer.render(config))
            return Platform(
                emulator: emulator,
                fake: fake,
                home: home,
                config: config,
                configPath: configPath,
                environment: [
                    "AWS_ACCESS_KEY_ID": "AKIATWINLIFECYCLE001", "AWS_SECRET_ACCESS_KEY": "twin-secret", "HOME": home.path,
                    "PLATFORMCTL_KUBE_API": fake.baseURL,
                ],
                common: ["--config", configPath, "--endpoint-url", emulator.endpoint.absoluteString, "--yes"]
            )
        }

        /// A client of the emulator for the test's own reads (the account the CLI runs in).
        func session() throws -> AWSSession { try AWSSession(emulator.sessionOptions(region: "us-west-2")) }

        func stop() async {
            await fake.shutdown()
            emulator.stop()
            try? FileManager.default.removeItem(at: home)
        }

        func platformctl(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await CLI.run(arguments + common, environment: environment)
        }

        /// The twin with the system node group's two tainted nodes, reconciling every 200 ms until cancelled.
        func startTwin(helm: String) async throws -> (ClusterTwin, Task<Void, Never>) {
            let twin = ClusterTwin(
                api: TwinAPI(baseURL: fake.baseURL),
                options: .init(
                    checkout: home.appendingPathComponent("repo"),
                    charts: [
                        TwinCluster.karpenterChartURL: try #require(TwinCluster.shared).appendingPathComponent(
                            "charts/karpenter-1.14.1"
                        )
                    ],
                    helm: helm,
                    awsEndpoint: emulator.endpoint,
                    region: "us-west-2",
                    clusterName: config.name
                )
            )
            let system = config.spec.systemNodeGroup
            try await twin.registerNodes(
                names: ["ip-10-42-0-10.us-west-2.compute.internal", "ip-10-42-0-11.us-west-2.compute.internal"],
                labels: system.labels,
                taints: [(system.taint.key, system.taint.value ?? "", system.taint.effect.rawValue)]
            )
            let loop = Task {
                while !Task.isCancelled {
                    try? await twin.reconcileOnce()
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            return (twin, loop)
        }

        /// Polls `condition` every 200 ms for up to `seconds`.
        func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(200))
            }
            return false
        }

        func pods(namespace: String) -> [KubeFakeJSON] {
            fake.objects(apiVersion: "v1", kind: "Pod").filter { $0[path: ["metadata", "namespace"]]?.stringValue == namespace }
        }

        /// The emulator's log since the last clear: operation, caller and time.
        func awsRequests() async throws -> [(operation: String, agent: String, time: Date)] {
            let text = try await emulator.get("/_emulator/requests")
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            return (object?["requests"] as? [[String: Any]] ?? []).map {
                (
                    $0["operation"] as? String ?? "?", $0["agent"] as? String ?? "",
                    Date(timeIntervalSince1970: $0["time"] as? Double ?? 0)
                )
            }
        }
    }

    /// Issue 14's order, proven from both peers' request logs: workloads → NodePools → instances gone →
    /// EC2NodeClasses → Karpenter release gone → Flux objects gone → Flux → AWS.
    @Test func downRemovesThePlatformInTheSafeOrder() async throws {
        let helm = try #require(await ClusterTwin.installHelm(), "helm could not be installed (shared/tools/install-helm)")
        let platform = try await Platform.start(name: "order")
        defer { Task { await platform.stop() } }
        let up = try await platform.platformctl(["up"])
        #expect(up.status == 0, "\(up.stderr)")
        let (twin, loop) = try await platform.startTwin(helm: helm)
        defer { loop.cancel() }
        let converged = try await platform.eventually(180) {
            try await twin.isReady("kustomize.toolkit.fluxcd.io/v1", "Kustomization", namespace: "flux-system", name: "workloads")
                && platform.pods(namespace: "workloads").filter { $0[path: ["status", "phase"]]?.stringValue == "Running" }.count
                    == 3
        }
        let story = await twin.log.suffix(30).joined(separator: "\n")
        #expect(converged, "\(story)")
        let instances = try await platform.session().ec2.describeInstances(filters: [
            EC2Filter(name: "tag:karpenter.sh/nodepool", values: ["default"]),
            EC2Filter(name: "instance-state-name", values: ["pending", "running"]),
        ])
        #expect(instances.count == 1)

        _ = try await platform.emulator.post("/_emulator/requests/clear", body: "{}")
        platform.fake.clearRequestLog()
        let down = try await platform.platformctl(["down"])
        #expect(down.status == 0, "\(down.stdout)\n\(down.stderr)")
        loop.cancel()

        // The cluster's side, from kube-fake's log: who deleted what, when.
        let kube = platform.fake.requestLog.filter { $0.method == "DELETE" && $0.status < 300 }
        func first(_ agent: String, _ suffix: String) -> Date? {
            kube.first { $0.userAgent.hasPrefix(agent) && $0.path.hasSuffix(suffix) }?.date
        }
        func last(_ agent: String, _ contains: String) -> Date? {
            kube.last { $0.userAgent.hasPrefix(agent) && $0.path.contains(contains) }?.date
        }
        let aws = try await platform.awsRequests()
        // The twin's controllers all speak as `cluster-twin`; which one acted shows in the path.
        let fluxObject = kube.last {
            $0.userAgent.hasPrefix("platformctl") && $0.path.contains(".toolkit.fluxcd.io/")
                && !$0.path.contains("/customresourcedefinitions/")
        }
        let steps: [(String, Date?)] = [
            ("Kustomization workloads deleted", first("platformctl", "/kustomizations/workloads")),
            ("workloads pruned (kustomize-controller)", last("cluster-twin", "/namespaces/workloads/")),
            ("NodePools deleted", first("platformctl", "/nodepools/default")),
            ("instances terminated (Karpenter)", aws.first { $0.operation == "TerminateInstances" }?.time),
            ("EC2NodeClasses deleted", first("platformctl", "/ec2nodeclasses/default")),
            ("HelmRelease karpenter deleted", first("platformctl", "/helmreleases/karpenter")),
            ("release uninstalled (helm-controller)", last("cluster-twin", "/secrets/sh.helm.release.v1.karpenter.")),
            ("last Flux object deleted", fluxObject?.date),
            ("Flux uninstalled (its namespace)", first("platformctl", "/namespaces/flux-system")),
            ("AWS teardown starts", aws.first { $0.operation.hasPrefix("Delete") && $0.agent == "platformctl" }?.time),
        ]
        let timeline =
            steps.map { "\($0.0): \($0.1.map { String(format: "%.3f", $0.timeIntervalSince1970) } ?? "never")" }
            + ["kube-fake DELETEs:"]
            + kube.map {
                "  \(String(format: "%.3f", $0.date.timeIntervalSince1970)) \($0.userAgent.prefix { $0 != "/" }) \($0.path)"
            }
        for (name, date) in steps { #expect(date != nil, "\(name) never happened:\n\(timeline.joined(separator: "\n"))") }
        let dates = steps.compactMap(\.1)
        #expect(dates == dates.sorted(), "out of order:\n\(timeline.joined(separator: "\n"))")
        // "Instances gone" is observed, not assumed: down asked EC2 after the termination and before the classes.
        if let terminated = steps[3].1, let classes = steps[4].1 {
            #expect(
                aws.contains {
                    $0.operation == "DescribeInstances" && $0.agent == "platformctl" && $0.time > terminated && $0.time < classes
                },
                "down deleted the EC2NodeClasses without seeing the instances terminated"
            )
        }
        // Flux's CRDs go by name after its namespace; nothing Karpenter launched is left running.
        #expect(first("platformctl", "/customresourcedefinitions/kustomizations.kustomize.toolkit.fluxcd.io") != nil)
        let left = try await platform.session().ec2.describeInstances(filters: [
            EC2Filter(name: "tag:karpenter.sh/nodepool", values: ["default"]),
            EC2Filter(name: "instance-state-name", values: ["pending", "running", "stopping", "stopped"]),
        ])
        #expect(left.isEmpty)
    }

    /// Without EKS's cluster security group among Karpenter's (what `up` did before issue 13 item 1), the node the
    /// twin launches cannot reach CoreDNS: its NodeClaim stays `CoreDNSUnreachable`, the pods stay Pending, the
    /// workloads never turn Ready — and `status` says why. `down` still removes everything.
    @Test func aKarpenterNodeThatCannotReachCoreDNSFailsLoudly() async throws {
        let helm = try #require(await ClusterTwin.installHelm(), "helm could not be installed (shared/tools/install-helm)")
        let platform = try await Platform.start(name: "nodns")
        defer { Task { await platform.stop() } }
        let up = try await platform.platformctl(["up"])
        #expect(up.status == 0, "\(up.stderr)")
        let session = try platform.session()
        let clusterGroup = try #require(
            try await session.eks.describeCluster(name: "nodns").resourcesVpcConfig?.clusterSecurityGroupId
        )
        try await session.ec2.deleteTags(
            resourceIds: [clusterGroup],
            tags: [EC2Tag(key: "karpenter.sh/discovery", value: "nodns")]
        )
        let (twin, loop) = try await platform.startTwin(helm: helm)
        defer { loop.cancel() }
        let blocked = try await platform.eventually(180) {
            platform.fake.objects(apiVersion: "karpenter.sh/v1", kind: "NodeClaim").contains {
                $0.condition("Ready")?["reason"]?.stringValue == ClusterTwin.coreDNSUnreachable
            }
        }
        let log = await twin.log
        #expect(blocked, "\(log.suffix(30).joined(separator: "\n"))")
        let claim = try #require(platform.fake.objects(apiVersion: "karpenter.sh/v1", kind: "NodeClaim").first)
        #expect(
            claim.condition("Ready")?["message"]?.stringValue?.hasPrefix(
                "Karpenter nodes → CoreDNS on the system nodes (UDP/TCP 53): BLOCKED (UDP/TCP by the security groups)"
            ) == true,
            "\(claim)"
        )
        #expect(await twin.log.contains { $0.hasPrefix("BLOCKED: NodeClaim/") } == true)
        try await Task.sleep(for: .seconds(2))
        #expect(platform.pods(namespace: "workloads").allSatisfy { $0[path: ["spec", "nodeName"]] == nil })
        #expect(
            try await !twin.isReady(
                "kustomize.toolkit.fluxcd.io/v1",
                "Kustomization",
                namespace: "flux-system",
                name: "workloads"
            )
        )
        // The platform's own check reports the same path from the same rules.
        let status = try await CLI.run(
            ["status", "--config", platform.configPath, "--endpoint-url", platform.emulator.endpoint.absoluteString],
            environment: platform.environment
        )
        #expect(status.stdout.contains("Karpenter nodes → CoreDNS on the system nodes (UDP/TCP 53): BLOCKED"), "\(status.stdout)")

        let down = try await platform.platformctl(["down"])
        #expect(down.status == 0, "\(down.stdout)\n\(down.stderr)")
        loop.cancel()
        let left = try await session.ec2.describeInstances(filters: [
            EC2Filter(name: "tag:karpenter.sh/nodepool", values: ["default"]),
            EC2Filter(name: "instance-state-name", values: ["pending", "running", "stopping", "stopped"]),
        ])
        #expect(left.isEmpty)
    }
}
