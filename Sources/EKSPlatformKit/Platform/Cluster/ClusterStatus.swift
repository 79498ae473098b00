import EKSAWS
import EKSKubernetes
import Foundation

/// What `platformctl status` shows from inside the cluster: Flux's Kustomizations (Ready, message, age) and
/// Karpenter's NodePools and NodeClaims, with the NodeClaims Karpenter found drifted.
public struct ClusterStatus: Sendable, Equatable {
    /// One object's readiness.
    public struct Entry: Sendable, Equatable {
        /// `Kustomization/flux-system`, `NodePool/default`, …
        public var name: String
        /// The Ready condition's status (`True`, `False`, `Unknown`), or `-` when the object has none.
        public var ready: String
        /// The Ready condition's message.
        public var message: String
        /// How long the object has existed, e.g. `4m`, `2h`, `3d`.
        public var age: String
    }

    /// Flux Kustomizations in `flux-system`.
    public var kustomizations: [Entry]
    /// Karpenter NodePools (empty before Karpenter's CRDs exist).
    public var nodePools: [Entry]
    /// Karpenter NodeClaims (its nodes).
    public var nodeClaims: [Entry]
    /// The NodeClaims whose `Drifted` condition is `True`, by name.
    public var driftedNodeClaims: [DriftedNodeClaim] = []

    /// A NodeClaim Karpenter found drifted: its NodePool or EC2NodeClass (e.g. the AMI `amiSelectorTerms` resolve to)
    /// no longer matches the node, so Karpenter replaces it, within the NodePool's disruption budgets. The condition
    /// type is Karpenter's (`Drifted`, a printer column of the `nodeclaims.karpenter.sh` CRD).
    public struct DriftedNodeClaim: Sendable, Equatable {
        /// The NodeClaim's name.
        public var name: String
        /// Its NodePool (the `karpenter.sh/nodepool` label), or `-` without one.
        public var nodePool: String
        /// The condition's reason, e.g. `AMIDrift`.
        public var reason: String
        /// Whether it is being deleted (Karpenter's replacement has started).
        public var deleting: Bool

        /// Creates an entry.
        public init(name: String, nodePool: String, reason: String, deleting: Bool) {
            self.name = name
            self.nodePool = nodePool
            self.reason = reason
            self.deleting = deleting
        }
    }

    /// How many drifted NodeClaims each NodePool has (NodePools without any are left out).
    public var driftedPerNodePool: [String: Int] {
        driftedNodeClaims.reduce(into: [:]) { counts, claim in counts[claim.nodePool, default: 0] += 1 }
    }

    /// Reads the state through `kube`; kinds whose CRDs are not installed yet are reported empty.
    public static func read(_ kube: KubeClient, now: Date = Date()) async throws -> ClusterStatus {
        func objects(_ apiVersion: String, _ kind: String, namespace: String?) async throws -> [JSONValue] {
            do {
                return try await kube.list(apiVersion: apiVersion, kind: kind, namespace: namespace).items
            } catch let error as KubeClientError where error.code == .unknownKind || error.isNotFound {
                return []
            }
        }
        func entries(_ kind: String, _ items: [JSONValue]) -> [Entry] {
            items.map { entry(kind: kind, object: $0, now: now) }.sorted { $0.name < $1.name }
        }
        let kustomizations = try await objects(
            "kustomize.toolkit.fluxcd.io/v1",
            "Kustomization",
            namespace: ClusterObjects.fluxNamespace
        )
        let nodePools = try await objects("karpenter.sh/v1", "NodePool", namespace: nil)
        let nodeClaims = try await objects("karpenter.sh/v1", "NodeClaim", namespace: nil)
        return ClusterStatus(
            kustomizations: entries("Kustomization", kustomizations),
            nodePools: entries("NodePool", nodePools),
            nodeClaims: entries("NodeClaim", nodeClaims),
            driftedNodeClaims: nodeClaims.compactMap(drifted).sorted { ($0.nodePool, $0.name) < ($1.nodePool, $1.name) }
        )
    }

    /// The NodeClaim as a drifted one, when its `Drifted` condition is `True`.
    static func drifted(_ claim: JSONValue) -> DriftedNodeClaim? {
        let condition = claim["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Drifted" }
        guard condition?["status"]?.stringValue == "True" else { return nil }
        return DriftedNodeClaim(
            name: claim["metadata"]?["name"]?.stringValue ?? "?",
            nodePool: claim["metadata"]?["labels"]?["karpenter.sh/nodepool"]?.stringValue ?? "-",
            reason: condition?["reason"]?.stringValue ?? "",
            deleting: claim["metadata"]?["deletionTimestamp"]?.stringValue != nil
        )
    }

    /// One object's entry.
    static func entry(kind: String, object: JSONValue, now: Date) -> Entry {
        let ready = object["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Ready" }
        let created = object["metadata"]?["creationTimestamp"]?.stringValue.flatMap(ISO8601.parse)
        return Entry(
            name: "\(kind)/\(object["metadata"]?["name"]?.stringValue ?? "?")",
            ready: ready?["status"]?.stringValue ?? "-",
            message: ready?["message"]?.stringValue ?? "",
            age: created.map { age(now.timeIntervalSince($0)) } ?? "-"
        )
    }

    /// `45s`, `12m`, `5h`, `3d`, as kubectl prints ages.
    public static func age(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        switch s {
        case ..<120: return "\(s)s"
        case ..<(120 * 60): return "\(s / 60)m"
        case ..<(48 * 3600): return "\(s / 3600)h"
        default: return "\(s / 86400)d"
        }
    }
}
