import EKSAWS
import EKSKubernetes
import Foundation

/// What `platformctl status` shows from inside the cluster: Flux's Kustomizations (Ready, message, age) and
/// Karpenter's NodePools and NodeClaims.
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

    /// Reads the state through `kube`; kinds whose CRDs are not installed yet are reported empty.
    public static func read(_ kube: KubeClient, now: Date = Date()) async throws -> ClusterStatus {
        func entries(_ apiVersion: String, _ kind: String, namespace: String?) async throws -> [Entry] {
            do {
                let list = try await kube.list(apiVersion: apiVersion, kind: kind, namespace: namespace)
                return list.items.map { entry(kind: kind, object: $0, now: now) }
                    .sorted { $0.name < $1.name }
            } catch let error as KubeClientError where error.code == .unknownKind || error.isNotFound {
                return []
            }
        }
        return ClusterStatus(
            kustomizations: try await entries(
                "kustomize.toolkit.fluxcd.io/v1",
                "Kustomization",
                namespace: ClusterObjects.fluxNamespace
            ),
            nodePools: try await entries("karpenter.sh/v1", "NodePool", namespace: nil),
            nodeClaims: try await entries("karpenter.sh/v1", "NodeClaim", namespace: nil)
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
