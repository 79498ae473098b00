import EKSAWS

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
            public var remediation: Remediation?

            /// Creates upgrade settings.
            public init(crds: CRDPolicy? = nil, remediation: Remediation? = nil) {
                self.crds = crds
                self.remediation = remediation
            }
        }
    }
}
