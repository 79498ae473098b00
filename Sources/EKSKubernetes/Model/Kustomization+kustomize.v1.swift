import EKSAWS

extension flux.kustomize.v1 {
    /// A Flux Kustomization: applies a path of a source, with ordering, health checks and substitution.
    public struct Kustomization: KubernetesObject {
        /// `kustomize.toolkit.fluxcd.io/v1`.
        public static var apiVersion: String { "kustomize.toolkit.fluxcd.io/v1" }
        /// `Kustomization`.
        public static var kind: String { "Kustomization" }
        /// `kustomize.toolkit.fluxcd.io/v1`.
        public private(set) var apiVersion: String = "kustomize.toolkit.fluxcd.io/v1"
        /// `Kustomization`.
        public private(set) var kind: String = "Kustomization"
        public var metadata: meta.v1.ObjectMeta
        /// The Kustomization.
        public var spec: Spec

        /// Creates a Kustomization.
        public init(metadata: meta.v1.ObjectMeta, spec: Spec) {
            self.metadata = metadata
            self.spec = spec
        }

        /// The Kustomization.
        public struct Spec: Codable, Sendable, Equatable {
            /// Other Kustomizations that must be Ready first.
            public var dependsOn: [DependencyReference]?
            /// The reconcile interval.
            public var interval: String
            /// The retry interval after a failure.
            public var retryInterval: String?
            /// The path inside the source, relative to its root.
            public var path: String?
            /// Whether to delete objects removed from the source.
            public var prune: Bool
            /// Whether to wait for every applied object to become ready.
            public var wait: Bool?
            /// Timeout for apply and health checks.
            public var timeout: String?
            public var sourceRef: flux.CrossNamespaceObjectReference
            /// Specific objects to health-check.
            public var healthChecks: [flux.CrossNamespaceObjectReference]?
            /// CEL health checks per kind, replacing kstatus's rules for the objects of that kind (Flux ≥ 2.5).
            public var healthCheckExprs: [CustomHealthCheck]?
            /// Variable substitution after the build.
            public var postBuild: PostBuild?
            /// Kustomize patches.
            public var patches: [Patch]?

            /// Creates a spec.
            public init(
                dependsOn: [DependencyReference]? = nil,
                interval: String,
                retryInterval: String? = nil,
                path: String? = nil,
                prune: Bool,
                wait: Bool? = nil,
                timeout: String? = nil,
                sourceRef: flux.CrossNamespaceObjectReference,
                healthChecks: [flux.CrossNamespaceObjectReference]? = nil,
                healthCheckExprs: [CustomHealthCheck]? = nil,
                postBuild: PostBuild? = nil,
                patches: [Patch]? = nil
            ) {
                self.dependsOn = dependsOn
                self.interval = interval
                self.retryInterval = retryInterval
                self.path = path
                self.prune = prune
                self.wait = wait
                self.timeout = timeout
                self.sourceRef = sourceRef
                self.healthChecks = healthChecks
                self.healthCheckExprs = healthCheckExprs
                self.postBuild = postBuild
                self.patches = patches
            }
        }

        /// A CEL health check for every applied object of one kind (fluxcd/flux2 RFC-0009): after kstatus's
        /// observedGeneration rule, `inProgress`, `failed` and `current` are evaluated in that order and the first that
        /// holds decides; when none holds the object is still in progress.
        public struct CustomHealthCheck: Codable, Sendable, Equatable {
            /// The objects' `apiVersion`.
            public var apiVersion: String
            /// The objects' kind.
            public var kind: String
            /// When the object has reached its desired state.
            public var current: String
            /// When the object is still on its way (optional).
            public var inProgress: String?
            /// When the object has failed to reach its desired state (optional).
            public var failed: String?

            /// Creates a check.
            public init(apiVersion: String, kind: String, current: String, inProgress: String? = nil, failed: String? = nil) {
                self.apiVersion = apiVersion
                self.kind = kind
                self.current = current
                self.inProgress = inProgress
                self.failed = failed
            }
        }

        /// A dependency on another Kustomization.
        public struct DependencyReference: Codable, Sendable, Equatable {
            public var name: String
            /// Its namespace (defaults to the same).
            public var namespace: String?

            /// Creates a dependency.
            public init(name: String, namespace: String? = nil) {
                self.name = name
                self.namespace = namespace
            }
        }

        /// Post-build variable substitution.
        public struct PostBuild: Codable, Sendable, Equatable {
            /// Inline variables (win over `substituteFrom`).
            public var substitute: SortedMap<String>?
            /// ConfigMaps/Secrets whose data keys become variables.
            public var substituteFrom: [SubstituteReference]?

            /// Creates post-build settings.
            public init(substitute: SortedMap<String>? = nil, substituteFrom: [SubstituteReference]? = nil) {
                self.substitute = substitute
                self.substituteFrom = substituteFrom
            }
        }

        /// A ConfigMap or Secret holding substitution variables.
        public struct SubstituteReference: Codable, Sendable, Equatable {
            /// `ConfigMap` or `Secret`.
            public var kind: String
            public var name: String
            /// Whether a missing object is tolerated.
            public var optional: Bool?

            /// Creates a reference.
            public init(kind: String, name: String, optional: Bool? = nil) {
                self.kind = kind
                self.name = name
                self.optional = optional
            }
        }

        /// A strategic-merge or JSON6902 patch.
        public struct Patch: Codable, Sendable, Equatable {
            /// The patch text.
            public var patch: String
            /// Which objects it applies to.
            public var target: PatchTarget?

            /// Creates a patch.
            public init(patch: String, target: PatchTarget? = nil) {
                self.patch = patch
                self.target = target
            }
        }

        /// A patch target selector.
        public struct PatchTarget: Codable, Sendable, Equatable {
            /// API group.
            public var group: String?
            /// API version.
            public var version: String?
            public var kind: String?
            public var name: String?
            public var namespace: String?
            public var labelSelector: String?

            /// Creates a target.
            public init(
                group: String? = nil,
                version: String? = nil,
                kind: String? = nil,
                name: String? = nil,
                namespace: String? = nil,
                labelSelector: String? = nil
            ) {
                self.group = group
                self.version = version
                self.kind = kind
                self.name = name
                self.namespace = namespace
                self.labelSelector = labelSelector
            }
        }
    }
}
