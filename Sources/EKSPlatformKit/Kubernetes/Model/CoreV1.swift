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
        /// Metadata.
        public var metadata: meta.v1.ObjectMeta
        /// String data.
        public var data: SortedMap<String>?

        /// Creates a ConfigMap.
        public init(metadata: meta.v1.ObjectMeta, data: SortedMap<String>? = nil) {
            self.metadata = metadata
            self.data = data
        }
    }

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
        /// Metadata.
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
        /// Metadata.
        public var metadata: meta.v1.ObjectMeta

        /// Creates a ServiceAccount.
        public init(metadata: meta.v1.ObjectMeta) { self.metadata = metadata }
    }

    /// A Pod.
    public struct Pod: KubernetesObject {
        /// `v1`.
        public static var apiVersion: String { "v1" }
        /// `Pod`.
        public static var kind: String { "Pod" }
        /// `v1`.
        public private(set) var apiVersion: String = "v1"
        /// `Pod`.
        public private(set) var kind: String = "Pod"
        /// Metadata.
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
        /// The containers.
        public var containers: [Container]
        /// Init containers.
        public var initContainers: [Container]?
        /// `Always`, `OnFailure` or `Never`.
        public var restartPolicy: String?
        /// Node label requirements.
        public var nodeSelector: SortedMap<String>?
        /// Tolerations.
        public var tolerations: [Toleration]?
        /// Affinity rules.
        public var affinity: Affinity?
        /// Spread constraints.
        public var topologySpreadConstraints: [TopologySpreadConstraint]?
        /// The service account.
        public var serviceAccountName: String?
        /// The priority class.
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

    /// A container.
    public struct Container: Codable, Sendable, Equatable {
        /// The container name.
        public var name: String
        /// The image reference.
        public var image: String
        /// The entrypoint.
        public var command: [String]?
        /// Arguments.
        public var args: [String]?
        /// Environment variables.
        public var env: [EnvVar]?
        /// Exposed ports.
        public var ports: [ContainerPort]?
        /// Resource requests and limits.
        public var resources: ResourceRequirements?
        /// `Always`, `IfNotPresent` or `Never`.
        public var imagePullPolicy: String?

        /// Creates a container.
        public init(
            name: String,
            image: String,
            command: [String]? = nil,
            args: [String]? = nil,
            env: [EnvVar]? = nil,
            ports: [ContainerPort]? = nil,
            resources: ResourceRequirements? = nil,
            imagePullPolicy: String? = nil
        ) {
            self.name = name
            self.image = image
            self.command = command
            self.args = args
            self.env = env
            self.ports = ports
            self.resources = resources
            self.imagePullPolicy = imagePullPolicy
        }
    }

    /// One environment variable.
    public struct EnvVar: Codable, Sendable, Equatable {
        /// The name.
        public var name: String
        /// The value.
        public var value: String?

        /// Creates an environment variable.
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// A container port.
    public struct ContainerPort: Codable, Sendable, Equatable {
        /// An optional port name.
        public var name: String?
        /// The port number.
        public var containerPort: Int
        /// `TCP`, `UDP` or `SCTP`.
        public var `protocol`: String?

        /// Creates a port.
        public init(name: String? = nil, containerPort: Int, protocol: String? = nil) {
            self.name = name
            self.containerPort = containerPort
            self.protocol = `protocol`
        }
    }

    /// Resource requests and limits, keyed by resource name (`cpu`, `memory`, …).
    public struct ResourceRequirements: Codable, Sendable, Equatable {
        /// Hard limits.
        public var limits: SortedMap<Quantity>?
        /// Scheduling requests.
        public var requests: SortedMap<Quantity>?

        /// Creates requirements.
        public init(limits: SortedMap<Quantity>? = nil, requests: SortedMap<Quantity>? = nil) {
            self.limits = limits
            self.requests = requests
        }
    }

    /// A node taint.
    public struct Taint: Codable, Sendable, Equatable {
        /// The key.
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

    /// Scheduling affinity rules.
    public struct Affinity: Codable, Sendable, Equatable {
        /// Node affinity.
        public var nodeAffinity: NodeAffinity?
        /// Pod affinity.
        public var podAffinity: PodAffinity?
        /// Pod anti-affinity.
        public var podAntiAffinity: PodAffinity?

        /// Creates affinity rules.
        public init(nodeAffinity: NodeAffinity? = nil, podAffinity: PodAffinity? = nil, podAntiAffinity: PodAffinity? = nil) {
            self.nodeAffinity = nodeAffinity
            self.podAffinity = podAffinity
            self.podAntiAffinity = podAntiAffinity
        }
    }

    /// Node affinity.
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
        /// The terms.
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
        /// The preference.
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
        /// The operator.
        public var `operator`: String
        /// The values.
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
