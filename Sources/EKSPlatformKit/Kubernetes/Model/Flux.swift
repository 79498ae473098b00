extension flux {
    /// `source.toolkit.fluxcd.io`.
    public enum source {}
    /// `kustomize.toolkit.fluxcd.io`.
    public enum kustomize {}
    /// `helm.toolkit.fluxcd.io`.
    public enum helm {}

    /// A reference to a Secret or ConfigMap by name in the same namespace.
    public struct LocalObjectReference: Codable, Sendable, Equatable {
        /// The object name.
        public var name: String

        /// Creates a reference.
        public init(name: String) { self.name = name }
    }

    /// A cross-namespace reference to a Flux object.
    public struct CrossNamespaceObjectReference: Codable, Sendable, Equatable {
        /// The referent's API version (optional).
        public var apiVersion: String?
        /// The referent's kind.
        public var kind: String
        /// The referent's name.
        public var name: String
        /// The referent's namespace (defaults to the referrer's).
        public var namespace: String?

        /// Creates a reference.
        public init(apiVersion: String? = nil, kind: String, name: String, namespace: String? = nil) {
            self.apiVersion = apiVersion
            self.kind = kind
            self.name = name
            self.namespace = namespace
        }
    }
}

extension flux.source {
    /// Version v1.
    public enum v1 {}
}
extension flux.kustomize {
    /// Version v1.
    public enum v1 {}
}
extension flux.helm {
    /// Version v2.
    public enum v2 {}
}

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
        /// Metadata.
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
            /// A branch.
            public var branch: String?
            /// A tag.
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

    /// An OCI artifact source (e.g. a Helm chart in an OCI registry).
    public struct OCIRepository: KubernetesObject {
        /// `source.toolkit.fluxcd.io/v1`.
        public static var apiVersion: String { "source.toolkit.fluxcd.io/v1" }
        /// `OCIRepository`.
        public static var kind: String { "OCIRepository" }
        /// `source.toolkit.fluxcd.io/v1`.
        public private(set) var apiVersion: String = "source.toolkit.fluxcd.io/v1"
        /// `OCIRepository`.
        public private(set) var kind: String = "OCIRepository"
        /// Metadata.
        public var metadata: meta.v1.ObjectMeta
        /// The source.
        public var spec: Spec

        /// Creates an OCIRepository.
        public init(metadata: meta.v1.ObjectMeta, spec: Spec) {
            self.metadata = metadata
            self.spec = spec
        }

        /// The source.
        public struct Spec: Codable, Sendable, Equatable {
            /// The artifact URL, `oci://…`.
            public var url: String
            /// The poll interval.
            public var interval: String
            /// Which tag, semver range or digest.
            public var ref: Reference?
            /// Which layer to take.
            public var layerSelector: LayerSelector?
            /// `generic`, `aws`, `azure` or `gcp`.
            public var provider: String?

            /// Creates a spec.
            public init(
                url: String,
                interval: String,
                ref: Reference? = nil,
                layerSelector: LayerSelector? = nil,
                provider: String? = nil
            ) {
                self.url = url
                self.interval = interval
                self.ref = ref
                self.layerSelector = layerSelector
                self.provider = provider
            }
        }

        /// An OCI reference.
        public struct Reference: Codable, Sendable, Equatable {
            /// A tag.
            public var tag: String?
            /// A semver range.
            public var semver: String?
            /// A digest.
            public var digest: String?

            /// Creates a reference.
            public init(tag: String? = nil, semver: String? = nil, digest: String? = nil) {
                self.tag = tag
                self.semver = semver
                self.digest = digest
            }
        }

        /// Which layer of the artifact to use.
        public struct LayerSelector: Codable, Sendable, Equatable {
            /// The layer media type.
            public var mediaType: String?
            /// `extract` or `copy`.
            public var operation: String?

            /// Creates a selector.
            public init(mediaType: String? = nil, operation: String? = nil) {
                self.mediaType = mediaType
                self.operation = operation
            }
        }
    }
}

extension flux.helm.v2 {
    /// A Helm release reconciled by helm-controller.
    public struct HelmRelease: KubernetesObject {
        /// `helm.toolkit.fluxcd.io/v2`.
        public static var apiVersion: String { "helm.toolkit.fluxcd.io/v2" }
        /// `HelmRelease`.
        public static var kind: String { "HelmRelease" }
        /// `helm.toolkit.fluxcd.io/v2`.
        public private(set) var apiVersion: String = "helm.toolkit.fluxcd.io/v2"
        /// `HelmRelease`.
        public private(set) var kind: String = "HelmRelease"
        /// Metadata.
        public var metadata: meta.v1.ObjectMeta
        /// The release.
        public var spec: Spec

        /// Creates a HelmRelease.
        public init(metadata: meta.v1.ObjectMeta, spec: Spec) {
            self.metadata = metadata
            self.spec = spec
        }

        /// The release.
        public struct Spec: Codable, Sendable, Equatable {
            /// The reconcile interval.
            public var interval: String
            /// The chart source (`OCIRepository` or `HelmChart`).
            public var chartRef: flux.CrossNamespaceObjectReference?
            /// The Helm release name.
            public var releaseName: String?
            /// Where the chart's objects go.
            public var targetNamespace: String?
            /// Operation timeout.
            public var timeout: String?
            /// Install behaviour.
            public var install: Install?
            /// Upgrade behaviour.
            public var upgrade: Upgrade?
            /// Other HelmReleases to wait for.
            public var dependsOn: [flux.CrossNamespaceObjectReference]?
            /// The chart values.
            public var values: JSONValue?

            /// Creates a spec.
            public init(
                interval: String,
                chartRef: flux.CrossNamespaceObjectReference? = nil,
                releaseName: String? = nil,
                targetNamespace: String? = nil,
                timeout: String? = nil,
                install: Install? = nil,
                upgrade: Upgrade? = nil,
                dependsOn: [flux.CrossNamespaceObjectReference]? = nil,
                values: JSONValue? = nil
            ) {
                self.interval = interval
                self.chartRef = chartRef
                self.releaseName = releaseName
                self.targetNamespace = targetNamespace
                self.timeout = timeout
                self.install = install
                self.upgrade = upgrade
                self.dependsOn = dependsOn
                self.values = values
            }
        }

        /// The CRD lifecycle policy: `Skip`, `Create` or `CreateReplace`.
        public enum CRDPolicy: String, Codable, Sendable, Equatable {
            /// Leave CRDs alone.
            case skip = "Skip"
            /// Create missing CRDs only.
            case create = "Create"
            /// Create and replace CRDs (keeps them current on upgrade).
            case createReplace = "CreateReplace"
        }

        /// Remediation on failure.
        public struct Remediation: Codable, Sendable, Equatable {
            /// Retries before giving up (-1 = forever).
            public var retries: Int?

            /// Creates remediation settings.
            public init(retries: Int? = nil) { self.retries = retries }
        }

        /// Install behaviour.
        public struct Install: Codable, Sendable, Equatable {
            /// CRD policy on install.
            public var crds: CRDPolicy?
            /// Whether to create the target namespace.
            public var createNamespace: Bool?
            /// Remediation.
            public var remediation: Remediation?

            /// Creates install settings.
            public init(crds: CRDPolicy? = nil, createNamespace: Bool? = nil, remediation: Remediation? = nil) {
                self.crds = crds
                self.createNamespace = createNamespace
                self.remediation = remediation
            }
        }

        /// Upgrade behaviour.
        public struct Upgrade: Codable, Sendable, Equatable {
            /// CRD policy on upgrade.
            public var crds: CRDPolicy?
            /// Remediation.
            public var remediation: Remediation?

            /// Creates upgrade settings.
            public init(crds: CRDPolicy? = nil, remediation: Remediation? = nil) {
                self.crds = crds
                self.remediation = remediation
            }
        }
    }
}

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
        /// Metadata.
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
            /// The source.
            public var sourceRef: flux.CrossNamespaceObjectReference
            /// Specific objects to health-check.
            public var healthChecks: [flux.CrossNamespaceObjectReference]?
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
                self.postBuild = postBuild
                self.patches = patches
            }
        }

        /// A dependency on another Kustomization.
        public struct DependencyReference: Codable, Sendable, Equatable {
            /// Its name.
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
            /// Its name.
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
            /// Kind.
            public var kind: String?
            /// Name.
            public var name: String?
            /// Namespace.
            public var namespace: String?
            /// Label selector.
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
