import EKSAWS

extension core.v1 {
    /// The `Pod` of the Kubernetes API, with only the fields the platform writes or reads (never `null`).
    public struct Pod: KubernetesObject {
        /// `v1`.
        public static var apiVersion: String { "v1" }
        /// `Pod`.
        public static var kind: String { "Pod" }
        /// `v1`.
        public private(set) var apiVersion: String = "v1"
        /// `Pod`.
        public private(set) var kind: String = "Pod"
        public var metadata: meta.v1.ObjectMeta
        /// The pod spec.
        public var spec: PodSpec

        /// Creates a Pod.
        public init(metadata: meta.v1.ObjectMeta, spec: PodSpec) {
            self.metadata = metadata
            self.spec = spec
        }
    }

    /// A pod template (metadata + spec), as used by controllers.
    public struct PodTemplateSpec: Codable, Sendable, Equatable {
        /// Template metadata (labels must match the selector).
        public var metadata: meta.v1.ObjectMeta?
        /// The pod spec.
        public var spec: PodSpec

        /// Creates a template.
        public init(metadata: meta.v1.ObjectMeta? = nil, spec: PodSpec) {
            self.metadata = metadata
            self.spec = spec
        }
    }

    /// The desired behaviour of a pod.
    public struct PodSpec: Codable, Sendable, Equatable {
        public var containers: [Container]
        public var initContainers: [Container]?
        /// `Always`, `OnFailure` or `Never`.
        public var restartPolicy: String?
        /// Node label requirements.
        public var nodeSelector: SortedMap<String>?
        public var tolerations: [Toleration]?
        /// Affinity rules.
        public var affinity: Affinity?
        public var topologySpreadConstraints: [TopologySpreadConstraint]?
        public var serviceAccountName: String?
        public var priorityClassName: String?
        /// `ClusterFirst`, `Default`, …
        public var dnsPolicy: String?
        /// Grace period on deletion.
        public var terminationGracePeriodSeconds: Int?

        /// Creates a pod spec.
        public init(
            containers: [Container],
            initContainers: [Container]? = nil,
            restartPolicy: String? = nil,
            nodeSelector: SortedMap<String>? = nil,
            tolerations: [Toleration]? = nil,
            affinity: Affinity? = nil,
            topologySpreadConstraints: [TopologySpreadConstraint]? = nil,
            serviceAccountName: String? = nil,
            priorityClassName: String? = nil,
            dnsPolicy: String? = nil,
            terminationGracePeriodSeconds: Int? = nil
        ) {
            self.containers = containers
            self.initContainers = initContainers
            self.restartPolicy = restartPolicy
            self.nodeSelector = nodeSelector
            self.tolerations = tolerations
            self.affinity = affinity
            self.topologySpreadConstraints = topologySpreadConstraints
            self.serviceAccountName = serviceAccountName
            self.priorityClassName = priorityClassName
            self.dnsPolicy = dnsPolicy
            self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        }
    }
}
