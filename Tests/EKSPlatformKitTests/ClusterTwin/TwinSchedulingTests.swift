import Foundation
import KubeFake
import Testing

@testable import EKSPlatformTestSupport

/// The twin's scheduling check on the platform's own shapes: the system node group's taint keeps the ubuntu
/// workloads off, Karpenter's tolerations and node affinity put it there and never on its own nodes.
@Suite("Cluster twin scheduling")
struct TwinSchedulingTests {
    static let systemNode: KubeFakeJSON = [
        "metadata": ["name": "system-a", "labels": ["eksplatform.io/pool": "system", "kubernetes.io/os": "linux"]],
        "spec": ["taints": [["key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"]]],
        "status": ["allocatable": ["cpu": "2", "memory": "7910Mi"]],
    ]
    static let karpenterNode: KubeFakeJSON = [
        "metadata": ["name": "default-abcde", "labels": ["karpenter.sh/nodepool": "default", "kubernetes.io/os": "linux"]],
        "status": ["allocatable": ["cpu": "2", "memory": "7910Mi"]],
    ]
    static let ubuntu: KubeFakeJSON = [
        "metadata": ["name": "ubuntu", "namespace": "workloads", "labels": ["app": "ubuntu"]],
        "spec": [
            "nodeSelector": ["karpenter.sh/nodepool": "default"],
            "containers": [["name": "ubuntu", "resources": ["requests": ["cpu": "100m", "memory": "128Mi"]]]],
        ],
    ]
    static let karpenter: KubeFakeJSON = [
        "metadata": ["name": "karpenter-1", "namespace": "kube-system", "labels": ["app.kubernetes.io/name": "karpenter"]],
        "spec": [
            "nodeSelector": ["eksplatform.io/pool": "system", "kubernetes.io/os": "linux"],
            "tolerations": [["key": "CriticalAddonsOnly", "operator": "Equal", "value": "true", "effect": "NoSchedule"]],
            "affinity": [
                "nodeAffinity": [
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        "nodeSelectorTerms": [
                            ["matchExpressions": [["key": "karpenter.sh/nodepool", "operator": "DoesNotExist"]]]
                        ]
                    ]
                ],
                "podAntiAffinity": [
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        [
                            "topologyKey": "kubernetes.io/hostname",
                            "labelSelector": ["matchLabels": ["app.kubernetes.io/name": "karpenter"]],
                        ]
                    ]
                ],
            ],
            "containers": [["name": "controller", "resources": ["requests": ["cpu": "500m", "memory": "512Mi"]]]],
        ],
    ]

    @Test func theSystemTaintKeepsWorkloadsOff() {
        #expect(
            ClusterTwin.unfit(Self.ubuntu, on: Self.systemNode, podsOnNode: [])
                == "node(s) had untolerated taint {CriticalAddonsOnly=true}"
        )
        #expect(ClusterTwin.unfit(Self.ubuntu, on: Self.karpenterNode, podsOnNode: []) == nil)
    }

    @Test func karpenterFitsOnlyTheSystemNodesOneReplicaPerNode() {
        #expect(ClusterTwin.unfit(Self.karpenter, on: Self.systemNode, podsOnNode: []) == nil)
        #expect(
            ClusterTwin.unfit(Self.karpenter, on: Self.karpenterNode, podsOnNode: [])
                == "node(s) didn't match Pod's node affinity/selector"
        )
        var other = Self.karpenter
        other[path: ["metadata", "name"]] = "karpenter-2"
        #expect(
            ClusterTwin.unfit(other, on: Self.systemNode, podsOnNode: [Self.karpenter])
                == "node(s) didn't match pod anti-affinity rules"
        )
    }

    @Test func requestsMustFitTheAllocatable() {
        let placed = Array(repeating: Self.karpenter, count: 3)  // 1.5 CPU of 2
        var ubuntu = Self.ubuntu
        ubuntu[path: ["spec", "containers"]] = [["name": "big", "resources": ["requests": ["cpu": "600m"]]]]
        ubuntu[path: ["spec", "nodeSelector"]] = nil
        ubuntu[path: ["spec", "tolerations"]] = [["operator": "Exists"]]
        #expect(ClusterTwin.unfit(ubuntu, on: Self.systemNode, podsOnNode: placed) == "Insufficient cpu")
        ubuntu[path: ["spec", "containers"]] = [["name": "small", "resources": ["requests": ["cpu": "400m"]]]]
        #expect(ClusterTwin.unfit(ubuntu, on: Self.systemNode, podsOnNode: placed) == nil)
    }
}
