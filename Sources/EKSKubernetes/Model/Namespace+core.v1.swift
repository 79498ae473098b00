import EKSAWS

extension core.v1 {
    /// The `Namespace` of the Kubernetes API, with only the fields the platform writes or reads (never `null`).
    public struct Namespace: KubernetesObject {
        /// `v1`.
        public static var apiVersion: String { "v1" }
        /// `Namespace`.
        public static var kind: String { "Namespace" }
        /// `v1`.
        public private(set) var apiVersion: String = "v1"
        /// `Namespace`.
        public private(set) var kind: String = "Namespace"
        public var metadata: meta.v1.ObjectMeta

        /// Creates a namespace.
        public init(metadata: meta.v1.ObjectMeta) { self.metadata = metadata }
    }
}
