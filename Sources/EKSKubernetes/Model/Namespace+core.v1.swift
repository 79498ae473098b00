import EKSAWS

extension core.v1 {
    /// A namespace.
    public struct Namespace: KubernetesObject {
        /// `v1`.
        public static var apiVersion: String { "v1" }
        /// `Namespace`.
        public static var kind: String { "Namespace" }
        /// `v1`.
        public private(set) var apiVersion: String = "v1"
        /// `Namespace`.
        public private(set) var kind: String = "Namespace"
        /// Metadata.
        public var metadata: meta.v1.ObjectMeta

        /// Creates a namespace.
        public init(metadata: meta.v1.ObjectMeta) { self.metadata = metadata }
    }
}
