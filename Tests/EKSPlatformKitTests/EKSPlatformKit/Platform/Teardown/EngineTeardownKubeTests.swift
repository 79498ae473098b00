import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

private let teardownCRDs: URL? = PackagePaths.shared?.appendingPathComponent("crds")

/// The Kubernetes stages of `down` against KubeFake (with the real Karpenter and Flux CRDs from `../shared/crds`)
/// and the AWS emulator (for the Karpenter instance check).
@Suite(
    "Engine: teardown's Kubernetes stages on KubeFake",
    .enabled(if: teardownCRDs.map { FileManager.default.fileExists(atPath: $0.path) } ?? false, "needs ../shared/crds")
)
struct EngineTeardownKubeTests {
    @Test("suspend Flux, delete workloads, NodePools, EC2NodeClasses and Flux, in that order; a rerun is a no-op")
    func kubeStages() async throws {
        let crds = try #require(teardownCRDs)
        let emulator = try await SharedAWSEmulator.shared.get()
        let session = try AWSSession(emulator.sessionOptions(region: "us-east-2"))
        let fake = try await KubeFakeServer.start()
        let kube = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
        do {
            var manifest = ""
            for file in [
                "karpenter.sh_nodepools.yaml", "karpenter.sh_nodeclaims.yaml", "karpenter.k8s.aws_ec2nodeclasses.yaml",
                "kustomize.toolkit.fluxcd.io_kustomizations.yaml", "helm.toolkit.fluxcd.io_helmreleases.yaml",
                "source.toolkit.fluxcd.io_ocirepositories.yaml",
            ] {
                manifest += "---\n" + (try String(contentsOf: crds.appendingPathComponent(file), encoding: .utf8))
            }
            _ = try await kube.applyManifest(manifest)
            let config = EngineFixtures.config(name: "td")
            let blueprint = try EngineFixtures.blueprint(config)
            try await kube.apply(
                JSONValue.object(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "flux-system"]])
            )
            for name in ["flux-system", "workloads", "nodepools", "karpenter"] {
                var kustomization = try #require(blueprint.cluster).kustomization
                kustomization.metadata.name = name
                try await kube.apply(kustomization)
            }
            let files = try GitOpsRenderer.render(config)
            for path in [
                "platform/nodepools/ec2nodeclass.yaml", "platform/nodepools/nodepool.yaml",
                "platform/karpenter/ocirepository.yaml", "platform/karpenter/helmrelease.yaml",
            ] {
                let text = try #require(files.first { $0.path == path }).contents
                    .replacingOccurrences(of: "${CLUSTER_NAME}", with: "td")
                    .replacingOccurrences(of: "${KARPENTER_NODE_ROLE_NAME}", with: "td-karpenter-node")
                _ = try await kube.applyManifest(text)
            }
            #expect(fake.objects(apiVersion: "karpenter.sh/v1", kind: "NodePool").count == 1)

            let teardown = TeardownPlan(blueprint: blueprint)
            let kubeStages = teardown.stages.filter {
                ["workloads", "nodepools", "nodeclasses", "karpenter", "flux"].contains($0.name)
            }
            let partial = TeardownPlan(stages: kubeStages)
            let observed = ObservedState(
                context: EngineFixtures.context,
                availableZones: EngineFixtures.zones,
                resources: [],
                clusterEndpoint: fake.baseURL
            )
            let provider = AWSTeardownProvider(session: session, kube: kube)
            let executor = Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(20)) })
            let summary = try await executor.down(
                teardown: partial,
                config: config,
                observed: observed,
                provider: provider,
                events: NullEventHandler()
            )
            #expect(summary.isSuccess, "\(summary.failed)")
            #expect(fake.objects(apiVersion: "karpenter.sh/v1", kind: "NodePool").isEmpty)
            #expect(fake.objects(apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass").isEmpty)
            #expect(
                fake.objects(apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", namespace: "flux-system")
                    .isEmpty
            )
            // The Karpenter release and its chart source are gone, as is every Flux CRD (found by API group).
            #expect(fake.objects(apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease").isEmpty)
            #expect(fake.objects(apiVersion: "source.toolkit.fluxcd.io/v1", kind: "OCIRepository").isEmpty)
            // Suspension comes before any deletion: Flux must not re-apply the NodePools being deleted.
            let writes = fake.requestLog.filter { $0.method != "GET" }.map { "\($0.method) \($0.path)" }
            let suspendNodePools = writes.firstIndex { $0.hasPrefix("PATCH") && $0.hasSuffix("/kustomizations/nodepools") }
            let firstDelete = writes.firstIndex { $0.hasPrefix("DELETE") }
            #expect(suspendNodePools != nil && (suspendNodePools ?? 0) < (firstDelete ?? 0), "\(writes)")
            let release = writes.firstIndex { $0.hasPrefix("DELETE") && $0.contains("/helmreleases/karpenter") }
            let namespace = writes.firstIndex { $0.hasPrefix("DELETE") && $0.hasSuffix("/namespaces/flux-system") }
            #expect(release != nil && namespace != nil && (release ?? 0) < (namespace ?? 0), "\(writes)")
            // The NodePool is deleted before the EC2NodeClass (stage order).
            let deletes = fake.requestLog.filter { $0.method == "DELETE" }.map(\.path)
            let nodePool = deletes.firstIndex { $0.contains("/nodepools/") }
            let nodeClass = deletes.firstIndex { $0.contains("/ec2nodeclasses/") }
            #expect(nodePool != nil && nodeClass != nil && (nodePool ?? 0) < (nodeClass ?? 0))

            fake.clearRequestLog()
            let rerun = try await executor.down(
                teardown: partial,
                config: config,
                observed: observed,
                provider: provider,
                events: NullEventHandler()
            )
            #expect(rerun.isSuccess, "\(rerun.failed)")
            #expect(fake.requestLog.filter { $0.method == "DELETE" && $0.status < 300 }.isEmpty)
        } catch {
            try? await kube.shutdown()
            await fake.shutdown()
            throw error
        }
        try? await kube.shutdown()
        await fake.shutdown()
    }
}
