import Crypto
import Foundation
import KubeFake

/// The parts of kube-controller-manager, kube-scheduler and the kubelet the platform's story needs: Deployments get
/// their Pods, Pods are bound to a Node they fit on (taints and tolerations, nodeSelector, required node affinity,
/// required pod anti-affinity per hostname, CPU and memory requests), bound Pods on a Ready Node run.
extension ClusterTwin {
    static let schedulerManager = "default-scheduler"
    static let controllerManager = "kube-controller-manager"
    static let kubeletManager = "kubelet"

    func reconcileWorkloads() async throws {
        let deployments = try await api.list("apps/v1", "Deployment")
        var pods = try await api.list("v1", "Pod")
        // Garbage collection: Pods owned by a Deployment that is gone go too.
        let owners = Set(deployments.compactMap { $0[path: ["metadata", "uid"]]?.stringValue })
        for pod in pods {
            let owner = pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"]?.stringValue
            if let owner, !owners.contains(owner), !pod.isDeleting {
                try await api.delete("v1", "Pod", namespace: pod.namespace, name: pod.name)
            }
        }
        for deployment in deployments where !deployment.isDeleting {
            try await reconcileDeployment(deployment, pods: pods)
        }
        pods = try await api.list("v1", "Pod")
        let nodes = try await api.list("v1", "Node")
        try await schedule(pods: pods, nodes: nodes)
        try await runKubelet(pods: try await api.list("v1", "Pod"), nodes: nodes)
    }

    /// The Pod template's hash, as the `pod-template-hash` label carries it.
    static func templateHash(_ template: KubeFakeJSON) -> String {
        let digest = SHA256.hash(data: Data(template.jsonString.utf8))
        return String(digest.map { String(format: "%02x", $0) }.joined().prefix(10))
    }

    private func reconcileDeployment(_ deployment: KubeFakeJSON, pods: [KubeFakeJSON]) async throws {
        let namespace = deployment.namespace ?? "default"
        let desired = Int(deployment[path: ["spec", "replicas"]]?.intValue ?? 1)
        let template = deployment[path: ["spec", "template"]] ?? .emptyObject
        let hash = Self.templateHash(template)
        let uid = deployment[path: ["metadata", "uid"]]?.stringValue ?? ""
        let owned = pods.filter {
            $0.namespace == namespace && $0[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"]?.stringValue == uid
        }
        var current = owned.filter {
            $0[path: ["metadata", "labels", "pod-template-hash"]]?.stringValue == hash && !$0.isDeleting
        }
        // Old template: replaced all at once (the twin's rollouts are not gradual).
        for pod in owned where pod[path: ["metadata", "labels", "pod-template-hash"]]?.stringValue != hash && !pod.isDeleting {
            try await api.delete("v1", "Pod", namespace: namespace, name: pod.name)
        }
        while current.count > desired, let last = current.popLast() {
            try await api.delete("v1", "Pod", namespace: namespace, name: last.name)
        }
        var index = 0
        while current.count < desired {
            let name = "\(deployment.name)-\(hash)-\(String(index, radix: 36))"
            index += 1
            if current.contains(where: { $0.name == name }) { continue }
            var pod: KubeFakeJSON = ["apiVersion": "v1", "kind": "Pod", "metadata": template["metadata"] ?? .emptyObject]
            pod[path: ["metadata", "name"]] = .string(name)
            pod[path: ["metadata", "namespace"]] = .string(namespace)
            pod[path: ["metadata", "labels", "pod-template-hash"]] = .string(hash)
            pod[path: ["metadata", "ownerReferences"]] = [
                [
                    "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(deployment.name), "uid": .string(uid),
                    "controller": true, "blockOwnerDeletion": true,
                ]
            ]
            pod["spec"] = template["spec"] ?? .emptyObject
            current.append(try await api.create(pod, fieldManager: Self.controllerManager))
        }
        let ready = current.filter { $0.condition("Ready")?["status"]?.stringValue == "True" }.count
        let now = ISO8601DateFormatter().string(from: Date())
        let allReady = ready >= desired
        let status: KubeFakeJSON = [
            "observedGeneration": .int(deployment.generation), "replicas": .int(Int64(current.count)),
            "updatedReplicas": .int(Int64(current.count)), "readyReplicas": .int(Int64(ready)),
            "availableReplicas": .int(Int64(ready)), "unavailableReplicas": .int(Int64(max(0, desired - ready))),
            "conditions": [
                [
                    "type": "Available", "status": .string(allReady ? "True" : "False"),
                    "reason": .string(allReady ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"),
                    "message": .string(
                        allReady ? "Deployment has minimum availability." : "Deployment does not have minimum availability."
                    ),
                    "lastUpdateTime": .string(now), "lastTransitionTime": .string(now),
                ],
                [
                    "type": "Progressing", "status": "True",
                    "reason": .string(allReady ? "NewReplicaSetAvailable" : "ReplicaSetUpdated"),
                    "message": .string(
                        allReady
                            ? "ReplicaSet \"\(deployment.name)-\(hash)\" has successfully progressed."
                            : "ReplicaSet \"\(deployment.name)-\(hash)\" is progressing."
                    ),
                    "lastUpdateTime": .string(now), "lastTransitionTime": .string(now),
                ],
            ],
        ]
        if Self.withoutTimes(deployment["status"] ?? .emptyObject) == Self.withoutTimes(status) { return }
        try await api.mergePatch(
            "apps/v1",
            "Deployment",
            namespace: namespace,
            name: deployment.name,
            patch: ["status": status],
            status: true,
            fieldManager: Self.controllerManager
        )
    }

    /// A status without its conditions' timestamps, to tell a real change from a rewrite.
    static func withoutTimes(_ status: KubeFakeJSON) -> KubeFakeJSON {
        var copy = status
        let conditions = (status["conditions"]?.arrayValue ?? []).map { condition -> KubeFakeJSON in
            var condition = condition
            condition["lastUpdateTime"] = nil
            condition["lastTransitionTime"] = nil
            return condition
        }
        copy["conditions"] = .array(conditions)
        return copy
    }

    // MARK: Scheduling

    /// Why `pod` does not fit on `node`, or `nil` when it fits (the scheduler's filter plugins, by name:
    /// TaintToleration, NodeAffinity, InterPodAntiAffinity, NodeResourcesFit).
    static func unfit(_ pod: KubeFakeJSON, on node: KubeFakeJSON, podsOnNode: [KubeFakeJSON]) -> String? {
        let labels = node[path: ["metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        let tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
        for taint in node[path: ["spec", "taints"]]?.arrayValue ?? [] {
            let effect = taint["effect"]?.stringValue ?? ""
            guard effect == "NoSchedule" || effect == "NoExecute" else { continue }
            let tolerated = tolerations.contains { toleration in
                let key = toleration["key"]?.stringValue
                let op = toleration["operator"]?.stringValue ?? "Equal"
                let tEffect = toleration["effect"]?.stringValue ?? ""
                guard tEffect.isEmpty || tEffect == effect else { return false }
                if key == nil || key == "" { return op == "Exists" }
                guard key == taint["key"]?.stringValue else { return false }
                return op == "Exists" || toleration["value"]?.stringValue ?? "" == taint["value"]?.stringValue ?? ""
            }
            if !tolerated {
                let value = taint["value"]?.stringValue.map { "=\($0)" } ?? ""
                return "node(s) had untolerated taint {\(taint["key"]?.stringValue ?? "")\(value)}"
            }
        }
        for (key, value) in pod[path: ["spec", "nodeSelector"]]?.objectValue ?? [:] where labels[key] != value.stringValue {
            return "node(s) didn't match Pod's node affinity/selector"
        }
        let terms =
            pod[path: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]
            ]?
            .arrayValue ?? []
        if !terms.isEmpty
            && !terms.contains(where: { term in
                (term["matchExpressions"]?.arrayValue ?? []).allSatisfy { matches($0, labels) }
            })
        {
            return "node(s) didn't match Pod's node affinity/selector"
        }
        for term in pod[path: ["spec", "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"]]?
            .arrayValue ?? []
        where term["topologyKey"]?.stringValue == "kubernetes.io/hostname" {
            let selector =
                term[path: ["labelSelector", "matchLabels"]]?.objectValue?.compactMapValues(\.stringValue)
                ?? pod[path: ["metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
            let clash = podsOnNode.contains { other in
                let otherLabels = other[path: ["metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
                return other.namespace == pod.namespace && selector.allSatisfy { otherLabels[$0.key] == $0.value }
            }
            if clash { return "node(s) didn't match pod anti-affinity rules" }
        }
        for resource in ["cpu", "memory"] {
            let allocatable = Quantity.parse(node[path: ["status", "allocatable", resource]]?.stringValue)
            let used = podsOnNode.map { requests($0, resource) }.reduce(0, +)
            if used + requests(pod, resource) > allocatable { return "Insufficient \(resource)" }
        }
        return nil
    }

    static func matches(_ expression: KubeFakeJSON, _ labels: [String: String]) -> Bool {
        let key = expression["key"]?.stringValue ?? ""
        let values = expression["values"]?.arrayValue?.compactMap(\.stringValue) ?? []
        switch expression["operator"]?.stringValue {
        case "In": return labels[key].map(values.contains) ?? false
        case "NotIn": return !(labels[key].map(values.contains) ?? false)
        case "Exists": return labels[key] != nil
        case "DoesNotExist": return labels[key] == nil
        case "Gt": return (labels[key].flatMap { Int($0) } ?? Int.min) > (values.first.flatMap { Int($0) } ?? Int.max)
        case "Lt": return (labels[key].flatMap { Int($0) } ?? Int.max) < (values.first.flatMap { Int($0) } ?? Int.min)
        default: return false
        }
    }

    /// The sum of a Pod's container requests of `resource` (CPU in cores, memory in bytes).
    static func requests(_ pod: KubeFakeJSON, _ resource: String) -> Double {
        (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map {
            Quantity.parse($0[path: ["resources", "requests", resource]]?.stringValue)
        }.reduce(0, +)
    }

    private func schedule(pods: [KubeFakeJSON], nodes: [KubeFakeJSON]) async throws {
        let readyNodes = nodes.filter {
            !$0.isDeleting && $0.condition("Ready")?["status"]?.stringValue == "True"
                && $0[path: ["spec", "unschedulable"]]?.boolValue != true
        }
        var placed: [String: [KubeFakeJSON]] = [:]
        for pod in pods where pod[path: ["spec", "nodeName"]]?.stringValue != nil {
            placed[pod[path: ["spec", "nodeName"]]?.stringValue ?? "", default: []].append(pod)
        }
        for pod in pods.sorted(by: { $0.name < $1.name })
        where pod[path: ["spec", "nodeName"]] == nil && !pod.isDeleting {
            var reasons: [String: Int] = [:]
            var chosen: KubeFakeJSON?
            for node in readyNodes.sorted(by: { $0.name < $1.name }) {
                if let reason = Self.unfit(pod, on: node, podsOnNode: placed[node.name] ?? []) {
                    reasons[reason, default: 0] += 1
                } else {
                    chosen = node
                    break
                }
            }
            if let node = chosen {
                var bound = try await api.mergePatch(
                    "v1",
                    "Pod",
                    namespace: pod.namespace,
                    name: pod.name,
                    patch: ["spec": ["nodeName": .string(node.name)]],
                    fieldManager: Self.schedulerManager
                )
                bound = try await api.mergePatch(
                    "v1",
                    "Pod",
                    namespace: pod.namespace,
                    name: pod.name,
                    patch: [
                        "status": [
                            "phase": "Pending",
                            "conditions": [podCondition("PodScheduled", "True", reason: nil, message: nil)],
                        ]
                    ],
                    status: true,
                    fieldManager: Self.schedulerManager
                )
                placed[node.name, default: []].append(bound)
                note("Pod/\(pod.namespace ?? "")/\(pod.name) bound to \(node.name)")
                continue
            }
            // kube-scheduler's FitError text: "0/N nodes are available: <count> <reason>, …".
            let detail = reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            let message =
                "0/\(readyNodes.count) nodes are available" + (detail.isEmpty ? "." : ": \(detail).")
                + " preemption: 0/\(readyNodes.count) nodes are available: \(readyNodes.count) Preemption is not helpful for scheduling."
            if pod.condition("PodScheduled")?["message"]?.stringValue == message { continue }
            try await api.mergePatch(
                "v1",
                "Pod",
                namespace: pod.namespace,
                name: pod.name,
                patch: [
                    "status": [
                        "phase": "Pending",
                        "conditions": [podCondition("PodScheduled", "False", reason: "Unschedulable", message: message)],
                    ]
                ],
                status: true,
                fieldManager: Self.schedulerManager
            )
        }
    }

    private func podCondition(_ type: String, _ status: String, reason: String?, message: String?) -> KubeFakeJSON {
        var condition: KubeFakeJSON = [
            "type": .string(type), "status": .string(status),
            "lastTransitionTime": .string(ISO8601DateFormatter().string(from: Date())),
        ]
        if let reason { condition["reason"] = .string(reason) }
        if let message { condition["message"] = .string(message) }
        return condition
    }

    /// Bound Pods on a Ready Node start running; Pods on a Node that is gone are deleted (the pod GC).
    private func runKubelet(pods: [KubeFakeJSON], nodes: [KubeFakeJSON]) async throws {
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for pod in pods {
            guard let nodeName = pod[path: ["spec", "nodeName"]]?.stringValue else { continue }
            guard let node = byName[nodeName] else {
                try await api.delete("v1", "Pod", namespace: pod.namespace, name: pod.name)
                continue
            }
            if pod.isDeleting {
                // The kubelet confirms the container stopped, then the API server drops the Pod.
                try await api.mergePatch(
                    "v1",
                    "Pod",
                    namespace: pod.namespace,
                    name: pod.name,
                    patch: ["metadata": ["finalizers": .null]],
                    fieldManager: Self.kubeletManager
                )
                continue
            }
            guard pod[path: ["status", "phase"]]?.stringValue != "Running",
                node.condition("Ready")?["status"]?.stringValue == "True"
            else { continue }
            let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map { container -> KubeFakeJSON in
                [
                    "name": container["name"] ?? "main", "image": container["image"] ?? "", "ready": true, "started": true,
                    "restartCount": 0, "state": ["running": ["startedAt": .string(ISO8601DateFormatter().string(from: Date()))]],
                ]
            }
            let address = node[path: ["status", "addresses"]]?.arrayValue?.first { $0["type"]?.stringValue == "InternalIP" }?[
                "address"
            ]
            try await api.mergePatch(
                "v1",
                "Pod",
                namespace: pod.namespace,
                name: pod.name,
                patch: [
                    "status": [
                        "phase": "Running", "hostIP": address ?? "10.0.0.1", "podIP": address ?? "10.0.0.1",
                        "startTime": .string(ISO8601DateFormatter().string(from: Date())),
                        "conditions": [
                            podCondition("PodScheduled", "True", reason: nil, message: nil),
                            podCondition("Initialized", "True", reason: nil, message: nil),
                            podCondition("ContainersReady", "True", reason: nil, message: nil),
                            podCondition("Ready", "True", reason: nil, message: nil),
                        ],
                        "containerStatuses": .array(containers),
                    ]
                ],
                status: true,
                fieldManager: Self.kubeletManager
            )
            note("Pod/\(pod.namespace ?? "")/\(pod.name) Running on \(nodeName)")
        }
    }

    /// Registers Nodes for the system node group, as the EKS node group's kubelets would: the group's labels
    /// (`eks.amazonaws.com/nodegroup`, the platform's pool label) and its taint.
    public func registerNodes(
        names: [String],
        labels: [String: String],
        taints: [(key: String, value: String, effect: String)],
        cpu: String = "2",
        memory: String = "8Gi",
        zone: String = "us-west-2a"
    ) async throws {
        for (index, name) in names.enumerated() {
            var nodeLabels = labels
            nodeLabels["kubernetes.io/hostname"] = name
            nodeLabels["kubernetes.io/os"] = "linux"
            nodeLabels["kubernetes.io/arch"] = "amd64"
            nodeLabels["topology.kubernetes.io/zone"] = zone
            try await createNode(
                name: name,
                labels: nodeLabels,
                taints: taints.map { ["key": .string($0.key), "value": .string($0.value), "effect": .string($0.effect)] },
                cpu: cpu,
                memory: memory,
                address: "10.42.0.\(10 + index)",
                providerID: nil
            )
        }
    }

    /// Registers one Node per instance the EKS managed node group would run (`scalingConfig.desiredSize`), as their
    /// kubelets would: the group's labels plus the ones EKS adds (`eks.amazonaws.com/nodegroup`,
    /// `eks.amazonaws.com/capacityType`), its taints with EKS's effect names mapped to Kubernetes' (`NO_SCHEDULE` →
    /// `NoSchedule`, EKS API reference "Taint"), spread over the group's subnets' zones. Returns the Node names.
    @discardableResult
    public func registerNodeGroupNodes(clusterName: String, nodegroupName: String) async throws -> [String] {
        let session = try session()
        let group = try await session.eks.describeNodegroup(clusterName: clusterName, nodegroupName: nodegroupName)
        let subnets = try await session.ec2.describeSubnets(subnetIds: group.subnets ?? [])
        let count = group.scalingConfig?.desiredSize ?? 0
        let effects = ["NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"]
        let taints: [KubeFakeJSON] = (group.taints ?? []).map { taint in
            var json: KubeFakeJSON = [
                "key": .string(taint.key ?? ""), "effect": .string(effects[taint.effect ?? ""] ?? taint.effect ?? ""),
            ]
            if let value = taint.value { json["value"] = .string(value) }
            return json
        }
        var names: [String] = []
        for index in 0..<count {
            let subnet = subnets.isEmpty ? nil : subnets[index % subnets.count]
            let address = "10.42.\(200 + index / 250).\(index % 250 + 4)"
            let name = "ip-\(address.replacingOccurrences(of: ".", with: "-")).\(options.region).compute.internal"
            var labels = group.labels ?? [:]
            labels["eks.amazonaws.com/nodegroup"] = nodegroupName
            labels["eks.amazonaws.com/capacityType"] = "ON_DEMAND"
            labels["kubernetes.io/hostname"] = name
            labels["kubernetes.io/os"] = "linux"
            labels["kubernetes.io/arch"] = "amd64"
            labels["topology.kubernetes.io/zone"] = subnet?.availabilityZone ?? "\(options.region)a"
            try await createNode(
                name: name,
                labels: labels,
                taints: taints,
                cpu: "2",
                memory: "7910Mi",
                address: address,
                providerID: nil
            )
            names.append(name)
        }
        note("node group \(nodegroupName): \(names.count) Nodes registered")
        return names
    }

    func createNode(
        name: String,
        labels: [String: String],
        taints: [KubeFakeJSON],
        cpu: String,
        memory: String,
        address: String,
        providerID: String?
    ) async throws {
        var node: KubeFakeJSON = [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(name), "labels": .object(labels.mapValues { .string($0) })],
            "spec": taints.isEmpty ? .emptyObject : ["taints": .array(taints)],
        ]
        if let providerID { node[path: ["spec", "providerID"]] = .string(providerID) }
        if try await api.get("v1", "Node", name: name) == nil {
            try await api.create(node, fieldManager: Self.kubeletManager)
        }
        let now = ISO8601DateFormatter().string(from: Date())
        try await api.mergePatch(
            "v1",
            "Node",
            namespace: nil,
            name: name,
            patch: [
                "status": [
                    "capacity": ["cpu": .string(cpu), "memory": .string(memory), "pods": "110"],
                    "allocatable": ["cpu": .string(cpu), "memory": .string(memory), "pods": "110"],
                    "addresses": [
                        ["type": "InternalIP", "address": .string(address)], ["type": "Hostname", "address": .string(name)],
                    ],
                    "conditions": [
                        [
                            "type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "kubelet is posting ready status", "lastHeartbeatTime": .string(now),
                            "lastTransitionTime": .string(now),
                        ]
                    ],
                    "nodeInfo": ["kubeletVersion": "v1.33.0-eks", "operatingSystem": "linux", "architecture": "amd64"],
                ]
            ],
            status: true,
            fieldManager: Self.kubeletManager
        )
    }
}

/// Kubernetes resource quantities as numbers: CPU in cores, memory in bytes.
enum Quantity {
    static func parse(_ text: String?) -> Double {
        guard var text, !text.isEmpty else { return 0 }
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("k", 1e3), ("M", 1e6), ("G", 1e9),
            ("T", 1e12), ("m", 0.001),
        ]
        var scale = 1.0
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            scale = factor
            text.removeLast(suffix.count)
            break
        }
        return (Double(text) ?? 0) * scale
    }
}
