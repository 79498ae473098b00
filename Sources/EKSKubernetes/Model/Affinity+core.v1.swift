import EKSAWS

extension core.v1 {
    /// Scheduling affinity rules.
    public struct Affinity: Codable, Sendable, Equatable {
        public var nodeAffinity: NodeAffinity?
        public var podAffinity: PodAffinity?
        public var podAntiAffinity: PodAffinity?

        /// Creates affinity rules.
        public init(nodeAffinity: NodeAffinity? = nil, podAffinity: PodAffinity? = nil, podAntiAffinity: PodAffinity? = nil) {
            self.nodeAffinity = nodeAffinity
            self.podAffinity = podAffinity
            self.podAntiAffinity = podAntiAffinity
        }
    }

    /// The `NodeAffinity` of the Kubernetes API, with only the fields the platform writes or reads (never `null`).
    public struct NodeAffinity: Codable, Sendable, Equatable {
        /// Hard requirements.
        public var requiredDuringSchedulingIgnoredDuringExecution: NodeSelector?
        /// Soft preferences.
        public var preferredDuringSchedulingIgnoredDuringExecution: [PreferredSchedulingTerm]?

        /// Creates node affinity.
        public init(
            requiredDuringSchedulingIgnoredDuringExecution: NodeSelector? = nil,
            preferredDuringSchedulingIgnoredDuringExecution: [PreferredSchedulingTerm]? = nil
        ) {
            self.requiredDuringSchedulingIgnoredDuringExecution = requiredDuringSchedulingIgnoredDuringExecution
            self.preferredDuringSchedulingIgnoredDuringExecution = preferredDuringSchedulingIgnoredDuringExecution
        }
    }

    /// Terms ORed together.
    public struct NodeSelector: Codable, Sendable, Equatable {
        public var nodeSelectorTerms: [NodeSelectorTerm]

        /// Creates a node selector.
        public init(nodeSelectorTerms: [NodeSelectorTerm]) { self.nodeSelectorTerms = nodeSelectorTerms }
    }

    /// Requirements ANDed together.
    public struct NodeSelectorTerm: Codable, Sendable, Equatable {
        /// Label requirements.
        public var matchExpressions: [NodeSelectorRequirement]?

        /// Creates a term.
        public init(matchExpressions: [NodeSelectorRequirement]? = nil) { self.matchExpressions = matchExpressions }
    }

    /// A weighted node preference.
    public struct PreferredSchedulingTerm: Codable, Sendable, Equatable {
        /// 1–100.
        public var weight: Int
        public var preference: NodeSelectorTerm

        /// Creates a preference.
        public init(weight: Int, preference: NodeSelectorTerm) {
            self.weight = weight
            self.preference = preference
        }
    }

    /// A node label requirement (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`).
    public struct NodeSelectorRequirement: Codable, Sendable, Equatable {
        /// The label key.
        public var key: String
        public var `operator`: String
        public var values: [String]?

        /// Creates a requirement.
        public init(key: String, operator: String, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    /// Pod (anti-)affinity.
    public struct PodAffinity: Codable, Sendable, Equatable {
        /// Hard rules.
        public var requiredDuringSchedulingIgnoredDuringExecution: [PodAffinityTerm]?

        /// Creates pod (anti-)affinity.
        public init(requiredDuringSchedulingIgnoredDuringExecution: [PodAffinityTerm]? = nil) {
            self.requiredDuringSchedulingIgnoredDuringExecution = requiredDuringSchedulingIgnoredDuringExecution
        }
    }

    /// One pod (anti-)affinity term.
    public struct PodAffinityTerm: Codable, Sendable, Equatable {
        /// Which pods.
        public var labelSelector: meta.v1.LabelSelector?
        /// The topology domain, e.g. `kubernetes.io/hostname`.
        public var topologyKey: String

        /// Creates a term.
        public init(labelSelector: meta.v1.LabelSelector? = nil, topologyKey: String) {
            self.labelSelector = labelSelector
            self.topologyKey = topologyKey
        }
    }

    /// How to spread pods across a topology.
    public struct TopologySpreadConstraint: Codable, Sendable, Equatable {
        /// Maximum skew.
        public var maxSkew: Int
        /// The topology key, e.g. `topology.kubernetes.io/zone`.
        public var topologyKey: String
        /// `DoNotSchedule` or `ScheduleAnyway`.
        public var whenUnsatisfiable: String
        /// Which pods count.
        public var labelSelector: meta.v1.LabelSelector?

        /// Creates a constraint.
        public init(maxSkew: Int, topologyKey: String, whenUnsatisfiable: String, labelSelector: meta.v1.LabelSelector? = nil) {
            self.maxSkew = maxSkew
            self.topologyKey = topologyKey
            self.whenUnsatisfiable = whenUnsatisfiable
            self.labelSelector = labelSelector
        }
    }
}
