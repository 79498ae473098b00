import EKSAWS

/// A typed Kubernetes object: constant `apiVersion` and `kind`, plus metadata.
public protocol KubernetesObject: Codable, Sendable, Equatable {
    /// The group/version, e.g. `apps/v1`.
    static var apiVersion: String { get }
    /// The kind, e.g. `Deployment`.
    static var kind: String { get }
    /// The object's metadata.
    var metadata: meta.v1.ObjectMeta { get }
}

/// The `meta` API group (object metadata shared by every kind).
public enum meta {}
/// The core (`""`) API group.
public enum core {}
/// The `apps` API group.
public enum apps {}
/// The `apiextensions.k8s.io` API group.
public enum apiextensions {}
/// Karpenter's `karpenter.sh` group (NodePool).
public enum karpenter {}
/// Karpenter's AWS provider group `karpenter.k8s.aws` (EC2NodeClass).
public enum karpenterAWS {}
/// Flux API groups (`source`, `kustomize`, `helm` toolkits).
public enum flux {}

extension meta {
    /// Version v1.
    public enum v1 {}
}
extension core {
    /// Version v1.
    public enum v1 {}
}
extension apps {
    /// Version v1.
    public enum v1 {}
}
extension apiextensions {
    /// Version v1.
    public enum v1 {}
}
extension karpenter {
    /// Version v1.
    public enum v1 {}
}
extension karpenterAWS {
    /// Version v1.
    public enum v1 {}
}
