import EKSAWS
import EKSKubernetes

/// Typed values for the Karpenter controller chart (`oci://public.ecr.aws/karpenter/karpenter`).
///
/// Only keys the chart's `values.yaml` defines are modelled; unset optionals are omitted so the chart default
/// applies. Rendered into the `HelmRelease`'s `spec.values` and as a plain `values.yaml`.
public struct KarpenterValues: Codable, Sendable, Equatable {
    /// `settings`: controller configuration.
    public var settings: Settings
    /// `replicas` (chart default 2, with required hostname anti-affinity).
    public var replicas: Int?
    /// `serviceAccount`.
    public var serviceAccount: ServiceAccount?
    /// `podDisruptionBudget`.
    public var podDisruptionBudget: PodDisruptionBudget?
    /// `priorityClassName` (chart default `system-cluster-critical`).
    public var priorityClassName: String?
    /// `dnsPolicy`: `ClusterFirst` (chart default) or `Default` (VPC resolver, works before CoreDNS runs).
    public var dnsPolicy: String?
    /// `nodeSelector`.
    public var nodeSelector: SortedMap<String>?
    public var affinity: core.v1.Affinity?
    /// `topologySpreadConstraints`.
    public var topologySpreadConstraints: [core.v1.TopologySpreadConstraint]?
    public var tolerations: [core.v1.Toleration]?
    public var controller: Controller?
    /// `logLevel`: `debug`, `info` or `error`.
    public var logLevel: String?

    /// Creates values.
    public init(
        settings: Settings,
        replicas: Int? = nil,
        serviceAccount: ServiceAccount? = nil,
        podDisruptionBudget: PodDisruptionBudget? = nil,
        priorityClassName: String? = nil,
        dnsPolicy: String? = nil,
        nodeSelector: SortedMap<String>? = nil,
        affinity: core.v1.Affinity? = nil,
        topologySpreadConstraints: [core.v1.TopologySpreadConstraint]? = nil,
        tolerations: [core.v1.Toleration]? = nil,
        controller: Controller? = nil,
        logLevel: String? = nil
    ) {
        self.settings = settings
        self.replicas = replicas
        self.serviceAccount = serviceAccount
        self.podDisruptionBudget = podDisruptionBudget
        self.priorityClassName = priorityClassName
        self.dnsPolicy = dnsPolicy
        self.nodeSelector = nodeSelector
        self.affinity = affinity
        self.topologySpreadConstraints = topologySpreadConstraints
        self.tolerations = tolerations
        self.controller = controller
        self.logLevel = logLevel
    }

    /// The chart's `settings` values this platform sets.
    public struct Settings: Codable, Sendable, Equatable {
        /// `settings.clusterName` (required by the chart).
        public var clusterName: String
        /// `settings.clusterEndpoint` (discovered with `eks:DescribeCluster` when unset).
        public var clusterEndpoint: String?
        /// `settings.interruptionQueue`: the SQS queue **name**; unset disables interruption handling.
        public var interruptionQueue: String?
        /// `settings.featureGates`.
        public var featureGates: FeatureGates?

        /// Creates settings.
        public init(
            clusterName: String,
            clusterEndpoint: String? = nil,
            interruptionQueue: String? = nil,
            featureGates: FeatureGates? = nil
        ) {
            self.clusterName = clusterName
            self.clusterEndpoint = clusterEndpoint
            self.interruptionQueue = interruptionQueue
            self.featureGates = featureGates
        }
    }

    /// `settings.featureGates`.
    public struct FeatureGates: Codable, Sendable, Equatable {
        /// `nodeRepair`.
        public var nodeRepair: Bool?
        /// `reservedCapacity`.
        public var reservedCapacity: Bool?
        /// `spotToSpotConsolidation`.
        public var spotToSpotConsolidation: Bool?

        /// Creates feature gates.
        public init(nodeRepair: Bool? = nil, reservedCapacity: Bool? = nil, spotToSpotConsolidation: Bool? = nil) {
            self.nodeRepair = nodeRepair
            self.reservedCapacity = reservedCapacity
            self.spotToSpotConsolidation = spotToSpotConsolidation
        }
    }

    /// `serviceAccount`.
    public struct ServiceAccount: Codable, Sendable, Equatable {
        /// `serviceAccount.create`.
        public var create: Bool?
        /// `serviceAccount.name` (the Pod Identity association targets it).
        public var name: String?

        /// Creates service account values.
        public init(create: Bool? = nil, name: String? = nil) {
            self.create = create
            self.name = name
        }
    }

    /// `podDisruptionBudget`.
    public struct PodDisruptionBudget: Codable, Sendable, Equatable {
        /// `podDisruptionBudget.name`.
        public var name: String?
        /// `podDisruptionBudget.maxUnavailable`.
        public var maxUnavailable: IntOrString?

        /// Creates PDB values.
        public init(name: String? = nil, maxUnavailable: IntOrString? = nil) {
            self.name = name
            self.maxUnavailable = maxUnavailable
        }
    }

    /// The chart's `controller` values this platform sets.
    public struct Controller: Codable, Sendable, Equatable {
        /// `controller.resources`.
        public var resources: core.v1.ResourceRequirements?

        /// Creates controller values.
        public init(resources: core.v1.ResourceRequirements? = nil) { self.resources = resources }
    }

    /// The values as an unstructured object (for `HelmRelease.spec.values`).
    public func jsonValue() throws -> JSONValue { try JSONValue(encoding: self) }

    /// A plain `values.yaml` for `helm install -f`, with a header comment.
    public func valuesYAML(header: String? = nil) throws -> String {
        let body = try YAML.encode(self)
        guard let header else { return body }
        let comment = header.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)" }.joined(separator: "\n")
        return comment + "\n" + body
    }
}
