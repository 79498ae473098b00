import EKSAWS

extension flux.source.v1 {
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
            public var tag: String?
            /// A semver range.
            public var semver: String?
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
