import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

/// A "next" Flux release made at test time from the real `../shared/flux/install-v2.9.4.yaml` (never committed): every
/// `v2.9.4` becomes `v2.9.5`, each controller image's patch version goes up by one, the `allow-scraping`
/// NetworkPolicy and the `buckets` CRD are gone, and a ConfigMap is new.
struct SyntheticFluxRelease {
    static let version = "v2.9.5"
    static let droppedPolicy = "allow-scraping"
    static let droppedCRD = "buckets.source.toolkit.fluxcd.io"
    static let addedConfigMap = "flux-release-notes"

    let file: URL
    let text: String
    var sha256: String { StableNames.sha256Hex(Array(text.utf8)) }

    static func make() throws -> SyntheticFluxRelease {
        let original = String(decoding: try FluxInstallManifest.bytes(), as: UTF8.self)
        var documents = original.components(separatedBy: "\n---\n")
        let before = documents.count
        documents.removeAll { document in
            (document.contains("\nkind: NetworkPolicy\n") && document.contains("\n  name: \(droppedPolicy)\n"))
                || (document.contains("\nkind: CustomResourceDefinition\n") && document.contains("\n  name: \(droppedCRD)\n"))
        }
        #expect(documents.count == before - 2, "the manifest no longer has the objects the test drops")
        documents.append(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              labels:
                app.kubernetes.io/instance: flux-system
                app.kubernetes.io/part-of: flux
                app.kubernetes.io/version: v2.9.4
              name: \(addedConfigMap)
              namespace: flux-system
            data:
              release: next
            """
        )
        let text = documents.joined(separator: "\n---\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> String in
                var line = String(line).replacingOccurrences(of: "v2.9.4", with: version)
                if line.contains("image: ghcr.io/fluxcd/"), let colon = line.lastIndex(of: ":") {
                    let tag = line[line.index(after: colon)...]
                    var parts = tag.split(separator: ".").map(String.init)
                    if let patch = parts.last.flatMap({ Int($0) }) { parts[parts.count - 1] = String(patch + 1) }
                    line = String(line[...colon]) + parts.joined(separator: ".")
                }
                return line
            }
            .joined(separator: "\n")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flux-install-\(version)-\(UUID().uuidString.prefix(8)).yaml"
        )
        try text.write(to: file, atomically: true, encoding: .utf8)
        return SyntheticFluxRelease(file: file, text: text)
    }
}

/// `gitops.flux.version` (and its pinned digest) bumped: `up` applies the new manifest, waits for the controllers'
/// rollouts, prunes what the old manifest had and the new lacks (never a CRD), and `render` follows the version.
@Suite(
    "Engine: a Flux version bump on KubeFake",
    .enabled(if: FluxInstallManifest.isAvailable, "needs ../shared/flux/install-v2.9.4.yaml")
)
struct FluxUpgradeKubeFakeTests {
    static let controllers = ["helm-controller", "kustomize-controller", "notification-controller", "source-controller"]

    @Test("v2.9.4 → a pinned next release: new objects applied, rollouts waited for, dropped objects pruned, CRDs kept")
    func bumpAppliesWaitsAndPrunes() async throws {
        var config = EngineFixtures.config(name: "kf")
        config.spec.gitops?.flux = try FluxInstallManifest.fluxSettings()
        let next = try SyntheticFluxRelease.make()
        defer { try? FileManager.default.removeItem(at: next.file) }

        // Rollouts finish half a second after each change, so an install that did not wait would end before them.
        let fake = try await EngineKubeFakeTests.startFake(rollout: 0.5)
        let kube = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
        let endpoint = "https://KF.gr7.us-west-2.eks.amazonaws.com"
        let kubeObjects = KubeClusterObjects(
            kube: kube,
            endpoint: { endpoint },
            resolveCredentials: { _, _ in ("-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n", "github.com ssh-ed25519 AAAAtest\n") }
        )
        let session = try AWSSession(
            AWSSessionOptions(region: "us-west-2", environment: [:], credentials: AWSEmulator.credentials)
        )
        let provider = AWSPlatformProvider(session: session, clusterObjects: kubeObjects)
        func up(_ config: PlatformConfig) async throws -> Plan {
            let blueprint = try EngineFixtures.blueprint(config)
            var observed = EngineFixtures.matching(blueprint, endpoint: endpoint)
            observed.resources.removeAll { $0.id.kind == .kubernetesObject }
            observed.resources += try await kubeObjects.observe(config, endpoint: endpoint)
            let plan = Planner.plan(blueprint, observed: observed)
            let summary = try await Executor().up(
                plan: plan,
                blueprint: blueprint,
                observed: observed,
                provider: provider,
                events: NullEventHandler()
            )
            #expect(summary.isSuccess, "\(summary.failed)")
            return plan
        }
        do {
            _ = try await up(config)
            #expect(
                try await kube.get(
                    apiVersion: "networking.k8s.io/v1",
                    kind: "NetworkPolicy",
                    name: SyntheticFluxRelease.droppedPolicy,
                    namespace: "flux-system"
                ) != nil
            )

            // The bump: version and digest pinned in platform.yaml, the manifest served from its file.
            var bumped = config
            bumped.spec.gitops?.flux = PlatformConfig.Flux(
                version: SyntheticFluxRelease.version,
                manifestURL: next.file.path,
                sha256: next.sha256
            )
            fake.clearRequestLog()
            let plan = try await up(bumped)
            #expect(plan.changes.filter { $0.action != .noop }.map(\.id.name) == ["flux-install"])
            let change = plan.changes.first { $0.id.name == "flux-install" }
            #expect(change?.action == .update)
            #expect(change?.reasons == ["Flux v2.9.4 → \(SyntheticFluxRelease.version)"])

            // The new objects are applied: images and version labels of the next release, the new ConfigMap.
            let documents = try YAML.decodeDocuments(next.text).filter { $0 != .null }
            for controller in Self.controllers {
                let live = try #require(
                    try await kube.get(apiVersion: "apps/v1", kind: "Deployment", name: controller, namespace: "flux-system")
                )
                let wanted = documents.first {
                    $0["kind"]?.stringValue == "Deployment" && $0["metadata"]?["name"]?.stringValue == controller
                }
                let image = wanted?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue
                #expect(image != nil)
                #expect(live["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue == image)
                #expect(live["metadata"]?["labels"]?["app.kubernetes.io/version"]?.stringValue == SyntheticFluxRelease.version)
                // Rolled out before up ended: the new generation observed and available.
                #expect(KubeClient.rolloutVerdict(live) == .satisfied, "\(controller) was not rolled out when up ended")
            }
            #expect(
                try await kube.get(
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    name: SyntheticFluxRelease.addedConfigMap,
                    namespace: "flux-system"
                ) != nil
            )
            // Pruned: the NetworkPolicy the next release dropped. Kept: the CRD it dropped (deleting it would delete
            // every object of its kind).
            #expect(
                try await kube.get(
                    apiVersion: "networking.k8s.io/v1",
                    kind: "NetworkPolicy",
                    name: SyntheticFluxRelease.droppedPolicy,
                    namespace: "flux-system"
                ) == nil
            )
            #expect(
                try await kube.get(
                    apiVersion: "apiextensions.k8s.io/v1",
                    kind: "CustomResourceDefinition",
                    name: SyntheticFluxRelease.droppedCRD
                ) != nil
            )
            // The request log: every controller's Deployment was watched after it was changed and before the install
            // was recorded; the prune came after the rollouts.
            let log = fake.requestLog
            let stamp = try #require(log.lastIndex { $0.method == "PATCH" && $0.path == "/api/v1/namespaces/flux-system" })
            let prune = try #require(
                log.firstIndex {
                    $0.method == "DELETE"
                        && $0.path
                            == "/apis/networking.k8s.io/v1/namespaces/flux-system/networkpolicies/\(SyntheticFluxRelease.droppedPolicy)"
                }
            )
            for controller in Self.controllers {
                let path = "/apis/apps/v1/namespaces/flux-system/deployments/\(controller)"
                let changed = try #require(log.lastIndex { $0.method == "PATCH" && $0.path == path })
                let watched = log[changed..<stamp].contains {
                    $0.method == "GET" && $0.path.hasPrefix("/apis/apps/v1/namespaces/flux-system/deployments")
                        && ($0.path.hasSuffix("/\(controller)") || $0.query.contains(controller))
                }
                #expect(watched, "up did not wait for \(controller) to roll out")
                #expect(changed < prune)
            }
            #expect(!log.contains { $0.method == "DELETE" && $0.path.contains("customresourcedefinitions") })

            // The inventory now records the next release, and another up has nothing to do.
            let namespace = try await kube.get(apiVersion: "v1", kind: "Namespace", name: "flux-system")
            let inventory = namespace?["metadata"]?["annotations"]?[ClusterObjects.fluxInventoryAnnotation]?.stringValue ?? ""
            #expect(inventory.contains("v1|ConfigMap|flux-system|\(SyntheticFluxRelease.addedConfigMap)"))
            #expect(!inventory.contains(SyntheticFluxRelease.droppedPolicy))
            fake.clearRequestLog()
            let again = try await up(bumped)
            #expect(!again.hasChanges)
            #expect(fake.requestLog.filter { $0.method != "GET" }.isEmpty)
        } catch {
            try? await kube.shutdown()
            await fake.shutdown()
            throw error
        }
        try? await kube.shutdown()
        await fake.shutdown()
    }

    @Test("render: clusters/<name>/flux-system/ follows the pinned version; the old manifest is refused for the new pin")
    func renderFollowsTheVersion() throws {
        var config = EngineFixtures.config(name: "kf")
        config.spec.gitops?.flux = try FluxInstallManifest.fluxSettings()
        let next = try SyntheticFluxRelease.make()
        defer { try? FileManager.default.removeItem(at: next.file) }
        let old = try FluxRelease(flux: try #require(config.spec.gitops).flux).verified(try FluxInstallManifest.bytes())
        var bumped = config
        bumped.spec.gitops?.flux = PlatformConfig.Flux(
            version: SyntheticFluxRelease.version,
            manifestURL: next.file.path,
            sha256: next.sha256
        )
        let verified = try FluxRelease(flux: try #require(bumped.spec.gitops).flux).verified(Array(next.text.utf8))
        let files = try GitOpsRenderer.render(bumped, fluxComponents: verified)
        let components = try #require(files.first { $0.path == "clusters/kf/flux-system/gotk-components.yaml" })
        #expect(components.contents == next.text)
        #expect(StableNames.sha256Hex(Array(components.contents.utf8)) == next.sha256)
        // Only flux-system/ changes between the two renders.
        let before = try GitOpsRenderer.render(config, fluxComponents: old)
        let changed = Set(files.map { "\($0.path)\u{0}\($0.contents)" }).symmetricDifference(
            before.map { "\($0.path)\u{0}\($0.contents)" }
        )
        #expect(Set(changed.map { String($0.split(separator: "\u{0}").first ?? "") }) == [components.path])
        #expect(throws: GitOpsRenderer.FluxComponentsError.self) { try GitOpsRenderer.render(bumped, fluxComponents: old) }
    }

    @Test("prune: only what the recorded inventory has and the new manifest lacks; never CRDs or Namespaces")
    func pruneRules() {
        typealias Entry = ClusterObjects.FluxInventoryEntry
        let current = [
            Entry(apiVersion: "v1", kind: "ConfigMap", namespace: "flux-system", name: "kept"),
            Entry(apiVersion: "apps/v1", kind: "Deployment", namespace: "flux-system", name: "source-controller"),
        ]
        let previous = [
            "v1|ConfigMap|flux-system|kept", "apps/v1|Deployment|flux-system|source-controller",
            "apps/v1|Deployment|flux-system|image-reflector-controller",
            "apiextensions.k8s.io/v1|CustomResourceDefinition||buckets.source.toolkit.fluxcd.io", "v1|Namespace||old-ns",
            "not an entry",
        ].joined(separator: "\n")
        let prune = ClusterObjects.fluxPrune(previous: previous, current: current)
        #expect(prune.delete.map(\.description) == ["Deployment flux-system/image-reflector-controller"])
        #expect(
            prune.keep.map(\.description) == ["CustomResourceDefinition buckets.source.toolkit.fluxcd.io", "Namespace old-ns"]
        )
        // A first install (no recorded inventory) prunes nothing; an object now served at another version is kept.
        #expect(ClusterObjects.fluxPrune(previous: nil, current: current).delete.isEmpty)
        let moved = ClusterObjects.fluxPrune(
            previous: "apps/v1beta1|Deployment|flux-system|source-controller",
            current: current
        )
        #expect(moved.delete.isEmpty && moved.keep.isEmpty)
    }
}
