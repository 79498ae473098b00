import EKSAWS
import EKSKubernetes

/// The objects the engine applies to the cluster itself (not through GitOps): Flux from its pinned release
/// manifest, the Git credentials Secret, the `flux-system` GitRepository + Kustomization pointing at
/// `gitops.repository.path`, and the `platform-vars` ConfigMap whose values only exist at run time.
public struct ClusterObjects: Sendable, Equatable {
    /// The namespace Flux runs in.
    public static let fluxNamespace = "flux-system"
    /// The name of the GitRepository, Kustomization and credentials Secret (as `flux bootstrap` names them).
    public static let syncName = "flux-system"
    /// The field manager the engine applies with.
    public static let fieldManager = "platformctl"

    /// Where Flux's `install.yaml` comes from and the SHA-256 it must have.
    public var fluxManifest: FluxRelease
    /// Where the repository credentials come from; `nil` for a public repository.
    public var credentials: PlatformConfig.Credentials?
    /// The GitRepository `flux-system/flux-system`.
    public var gitRepository: flux.source.v1.GitRepository
    /// The Kustomization `flux-system/flux-system` at the cluster path.
    public var kustomization: flux.kustomize.v1.Kustomization
    /// The configuration (for `platform-vars`).
    let config: PlatformConfig

    /// Derives the objects from the configuration.
    public init(config: PlatformConfig, gitops: PlatformConfig.GitOps) {
        self.config = config
        self.fluxManifest = FluxRelease(flux: gitops.flux)
        self.credentials = gitops.credentials
        let labels: SortedMap<String> = ["app.kubernetes.io/managed-by": "platformctl"]
        self.gitRepository = flux.source.v1.GitRepository(
            metadata: meta.v1.ObjectMeta(name: Self.syncName, namespace: Self.fluxNamespace, labels: labels),
            spec: .init(
                url: gitops.repository.url,
                interval: "1m",
                ref: .init(branch: gitops.repository.branch),
                secretRef: gitops.credentials == nil ? nil : flux.LocalObjectReference(name: Self.syncName)
            )
        )
        let path = gitops.repository.path.hasPrefix("./") ? gitops.repository.path : "./" + gitops.repository.path
        self.kustomization = flux.kustomize.v1.Kustomization(
            metadata: meta.v1.ObjectMeta(name: Self.syncName, namespace: Self.fluxNamespace, labels: labels),
            spec: .init(
                interval: "10m",
                path: path,
                prune: true,
                sourceRef: flux.CrossNamespaceObjectReference(kind: "GitRepository", name: Self.syncName)
            )
        )
    }

    /// The Secret Flux's source-controller reads for SSH: `identity` (the private key) and `known_hosts`.
    public func gitCredentialsSecret(identity: String, knownHosts: String) -> core.v1.Secret {
        core.v1.Secret(
            metadata: meta.v1.ObjectMeta(
                name: Self.syncName,
                namespace: Self.fluxNamespace,
                labels: ["app.kubernetes.io/managed-by": "platformctl"]
            ),
            type: "Opaque",
            stringData: ["identity": identity, "known_hosts": knownHosts]
        )
    }

    /// The values of `platform-vars`: every variable the rendered tree uses, plus region, account id and role names
    /// for anything else in the cluster. Lives only in the cluster; never written to git.
    public func platformVariables(context: PlatformContext, endpoint: String) -> [String: String] {
        let names = Blueprint.Names(cluster: config.name)
        var values: [String: String] = [
            GitOpsRenderer.Variable.clusterName.rawValue: config.name,
            GitOpsRenderer.Variable.clusterEndpoint.rawValue: endpoint,
            GitOpsRenderer.Variable.karpenterNodeRoleName.rawValue: names.karpenterNodeRole,
            "AWS_REGION": context.region,
            "AWS_ACCOUNT_ID": context.accountID,
            "KARPENTER_CONTROLLER_ROLE_NAME": names.karpenterControllerRole,
            "SYSTEM_NODE_ROLE_NAME": names.systemNodeRole,
        ]
        if config.spec.karpenter.interruptionQueue {
            values[GitOpsRenderer.Variable.karpenterQueueName.rawValue] = names.interruptionQueue
        }
        return values
    }

    /// The `platform-vars` ConfigMap (built on ``GitOpsRenderer/variablesConfigMap(for:values:)`` so every variable
    /// the tree references is guaranteed present).
    /// - Throws: ``GitOpsRenderer/MissingVariablesError`` if the tree references a variable the engine cannot fill.
    public func variablesConfigMap(context: PlatformContext, endpoint: String) throws -> core.v1.ConfigMap {
        let values = platformVariables(context: context, endpoint: endpoint)
        var typed: [GitOpsRenderer.Variable: String] = [:]
        for variable in GitOpsRenderer.Variable.allCases {
            if let value = values[variable.rawValue] { typed[variable] = value }
        }
        var map = try GitOpsRenderer.variablesConfigMap(for: config, values: typed)
        var data = map.data ?? SortedMap()
        for (key, value) in values where data[key] == nil { data[key] = value }
        map.data = data
        return map
    }
}
