import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

/// The cluster phase against KubeFake: Flux from its real pinned install manifest (`../shared/flux`, read in place),
/// credentials, sync objects and `platform-vars`; a second run writes nothing.
@Suite(
    "Engine: cluster objects on KubeFake",
    .enabled(if: FluxInstallManifest.isAvailable, "needs ../shared/flux/install-v2.9.4.yaml")
)
struct EngineKubeFakeTests {
    /// KubeFake in controller mode: Deployments roll out `rollout` seconds after each change, as the demo runs it.
    static func startFake(rollout: Double = 0.05) async throws -> KubeFakeServer {
        try await KubeFakeServer.start(KubeFakeOptions(crdEstablishDelay: 0.05, autoRolloutAfter: rollout))
    }

    @Test("apply Flux, credentials, GitRepository, Kustomization, platform-vars; then nothing to do")
    func clusterPhase() async throws {
        var config = EngineFixtures.config(name: "kf")
        config.spec.gitops?.flux = try FluxInstallManifest.fluxSettings()
        let blueprint = try EngineFixtures.blueprint(config)
        let objects = try #require(blueprint.cluster)

        // Rollouts finish half a second after each change: the install step returns only after every controller's.
        let fake = try await Self.startFake(rollout: 0.5)
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
            try await Self.expectFluxInstalled(kube, config: config)
            // The install is recorded (its digest stamped on the namespace) only after every controller was watched
            // until it rolled out.
            let log = fake.requestLog
            let stamp = try #require(
                log.lastIndex { $0.method == "PATCH" && $0.path == "/api/v1/namespaces/flux-system" },
                "the install's digest was never stamped"
            )
            for controller in ["helm-controller", "kustomize-controller", "notification-controller", "source-controller"] {
                let waited = log[..<stamp].contains {
                    $0.method == "GET" && $0.path.hasPrefix("/apis/apps/v1/namespaces/flux-system/deployments")
                        && ($0.path.hasSuffix("/\(controller)") || $0.query.contains(controller))
                }
                #expect(waited, "up did not wait for \(controller) to roll out")
            }

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

    /// Every object of the real manifest is in the cluster as the manifest has it; each Deployment also tolerates the
    /// system taint, is pinned to the system nodes and was rolled out before `up` went on.
    static func expectFluxInstalled(_ kube: KubeClient, config: PlatformConfig) async throws {
        let text = String(decoding: try FluxInstallManifest.bytes(), as: UTF8.self)
        let documents = try YAML.decodeDocuments(text).filter { $0 != .null }
        #expect(documents.count == FluxInstallManifest.objectCount)
        let toleration: JSONValue = .object([
            "key": "CriticalAddonsOnly", "operator": "Equal", "value": "true", "effect": "NoSchedule",
        ])
        var kinds: [String: Int] = [:]
        for document in documents {
            let kind = document["kind"]?.stringValue ?? ""
            let name = document["metadata"]?["name"]?.stringValue ?? ""
            let namespace = document["metadata"]?["namespace"]?.stringValue
            kinds[kind, default: 0] += 1
            let found = try await kube.get(
                apiVersion: document["apiVersion"]?.stringValue ?? "",
                kind: kind,
                name: name,
                namespace: namespace
            )
            let live = try #require(found, "\(kind) \(name) was not applied")
            var expected = document
            if kind == "Deployment" {
                let podSpec = live["spec"]?["template"]?["spec"]
                #expect(podSpec?["tolerations"] == .array([toleration]), "\(name)")
                #expect(
                    podSpec?["nodeSelector"]
                        == .object(["kubernetes.io/os": "linux", "eksplatform.io/pool": "system"]),
                    "\(name)"
                )
                #expect(live["status"]?["availableReplicas"] == .integer(1), "\(name) was not rolled out when up ended")
                expected = Self.removing(expected, ["spec", "template", "spec", "nodeSelector"])
            }
            #expect(Self.contains(live, expected), "\(kind) \(name) differs from the manifest")
        }
        #expect(
            kinds == [
                "Namespace": 1, "NetworkPolicy": 3, "ResourceQuota": 1, "ClusterRole": 3, "ClusterRoleBinding": 2,
                "CustomResourceDefinition": 11, "ServiceAccount": 4, "Service": 3, "Deployment": 4,
            ]
        )
    }

    /// Whether `live` holds every field of `expected` with the same value (lists item by item).
    static func contains(_ live: JSONValue?, _ expected: JSONValue) -> Bool {
        switch expected {
        case .object(let fields):
            return fields.allSatisfy { key, value in contains(live?[key], value) }
        case .array(let items):
            guard let liveItems = live?.arrayValue, liveItems.count == items.count else { return false }
            return zip(liveItems, items).allSatisfy { contains($0, $1) }
        default:
            return live == expected
        }
    }

    /// `value` without the field at `path`.
    static func removing(_ value: JSONValue, _ path: [String]) -> JSONValue {
        guard let first = path.first, case .object(var fields) = value else { return value }
        if path.count == 1 {
            fields[first] = nil
        } else if let child = fields[first] {
            fields[first] = removing(child, Array(path.dropFirst()))
        }
        return .object(fields)
    }

    @Test("down's Flux stage removes every object of the real manifest, cluster-scoped RBAC included")
    func fluxStageRemovesTheWholeInstall() async throws {
        var config = EngineFixtures.config(name: "un")
        config.spec.gitops?.flux = try FluxInstallManifest.fluxSettings()
        let blueprint = try EngineFixtures.blueprint(config)
        let objects = try #require(blueprint.cluster)
        let text = String(decoding: try FluxInstallManifest.bytes(), as: UTF8.self)
        let documents = try objects.fluxInstallDocuments(text).documents.filter { $0 != .null }
        let fake = try await Self.startFake()
        let kube = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
        do {
            try await kube.applyManifest(documents: documents, force: true)
            let session = try AWSSession(
                AWSSessionOptions(region: "us-west-2", environment: [:], credentials: AWSEmulator.credentials)
            )
            let summary = try await Executor().down(
                teardown: TeardownPlan(stages: TeardownPlan(blueprint: blueprint).stages.filter { ["flux-objects", "flux"].contains($0.name) }),
                config: config,
                observed: ObservedState(
                    context: EngineFixtures.context,
                    availableZones: EngineFixtures.zones,
                    resources: [],
                    clusterEndpoint: fake.baseURL
                ),
                provider: AWSTeardownProvider(session: session, kube: kube),
                events: NullEventHandler()
            )
            #expect(summary.isSuccess, "\(summary.failed)")
            var left: [String] = []
            for document in documents {
                let kind = document["kind"]?.stringValue ?? ""
                let name = document["metadata"]?["name"]?.stringValue ?? ""
                let found: JSONValue?
                do {
                    found = try await kube.get(
                        apiVersion: document["apiVersion"]?.stringValue ?? "",
                        kind: kind,
                        name: name,
                        namespace: document["metadata"]?["namespace"]?.stringValue
                    )
                } catch let error as KubeClientError where error.code == .unknownKind {
                    found = nil
                }
                if found != nil { left.append("\(kind) \(name)") }
            }
            #expect(left == [], "left behind by down")
        } catch {
            try? await kube.shutdown()
            await fake.shutdown()
            throw error
        }
        try? await kube.shutdown()
        await fake.shutdown()
    }

    @Test("an edited sync path or platform-vars value: the digest check cannot see it; a full refresh reports and up restores it")
    func fullRefreshRepairsTheSyncPath() async throws {
        var config = EngineFixtures.config(name: "fr")
        config.spec.gitops?.flux = try FluxInstallManifest.fluxSettings()
        let blueprint = try EngineFixtures.blueprint(config)
        let fake = try await Self.startFake()
        let kube = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
        let endpoint = "https://FR.gr7.us-west-2.eks.amazonaws.com"
        let digestOnly = KubeClusterObjects(
            kube: kube,
            endpoint: { endpoint },
            resolveCredentials: { _, _ in ("-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n", "github.com ssh-ed25519 AAAAtest\n") }
        )
        var refreshing = digestOnly
        refreshing.fullRefresh = true
        let session = try AWSSession(
            AWSSessionOptions(region: "us-west-2", environment: [:], credentials: AWSEmulator.credentials)
        )
        func plan(_ observer: KubeClusterObjects) async throws -> (Plan, ObservedState) {
            var observed = EngineFixtures.matching(blueprint, endpoint: endpoint)
            observed.resources.removeAll { $0.id.kind == .kubernetesObject }
            observed.resources += try await observer.observe(config, endpoint: endpoint, context: EngineFixtures.context)
            return (Planner.plan(blueprint, observed: observed), observed)
        }
        func up(_ observer: KubeClusterObjects) async throws {
            let (plan, observed) = try await plan(observer)
            let summary = try await Executor().up(
                plan: plan,
                blueprint: blueprint,
                observed: observed,
                provider: AWSPlatformProvider(session: session, clusterObjects: observer),
                events: NullEventHandler()
            )
            #expect(summary.isSuccess, "\(summary.failed)")
        }
        func syncPath() async throws -> String? {
            try await kube.get(
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                name: "flux-system",
                namespace: "flux-system"
            )?["spec"]?["path"]?.stringValue
        }
        do {
            try await up(digestOnly)
            #expect(try await syncPath() == "./kube/clusters/fr")
            // A fresh install shows no drift, so a full refresh of an untouched cluster has nothing to do.
            #expect(!(try await plan(refreshing).0.hasChanges))

            _ = try await kube.patch(
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                name: "flux-system",
                namespace: "flux-system",
                patch: ["spec": ["path": "./somewhere/else"]],
                fieldManager: "kubectl-edit"
            )
            // The digest annotation still says what platformctl applied: the quick check sees nothing.
            #expect(!(try await plan(digestOnly).0.hasChanges))

            let (refreshed, _) = try await plan(refreshing)
            let changes = refreshed.changes.filter { $0.action != .noop }
            #expect(changes.map(\.id) == [ClusterObjects.kustomizationID])
            #expect(changes.first?.action == .update)
            #expect(changes.first?.reasons == ["spec.path differs: ./somewhere/else → ./kube/clusters/fr"])

            try await up(refreshing)
            #expect(try await syncPath() == "./kube/clusters/fr")
            #expect(!(try await plan(refreshing).0.hasChanges))

            // platform-vars too, named by key only (its values hold the account id).
            _ = try await kube.patch(
                apiVersion: "v1",
                kind: "ConfigMap",
                name: "platform-vars",
                namespace: "flux-system",
                patch: ["data": ["CLUSTER_ENDPOINT": "https://elsewhere.example"]],
                fieldManager: "kubectl-edit"
            )
            #expect(!(try await plan(digestOnly).0.hasChanges))
            let vars = try await plan(refreshing).0.changes.filter { $0.action != .noop }
            #expect(vars.map(\.id) == [ClusterObjects.platformVars])
            #expect(vars.first?.reasons == ["data.CLUSTER_ENDPOINT differs from the value up writes"])
            try await up(refreshing)
            let restored = try await kube.get(
                apiVersion: "v1",
                kind: "ConfigMap",
                name: "platform-vars",
                namespace: "flux-system"
            )
            #expect(restored?["data"]?["CLUSTER_ENDPOINT"]?.stringValue == endpoint)
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
/// phase with Flux's real install manifest; then a second `up` makes no mutating AWS call and no Kubernetes write, and
/// `up --full-refresh` repairs an in-cluster edit of the sync Kustomization.
@Suite(
    "Engine: platformctl up end to end on the emulator and KubeFake",
    .enabled(if: FluxInstallManifest.isAvailable, "needs ../shared/flux/install-v2.9.4.yaml"),
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct EngineEndToEndTests {
    @Test("up from empty, then up again: zero mutating AWS calls, zero Kubernetes writes; full refresh repairs")
    func upTwice() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let fake = try await EngineKubeFakeTests.startFake()
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
        let text = PlatformTemplate.yaml(name: "e2e", region: "us-west-2")
            .replacingOccurrences(
                of: "flux: { version: v2.9.4 }",
                with: try FluxInstallManifest.fluxLine()
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

            // An edit in the cluster that the digest annotation cannot show: `up --full-refresh` names and restores it.
            let kube = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
            _ = try await kube.patch(
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                name: "flux-system",
                namespace: "flux-system",
                patch: ["spec": ["path": "./somewhere/else"]],
                fieldManager: "kubectl-edit"
            )
            let repaired = try await CLI.run(["up", "--yes", "--full-refresh"] + common, environment: env)
            #expect(repaired.status == 0, "\(repaired.stderr)")
            #expect(
                repaired.stdout.contains("spec.path differs: ./somewhere/else → ./kube/clusters/e2e"),
                "\(repaired.stdout)"
            )
            let restored = try await kube.get(
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                name: "flux-system",
                namespace: "flux-system"
            )
            try? await kube.shutdown()
            #expect(restored?["spec"]?["path"]?.stringValue == "./kube/clusters/e2e")

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
