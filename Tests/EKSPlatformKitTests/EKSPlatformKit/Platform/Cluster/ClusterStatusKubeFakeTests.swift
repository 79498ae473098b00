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
            "metadata": ["name": .string(name), "labels": ["karpenter.sh/nodepool": .string(pool)]],
            "spec": [
                "nodeClassRef": ["group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"],
                "requirements": [["key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]]],
            ],
        ]
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
            // Karpenter's condition type is `Drifted` (the nodeclaims CRD prints it as a column).
            try fake.setCondition(
                apiVersion: "karpenter.sh/v1",
                kind: "NodeClaim",
                name: "default-a1",
                type: "Drifted",
                reason: "AMIDrift"
            )
            try fake.setCondition(
                apiVersion: "karpenter.sh/v1",
                kind: "NodeClaim",
                name: "default-b2",
                type: "Drifted",
                status: "False",
                reason: "NotDrifted"
            )
            try fake.setCondition(
                apiVersion: "karpenter.sh/v1",
                kind: "NodeClaim",
                name: "gpu-d4",
                type: "Drifted",
                reason: "NodePoolDrifted"
            )
            try fake.setCondition(apiVersion: "karpenter.sh/v1", kind: "NodeClaim", name: "default-c3", type: "Ready")

            let status = try await ClusterStatus.read(kube)
            #expect(status.nodeClaims.count == 4)
            #expect(
                status.driftedNodeClaims == [
                    .init(name: "default-a1", nodePool: "default", reason: "AMIDrift", deleting: false),
                    .init(name: "gpu-d4", nodePool: "gpu", reason: "NodePoolDrifted", deleting: false),
                ]
            )
            #expect(status.driftedPerNodePool == ["default": 1, "gpu": 1])
        } catch {
            try? await kube.shutdown()
            await fake.shutdown()
            throw error
        }
        try? await kube.shutdown()
        await fake.shutdown()
    }
}
