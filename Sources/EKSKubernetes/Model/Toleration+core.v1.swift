import EKSAWS

extension core.v1 {
    /// A node taint.
    public struct Taint: Codable, Sendable, Equatable {
        public var key: String
        /// The value (may be absent).
        public var value: String?
        /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
        public var effect: String

        /// Creates a taint.
        public init(key: String, value: String? = nil, effect: String) {
            self.key = key
            self.value = value
            self.effect = effect
        }
    }

    /// A toleration of a taint.
    public struct Toleration: Codable, Sendable, Equatable {
        /// The taint key (empty with `Exists` = all keys).
        public var key: String?
        /// `Equal` or `Exists`.
        public var `operator`: String?
        /// The value for `Equal`.
        public var value: String?
        /// The effect to match; absent = all effects.
        public var effect: String?
        /// For `NoExecute`: how long the pod stays bound.
        public var tolerationSeconds: Int?

        /// Creates a toleration.
        public init(
            key: String? = nil,
            operator: String? = nil,
            value: String? = nil,
            effect: String? = nil,
            tolerationSeconds: Int? = nil
        ) {
            self.key = key
            self.operator = `operator`
            self.value = value
            self.effect = effect
            self.tolerationSeconds = tolerationSeconds
        }
    }
}
