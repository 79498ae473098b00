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
