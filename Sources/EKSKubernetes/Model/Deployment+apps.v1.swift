import EKSAWS

extension apps.v1 {
    /// The `Deployment` of the Kubernetes API, with only the fields the platform writes or reads (never `null`).
    public struct Deployment: KubernetesObject {
        /// `apps/v1`.
        public static var apiVersion: String { "apps/v1" }
        /// `Deployment`.
        public static var kind: String { "Deployment" }
        /// `apps/v1`.
        public private(set) var apiVersion: String = "apps/v1"
        /// `Deployment`.
        public private(set) var kind: String = "Deployment"
        public var metadata: meta.v1.ObjectMeta
        /// The desired state.
        public var spec: DeploymentSpec

        /// Creates a Deployment.
        public init(metadata: meta.v1.ObjectMeta, spec: DeploymentSpec) {
            self.metadata = metadata
            self.spec = spec
        }
    }

    /// The desired state of a Deployment.
    public struct DeploymentSpec: Codable, Sendable, Equatable {
        /// The number of pods.
        public var replicas: Int?
        /// Which pods belong to the Deployment (must match the template labels).
        public var selector: meta.v1.LabelSelector
        /// The pod template.
        public var template: core.v1.PodTemplateSpec
        /// The rollout strategy.
        public var strategy: DeploymentStrategy?

        /// Creates a spec.
        public init(
            replicas: Int? = nil,
            selector: meta.v1.LabelSelector,
            template: core.v1.PodTemplateSpec,
            strategy: DeploymentStrategy? = nil
        ) {
            self.replicas = replicas
            self.selector = selector
            self.template = template
            self.strategy = strategy
        }
    }

    /// How a Deployment replaces pods.
    public struct DeploymentStrategy: Codable, Sendable, Equatable {
        /// `RollingUpdate` or `Recreate`.
        public var type: String?
        /// Rolling update parameters.
        public var rollingUpdate: RollingUpdateDeployment?

        /// Creates a strategy.
        public init(type: String? = nil, rollingUpdate: RollingUpdateDeployment? = nil) {
            self.type = type
            self.rollingUpdate = rollingUpdate
        }
    }

    /// Rolling update parameters.
    public struct RollingUpdateDeployment: Codable, Sendable, Equatable {
        /// Pods above the desired count (number or percentage).
        public var maxSurge: IntOrString?
        /// Pods that may be unavailable (number or percentage).
        public var maxUnavailable: IntOrString?

        /// Creates rolling update parameters.
        public init(maxSurge: IntOrString? = nil, maxUnavailable: IntOrString? = nil) {
            self.maxSurge = maxSurge
            self.maxUnavailable = maxUnavailable
        }
    }
}
