import EKSPlatformKit

/// Configurations and contexts shared by the engine tests.
enum EngineFixtures {
    static let zones = ["us-west-2a", "us-west-2b", "us-west-2c"]
    static let accountID = "111122223333"
    static let context = PlatformContext(accountID: accountID, partition: "aws", region: "us-west-2")

    /// The platform of DESIGN.md: `dev` in us-west-2, defaults, one admin role, GitOps over SSH, `team: platform`.
    static func config(
        name: String = "dev",
        nat: PlatformConfig.NATGateways = .single,
        interruptionQueue: Bool = true,
        gitops: Bool = true
    ) -> PlatformConfig {
        var spec = PlatformConfig.Spec(region: "us-west-2")
        spec.network.natGateways = nat
        spec.access.admins = [.role("PlatformAdmin")]
        spec.karpenter.interruptionQueue = interruptionQueue
        if gitops {
            spec.gitops = PlatformConfig.GitOps(
                repository: .init(url: "ssh://git@github.com/acme/platform.git", branch: "main", path: "kube/clusters/\(name)"),
                credentials: .sshPrivateKey("op://Platform/flux-deploy-key/private key")
            )
        }
        spec.tags = ["team": "platform"]
        return PlatformConfig(name: name, spec: spec)
    }

    static func blueprint(_ config: PlatformConfig = config()) throws -> Blueprint {
        try Blueprint(config: config, zones: zones)
    }

    /// An observed state in which every desired resource exists exactly as desired.
    static func matching(
        _ blueprint: Blueprint,
        endpoint: String = "https://ABC.gr7.us-west-2.eks.amazonaws.com"
    )
        -> ObservedState
    {
        var resources = blueprint.resources.map { resource in
            ObservedResource(
                id: resource.id,
                physicalID: "phys-\(resource.id.name)",
                properties: resource.spec.properties(in: context),
                tags: resource.tags.merging(["aws:cloudformation:extra": "x"]) { first, _ in first },
                status: "ACTIVE"
            )
        }
        if let objects = blueprint.cluster {
            for (id, digest) in objects.desiredDigests(context: context, endpoint: endpoint) {
                resources.append(ObservedResource(id: id, physicalID: id.name, properties: [.digest: digest]))
            }
        }
        return ObservedState(context: context, availableZones: zones, resources: resources, clusterEndpoint: endpoint)
    }
}
