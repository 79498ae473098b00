import EKSAWS

/// A `kustomization.yaml` (`kustomize.config.k8s.io/v1beta1`): the list of files and folders a folder builds from.
public struct KustomizeConfig: Codable, Sendable, Equatable {
    /// `kustomize.config.k8s.io/v1beta1`.
    public private(set) var apiVersion: String = "kustomize.config.k8s.io/v1beta1"
    /// `Kustomization`.
    public private(set) var kind: String = "Kustomization"
    /// Files and folders, relative to the kustomization.
    public var resources: [String]

    /// Creates a kustomization listing `resources`.
    public init(resources: [String]) { self.resources = resources }
}
