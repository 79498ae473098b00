import EKSAWS

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
