import EKSAWS

extension core.v1 {
    /// A ConfigMap.
    public struct ConfigMap: KubernetesObject {
        /// `v1`.
        public static var apiVersion: String { "v1" }
        /// `ConfigMap`.
        public static var kind: String { "ConfigMap" }
        /// `v1`.
        public private(set) var apiVersion: String = "v1"
        /// `ConfigMap`.
        public private(set) var kind: String = "ConfigMap"
        public var metadata: meta.v1.ObjectMeta
        /// String data.
        public var data: SortedMap<String>?

        /// Creates a ConfigMap.
        public init(metadata: meta.v1.ObjectMeta, data: SortedMap<String>? = nil) {
            self.metadata = metadata
            self.data = data
        }
    }
}
