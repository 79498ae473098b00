import EKSAWS

extension core.v1 {
    /// A Secret. Values in `data` are base64; `stringData` takes plain text.
    public struct Secret: KubernetesObject {
        /// `v1`.
        public static var apiVersion: String { "v1" }
        /// `Secret`.
        public static var kind: String { "Secret" }
        /// `v1`.
        public private(set) var apiVersion: String = "v1"
        /// `Secret`.
        public private(set) var kind: String = "Secret"
        public var metadata: meta.v1.ObjectMeta
        /// The secret type, e.g. `Opaque`.
        public var type: String?
        /// Base64-encoded values.
        public var data: SortedMap<String>?
        /// Plain-text values (write-only on the server).
        public var stringData: SortedMap<String>?

        /// Creates a Secret.
        public init(
            metadata: meta.v1.ObjectMeta,
            type: String? = nil,
            data: SortedMap<String>? = nil,
            stringData: SortedMap<String>? = nil
        ) {
            self.metadata = metadata
            self.type = type
            self.data = data
            self.stringData = stringData
        }
    }
}
