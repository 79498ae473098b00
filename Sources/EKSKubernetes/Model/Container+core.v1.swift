import EKSAWS

extension core.v1 {
    /// The `Container` of the Kubernetes API, with only the fields the platform writes or reads (never `null`).
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
        public var name: String
        public var value: String?

        /// Creates an environment variable.
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// The `ContainerPort` of the Kubernetes API, with only the fields the platform writes or reads (never `null`).
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
}
