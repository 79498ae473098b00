import EKSAWS

extension core.v1 {
    /// A ServiceAccount.
    public struct ServiceAccount: KubernetesObject {
        /// `v1`.
        public static var apiVersion: String { "v1" }
        /// `ServiceAccount`.
        public static var kind: String { "ServiceAccount" }
        /// `v1`.
        public private(set) var apiVersion: String = "v1"
        /// `ServiceAccount`.
        public private(set) var kind: String = "ServiceAccount"
        public var metadata: meta.v1.ObjectMeta

        /// Creates a ServiceAccount.
        public init(metadata: meta.v1.ObjectMeta) { self.metadata = metadata }
    }
}
