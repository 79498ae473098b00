import EKSAWS

extension meta.v1 {
    /// Standard object metadata.
    public struct ObjectMeta: Codable, Sendable, Equatable {
        /// The object name.
        public var name: String?
        /// The namespace (namespaced kinds only).
        public var namespace: String?
        public var labels: SortedMap<String>?
        public var annotations: SortedMap<String>?
        /// Set by the server; kept when reading objects back.
        public var uid: String?
        /// Set by the server; kept when reading objects back.
        public var resourceVersion: String?
        /// Set by the server; kept when reading objects back.
        public var generation: Int?
        public var finalizers: [String]?

        /// Creates metadata.
        public init(
            name: String? = nil,
            namespace: String? = nil,
            labels: SortedMap<String>? = nil,
            annotations: SortedMap<String>? = nil,
            uid: String? = nil,
            resourceVersion: String? = nil,
            generation: Int? = nil,
            finalizers: [String]? = nil
        ) {
            self.name = name
            self.namespace = namespace
            self.labels = labels
            self.annotations = annotations
            self.uid = uid
            self.resourceVersion = resourceVersion
            self.generation = generation
            self.finalizers = finalizers
        }
    }

    /// A status condition, as used by CRDs and Flux objects.
    public struct Condition: Codable, Sendable, Equatable {
        /// The condition type, e.g. `Ready` or `Established`.
        public var type: String
        /// `True`, `False` or `Unknown`.
        public var status: String
        /// A machine-readable reason.
        public var reason: String?
        /// A human-readable message.
        public var message: String?
        /// When the status last changed (RFC 3339).
        public var lastTransitionTime: String?
        /// The generation the condition was computed for.
        public var observedGeneration: Int?

        /// Creates a condition.
        public init(
            type: String,
            status: String,
            reason: String? = nil,
            message: String? = nil,
            lastTransitionTime: String? = nil,
            observedGeneration: Int? = nil
        ) {
            self.type = type
            self.status = status
            self.reason = reason
            self.message = message
            self.lastTransitionTime = lastTransitionTime
            self.observedGeneration = observedGeneration
        }
    }

    /// The `LabelSelector` of the Kubernetes API, with only the fields the platform writes or reads (never `null`).
    public struct LabelSelector: Codable, Sendable, Equatable {
        /// Exact label matches.
        public var matchLabels: SortedMap<String>?
        /// Set-based requirements.
        public var matchExpressions: [LabelSelectorRequirement]?

        /// Creates a selector.
        public init(matchLabels: SortedMap<String>? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
            self.matchLabels = matchLabels
            self.matchExpressions = matchExpressions
        }
    }

    /// One set-based label requirement.
    public struct LabelSelectorRequirement: Codable, Sendable, Equatable {
        /// The label key.
        public var key: String
        /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
        public var `operator`: String
        /// The values for `In`/`NotIn`.
        public var values: [String]?

        /// Creates a requirement.
        public init(key: String, operator: String, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }
}
