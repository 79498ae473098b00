import EKSAWS

extension karpenter.v1 {
    /// A Karpenter NodePool: which nodes Karpenter may launch and when it may remove them.
    public struct NodePool: KubernetesObject {
        /// `karpenter.sh/v1`.
        public static var apiVersion: String { "karpenter.sh/v1" }
        /// `NodePool`.
        public static var kind: String { "NodePool" }
        /// `karpenter.sh/v1`.
        public private(set) var apiVersion: String = "karpenter.sh/v1"
        /// `NodePool`.
        public private(set) var kind: String = "NodePool"
        /// Metadata (cluster-scoped).
        public var metadata: meta.v1.ObjectMeta
        /// The pool.
        public var spec: Spec

        /// Creates a NodePool.
        public init(metadata: meta.v1.ObjectMeta, spec: Spec) {
            self.metadata = metadata
            self.spec = spec
        }

        /// The pool.
        public struct Spec: Codable, Sendable, Equatable {
            /// The node template.
            public var template: Template
            /// Resource ceilings for the whole pool, e.g. `cpu: 100`.
            public var limits: SortedMap<Quantity>?
            /// Disruption settings; when present `consolidateAfter` is required by the CRD.
            public var disruption: Disruption?
            /// Priority among pools.
            public var weight: Int?

            /// Creates a spec.
            public init(template: Template, limits: SortedMap<Quantity>? = nil, disruption: Disruption? = nil, weight: Int? = nil)
            {
                self.template = template
                self.limits = limits
                self.disruption = disruption
                self.weight = weight
            }
        }

        /// The node template.
        public struct Template: Codable, Sendable, Equatable {
            /// Labels and annotations for nodes.
            public var metadata: TemplateMetadata?
            /// The node spec.
            public var spec: TemplateSpec

            /// Creates a template.
            public init(metadata: TemplateMetadata? = nil, spec: TemplateSpec) {
                self.metadata = metadata
                self.spec = spec
            }
        }

        /// Node labels and annotations.
        public struct TemplateMetadata: Codable, Sendable, Equatable {
            public var labels: SortedMap<String>?
            public var annotations: SortedMap<String>?

            /// Creates template metadata.
            public init(labels: SortedMap<String>? = nil, annotations: SortedMap<String>? = nil) {
                self.labels = labels
                self.annotations = annotations
            }
        }

        /// The node spec.
        public struct TemplateSpec: Codable, Sendable, Equatable {
            public var nodeClassRef: NodeClassReference
            /// Scheduling requirements (instance types, capacity type, …).
            public var requirements: [Requirement]
            /// Node taints.
            public var taints: [core.v1.Taint]?
            /// Taints removed once the node is initialised.
            public var startupTaints: [core.v1.Taint]?
            /// Maximum node lifetime, e.g. `720h` or `Never`.
            public var expireAfter: String?
            /// How long draining may take.
            public var terminationGracePeriod: String?

            /// Creates a node spec.
            public init(
                nodeClassRef: NodeClassReference,
                requirements: [Requirement],
                taints: [core.v1.Taint]? = nil,
                startupTaints: [core.v1.Taint]? = nil,
                expireAfter: String? = nil,
                terminationGracePeriod: String? = nil
            ) {
                self.nodeClassRef = nodeClassRef
                self.requirements = requirements
                self.taints = taints
                self.startupTaints = startupTaints
                self.expireAfter = expireAfter
                self.terminationGracePeriod = terminationGracePeriod
            }
        }

        /// A reference to the node class.
        public struct NodeClassReference: Codable, Sendable, Equatable {
            /// `karpenter.k8s.aws`.
            public var group: String
            /// `EC2NodeClass`.
            public var kind: String
            /// The node class name.
            public var name: String

            /// Creates a reference.
            public init(group: String, kind: String, name: String) {
                self.group = group
                self.kind = kind
                self.name = name
            }
        }

        /// A scheduling requirement.
        public struct Requirement: Codable, Sendable, Equatable {
            /// The label key.
            public var key: String
            /// `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`, `Gte` or `Lte`.
            public var `operator`: String
            public var values: [String]?
            /// Minimum distinct values Karpenter must consider.
            public var minValues: Int?

            /// Creates a requirement.
            public init(key: String, operator: String, values: [String]? = nil, minValues: Int? = nil) {
                self.key = key
                self.operator = `operator`
                self.values = values
                self.minValues = minValues
            }
        }

        /// Disruption settings.
        public struct Disruption: Codable, Sendable, Equatable {
            /// `WhenEmpty`, `WhenEmptyOrUnderutilized` or `Balanced`.
            public var consolidationPolicy: String?
            /// How long to wait before consolidating (required by the CRD), e.g. `1m` or `Never`.
            public var consolidateAfter: String
            /// Disruption budgets.
            public var budgets: [Budget]?

            /// Creates disruption settings.
            public init(consolidationPolicy: String? = nil, consolidateAfter: String, budgets: [Budget]? = nil) {
                self.consolidationPolicy = consolidationPolicy
                self.consolidateAfter = consolidateAfter
                self.budgets = budgets
            }
        }

        /// A disruption budget.
        public struct Budget: Codable, Sendable, Equatable {
            /// Nodes (count or percentage).
            public var nodes: String
            /// A cron schedule.
            public var schedule: String?
            /// How long the budget is active after `schedule`.
            public var duration: String?
            /// Which disruption reasons it applies to.
            public var reasons: [String]?

            /// Creates a budget.
            public init(nodes: String, schedule: String? = nil, duration: String? = nil, reasons: [String]? = nil) {
                self.nodes = nodes
                self.schedule = schedule
                self.duration = duration
                self.reasons = reasons
            }
        }
    }
}
