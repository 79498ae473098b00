import EKSAWS

extension flux.source.v1 {
    /// A Git source.
    public struct GitRepository: KubernetesObject {
        /// `source.toolkit.fluxcd.io/v1`.
        public static var apiVersion: String { "source.toolkit.fluxcd.io/v1" }
        /// `GitRepository`.
        public static var kind: String { "GitRepository" }
        /// `source.toolkit.fluxcd.io/v1`.
        public private(set) var apiVersion: String = "source.toolkit.fluxcd.io/v1"
        /// `GitRepository`.
        public private(set) var kind: String = "GitRepository"
        public var metadata: meta.v1.ObjectMeta
        /// The source.
        public var spec: Spec

        /// Creates a GitRepository.
        public init(metadata: meta.v1.ObjectMeta, spec: Spec) {
            self.metadata = metadata
            self.spec = spec
        }

        /// The source.
        public struct Spec: Codable, Sendable, Equatable {
            /// The repository URL (`ssh://…` or `https://…`).
            public var url: String
            /// The poll interval, e.g. `1m`.
            public var interval: String
            /// Which revision.
            public var ref: Reference?
            /// Credentials (e.g. `identity`, `known_hosts`).
            public var secretRef: flux.LocalObjectReference?
            /// Fetch timeout.
            public var timeout: String?

            /// Creates a spec.
            public init(
                url: String,
                interval: String,
                ref: Reference? = nil,
                secretRef: flux.LocalObjectReference? = nil,
                timeout: String? = nil
            ) {
                self.url = url
                self.interval = interval
                self.ref = ref
                self.secretRef = secretRef
                self.timeout = timeout
            }
        }

        /// A Git revision selector.
        public struct Reference: Codable, Sendable, Equatable {
            public var branch: String?
            public var tag: String?
            /// A semver range over tags.
            public var semver: String?
            /// A commit SHA.
            public var commit: String?

            /// Creates a reference.
            public init(branch: String? = nil, tag: String? = nil, semver: String? = nil, commit: String? = nil) {
                self.branch = branch
                self.tag = tag
                self.semver = semver
                self.commit = commit
            }
        }
    }
}
