import EKSAWS

/// A `kustomization.yaml` (`kustomize.config.k8s.io/v1beta1`): the list of files and folders a folder builds from.
public struct KustomizeConfig: Codable, Sendable, Equatable {
    /// `kustomize.config.k8s.io/v1beta1`.
    public private(set) var apiVersion: String = "kustomize.config.k8s.io/v1beta1"
    /// `Kustomization`.
    public private(set) var kind: String = "Kustomization"
    /// Files and folders, relative to the kustomization.
    public var resources: [String]
    /// Patches applied to the resources' objects; `nil` writes no `patches:` key.
    public var patches: [Patch]?

    /// Creates a kustomization listing `resources`, optionally patched.
    public init(resources: [String], patches: [Patch]? = nil) {
        self.resources = resources
        self.patches = patches
    }

    /// One entry of `patches:`: a patch file (strategic merge or JSON 6902) and the objects it applies to.
    public struct Patch: Codable, Sendable, Equatable {
        /// The patch file, relative to the kustomization.
        public var path: String
        /// Which objects the patch applies to; every match is patched (the patch's own name is ignored then).
        public var target: Target?

        /// Creates a patch entry.
        public init(path: String, target: Target? = nil) {
            self.path = path
            self.target = target
        }
    }

    /// A patch target: every object matching all the given fields.
    public struct Target: Codable, Sendable, Equatable {
        /// API group, e.g. `apps`.
        public var group: String?
        /// Version, e.g. `v1`.
        public var version: String?
        /// Kind, e.g. `Deployment`.
        public var kind: String?
        /// Namespace of the objects.
        public var namespace: String?
        /// Object name (a regular expression for kustomize).
        public var name: String?
        /// A label selector, e.g. `app.kubernetes.io/part-of=flux`.
        public var labelSelector: String?

        /// Creates a target.
        public init(
            group: String? = nil,
            version: String? = nil,
            kind: String? = nil,
            namespace: String? = nil,
            name: String? = nil,
            labelSelector: String? = nil
        ) {
            self.group = group
            self.version = version
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.labelSelector = labelSelector
        }
    }
}
