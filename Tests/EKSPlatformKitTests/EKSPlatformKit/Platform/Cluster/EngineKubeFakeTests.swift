import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

private let sharedCRDs: URL? = PackagePaths.shared?.appendingPathComponent("crds")

/// The cluster phase against KubeFake: Flux from a pinned manifest (built here from `../shared/crds`, read in place),
/// credentials, sync objects and `platform-vars`; a second run writes nothing.
@Suite(
    "Engine: cluster objects on KubeFake",
    .enabled(if: sharedCRDs.map { FileManager.default.fileExists(atPath: $0.path) } ?? false, "needs ../shared/crds")
)
struct EngineKubeFakeTests {
    @Test("apply Flux, credentials, GitRepository, Kustomization, platform-vars; then nothing to do")
    func clusterPhase() async throws {
        let crds = try #require(sharedCRDs)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-kube-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n"
        for file in ["source.toolkit.fluxcd.io_gitrepositories.yaml", "kustomize.toolkit.fluxcd.io_kustomizations.yaml"] {
            manifest += "---\n" + (try String(contentsOf: crds.appendingPathComponent(file), encoding: .utf8))
        }
        let manifestURL = directory.appendingPathComponent("install.yaml")
        try Data(manifest.utf8).write(to: manifestURL)

        var config = EngineFixtures.config(name: "kf")
        config.spec.gitops?.flux = PlatformConfig.Flux(
            version: "v2.9.4",
            manifestURL: manifestURL.absoluteString,
            sha256: StableNames.sha256Hex(Array(manifest.utf8))
        )
        let blueprint = try EngineFixtures.blueprint(config)
        let objects = try #require(blueprint.cluster)

        let fake = try await KubeFakeServer.start()
        let kube = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
        let endpoint = "https://KF.gr7.us-west-2.eks.amazonaws.com"
        let kubeObjects = KubeClusterObjects(
            kube: kube,
            endpoint: { endpoint },
            resolveCredentials: { _, _ in ("-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n", "github.com ssh-ed25519 AAAAtest\n") }
        )
        do {
            var observed = EngineFixtures.matching(blueprint, endpoint: endpoint)
            observed.resources.removeAll { $0.id.kind == .kubernetesObject }
            observed.resources += try await kubeObjects.observe(config, endpoint: endpoint)
            let plan = Planner.plan(blueprint, observed: observed)
            #expect(
                plan.changes.filter { $0.action != .noop }.map(\.id.name) == [
                    "flux-install", "git-credentials", "git-repository", "kustomization", "platform-vars",
                ]
            )
            let session = try AWSSession(
                AWSSessionOptions(region: "us-west-2", environment: [:], credentials: AWSEmulator.credentials)
            )
            let provider = AWSPlatformProvider(session: session, clusterObjects: kubeObjects)
            let summary = try await Executor().up(
                plan: plan,
                blueprint: blueprint,
                observed: observed,
                provider: provider,
                events: NullEventHandler()
            )
            #expect(summary.isSuccess, "\(summary.failed)")

            let vars = try #require(
                fake.object(apiVersion: "v1", kind: "ConfigMap", namespace: "flux-system", name: "platform-vars")
            )
            let data = try #require(vars.foundationValue as? [String: Any])["data"] as? [String: String]
            #expect(data?["CLUSTER_ENDPOINT"] == endpoint)
            #expect(data?["AWS_ACCOUNT_ID"] == EngineFixtures.accountID)
            #expect(data?["KARPENTER_QUEUE_NAME"] == "Karpenter-kf")
            let sync = try #require(
                fake.object(
                    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                    kind: "Kustomization",
                    namespace: "flux-system",
                    name: "flux-system"
                )
            )
            let spec = try #require(sync.foundationValue as? [String: Any])["spec"] as? [String: Any]
            #expect(spec?["path"] as? String == "./kube/clusters/kf")
            #expect(
                fake.object(
                    apiVersion: "source.toolkit.fluxcd.io/v1",
                    kind: "GitRepository",
                    namespace: "flux-system",
                    name: "flux-system"
                ) != nil
            )
            #expect(fake.object(apiVersion: "v1", kind: "Secret", namespace: "flux-system", name: "flux-system") != nil)

            // Second run: observed digests match, so no step runs and nothing is written.
            var again = EngineFixtures.matching(blueprint, endpoint: endpoint)
            again.resources.removeAll { $0.id.kind == .kubernetesObject }
            again.resources += try await kubeObjects.observe(config, endpoint: endpoint)
            let second = Planner.plan(blueprint, observed: again)
            #expect(!second.hasChanges, "\(second.changes.filter { $0.action != .noop })")
            fake.clearRequestLog()
            let rerun = try await Executor().up(
                plan: second,
                blueprint: blueprint,
                observed: again,
                provider: provider,
                events: NullEventHandler()
            )
            #expect(rerun.succeeded.isEmpty)
            #expect(fake.requestLog.filter { $0.method != "GET" }.isEmpty)

            // A tampered manifest is refused before anything is applied.
            var tampered = config
            tampered.spec.gitops?.flux.sha256 = String(repeating: "0", count: 64)
            let tamperedObjects = try #require(try EngineFixtures.blueprint(tampered).cluster)
            let context = ApplyContext(
                platform: EngineFixtures.context,
                config: tampered,
                registry: ResourceRegistry(),
                step: StepContext(stepID: "t", events: NullEventHandler())
            )
            fake.clearRequestLog()
            await #expect(throws: FluxRelease.VerificationError.self) {
                try await kubeObjects.apply(ClusterObjects.fluxInstall, objects: tamperedObjects, context: context)
            }
            #expect(fake.requestLog.filter { $0.method != "GET" }.isEmpty)
        } catch {
            try? await kube.shutdown()
            await fake.shutdown()
            throw error
        }
        try? await kube.shutdown()
        await fake.shutdown()
    }
}

/// The whole `platformctl up` on the AWS emulator and KubeFake (`PLATFORMCTL_KUBE_API`): AWS resources and the cluster
/// phase; then a second `up` makes no mutating AWS call and no Kubernetes write.
@Suite(
    "Engine: platformctl up end to end on the emulator and KubeFake",
    .enabled(if: sharedCRDs.map { FileManager.default.fileExists(atPath: $0.path) } ?? false, "needs ../shared/crds"),
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct EngineEndToEndTests {
    @Test("up from empty, then up again: zero mutating AWS calls, zero Kubernetes writes")
    func upTwice() async throws {
        let crds = try #require(sharedCRDs)
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let fake = try await KubeFakeServer.start()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("engine-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try Data("github.com ssh-ed25519 AAAAC3NzaTESTKEY\n".utf8).write(to: home.appendingPathComponent(".ssh/known_hosts"))
        try Data("-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n".utf8).write(to: home.appendingPathComponent("flux-key"))
        // A deploy key others can read is a preflight finding, as ssh itself would refuse it.
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600],
            ofItemAtPath: home.appendingPathComponent("flux-key").path
        )
        var manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n"
        for file in ["source.toolkit.fluxcd.io_gitrepositories.yaml", "kustomize.toolkit.fluxcd.io_kustomizations.yaml"] {
            manifest += "---\n" + (try String(contentsOf: crds.appendingPathComponent(file), encoding: .utf8))
        }
        let manifestPath = home.appendingPathComponent("install.yaml").path
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: manifestPath))
        let sha = StableNames.sha256Hex(Array(manifest.utf8))
        let text = PlatformTemplate.yaml(name: "e2e", region: "us-west-2")
            .replacingOccurrences(
                of: "flux: { version: v2.9.4 }",
                with: "flux: { version: v2.9.4, manifestURL: \(manifestPath), sha256: \(sha) }"
            )
            .replacingOccurrences(
                of: #"credentials: { sshPrivateKey: "op://Platform/flux-deploy-key/private key" }"#,
                with: "credentials: { file: ~/flux-key }"
            )
        let configPath = home.appendingPathComponent("platform.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
        let env = [
            "AWS_ACCESS_KEY_ID": "AKIAENGINETEST000002", "AWS_SECRET_ACCESS_KEY": "engine-secret", "HOME": home.path,
            "PLATFORMCTL_KUBE_API": fake.baseURL,
        ]
        let common = ["--config", configPath, "--endpoint-url", emulator.endpoint.absoluteString]
        do {
            let up = try await CLI.run(["up", "--yes"] + common, environment: env)
            #expect(up.status == 0, "\(up.stderr)")
            // 39 and the admin access entry of the identity running `up` (not in access.admins).
            #expect(up.stdout.contains("Plan: 40 to create"))
            #expect(!up.stderr.contains("test\n") && !up.stderr.contains(AWSEmulator.accountID))
            #expect(fake.object(apiVersion: "v1", kind: "ConfigMap", namespace: "flux-system", name: "platform-vars") != nil)
            #expect(fake.object(apiVersion: "v1", kind: "Secret", namespace: "flux-system", name: "flux-system") != nil)

            _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
            fake.clearRequestLog()
            let again = try await CLI.run(["up", "--yes"] + common, environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("No changes"), "\(again.stdout)")
            let operations = try await EngineEmulatorTests.operations(emulator)
            #expect(operations.filter { !EngineEmulatorTests.isRead($0) } == [])
            #expect(fake.requestLog.filter { $0.method != "GET" }.map { "\($0.method) \($0.path)" } == [])

            let refused = try await CLI.run(
                ["plan"] + common,
                environment: env.merging(["PLATFORMCTL_KUBE_API": "http://10.0.0.1:6443"]) { _, new in new }
            )
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("only a loopback API server"))
        } catch {
            await fake.shutdown()
            throw error
        }
        await fake.shutdown()
    }
}
