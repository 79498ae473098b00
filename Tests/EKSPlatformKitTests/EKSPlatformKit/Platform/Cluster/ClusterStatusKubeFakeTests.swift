import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

private let karpenterCRDs: URL? = PackagePaths.shared?.appendingPathComponent("crds")

/// What `status` reads from the cluster, against KubeFake with Karpenter's real CRDs (`../shared/crds`, read in place).
@Suite(
    "Status: Karpenter's drifted NodeClaims on KubeFake",
    .enabled(if: karpenterCRDs.map { FileManager.default.fileExists(atPath: $0.path) } ?? false, "needs ../shared/crds")
)
struct ClusterStatusKubeFakeTests {
    static func nodeClaim(_ name: String, pool: String) -> JSONValue {
        [
            "apiVersion": "karpenter.sh/v1", "kind": "NodeClaim",
            "metadata": [
                "name": .string(name), "labels": ["karpenter.sh/nodepool": .string(pool)],
                // Karpenter's termination finalizer: a deleted NodeClaim stays until its instance is gone.
                "finalizers": ["karpenter.sh/termination"],
            ],
            "spec": [
                "nodeClassRef": ["group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"],
                "requirements": [["key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]]],
            ],
        ]
    }

    static func setCondition(_ kube: KubeClient, name: String, type: String, status: String, reason: String) async throws {
        let condition: JSONValue = [
            "type": .string(type), "status": .string(status), "reason": .string(reason), "message": "",
            "lastTransitionTime": "2026-12-03T00:00:00Z",
        ]
        try await kube.patch(
            apiVersion: "karpenter.sh/v1",
            kind: "NodeClaim",
            name: name,
            patch: ["status": ["conditions": [condition]]],
            subresource: "status",
            fieldManager: "karpenter"
        )
    }

    @Test("NodeClaims whose Drifted condition is True are listed and counted per NodePool; False and absent are not")
    func driftedNodeClaims() async throws {
        let crds = try #require(karpenterCRDs)
        let fake = try await KubeFakeServer.start()
        let kube = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
        do {
            var manifest = ""
            for file in ["karpenter.sh_nodepools.yaml", "karpenter.sh_nodeclaims.yaml"] {
                manifest += "---\n" + (try String(contentsOf: crds.appendingPathComponent(file), encoding: .utf8))
            }
            _ = try await kube.applyManifest(manifest)
            // Before any NodeClaim exists nothing is drifted.
            #expect(try await ClusterStatus.read(kube).driftedNodeClaims.isEmpty)

            for (name, pool) in [
                ("default-a1", "default"), ("default-b2", "default"), ("default-c3", "default"), ("gpu-d4", "gpu"),
            ] {
                try await kube.apply(Self.nodeClaim(name, pool: pool))
            }
            // Karpenter's condition type is `Drifted` (the nodeclaims CRD prints it as a column); written through the
            // status subresource as Karpenter writes it (the NodeClaim status has no observedGeneration).
            for (name, type, status, reason) in [
                ("default-a1", "Drifted", "True", "AMIDrift"), ("default-b2", "Drifted", "False", "NotDrifted"),
                ("gpu-d4", "Drifted", "True", "NodePoolDrifted"), ("default-c3", "Ready", "True", "Ready"),
            ] {
                try await Self.setCondition(kube, name: name, type: type, status: status, reason: reason)
            }

            let status = try await ClusterStatus.read(kube)
            #expect(status.nodeClaims.count == 4)
            #expect(
                status.driftedNodeClaims == [
                    .init(name: "default-a1", nodePool: "default", reason: "AMIDrift", deleting: false),
                    .init(name: "gpu-d4", nodePool: "gpu", reason: "NodePoolDrifted", deleting: false),
                ]
            )
            #expect(status.driftedPerNodePool == ["default": 1, "gpu": 1])

            // Karpenter replaces a drifted node by deleting its NodeClaim: until the finalizer is done it is shown as
            // being replaced.
            try await kube.delete(apiVersion: "karpenter.sh/v1", kind: "NodeClaim", name: "gpu-d4")
            let replacing = try await ClusterStatus.read(kube)
            #expect(replacing.driftedNodeClaims.map(\.deleting) == [false, true])
            try fake.removeFinalizers(apiVersion: "karpenter.sh/v1", kind: "NodeClaim", name: "gpu-d4")
            #expect(try await ClusterStatus.read(kube).driftedPerNodePool == ["default": 1])
        } catch {
            try? await kube.shutdown()
            await fake.shutdown()
            throw error
        }
        try? await kube.shutdown()
        await fake.shutdown()
    }
}
