import EKSPlatformKit
import Foundation
import Synchronization

/// The Kubernetes client for the cluster phase, made on first use: the loopback API of `PLATFORMCTL_KUBE_API`, or the
/// EKS cluster itself (endpoint and CA from `DescribeCluster`, a native EKS token) once it exists.
final class ClusterAccess: Sendable {
    let session: AWSSession
    let platform: PlatformConfig
    let aws: AWSOptions
    private let cached = Mutex<KubeClient?>(nil)

    init(session: AWSSession, platform: PlatformConfig, aws: AWSOptions) {
        self.session = session
        self.platform = platform
        self.aws = aws
    }

    /// The client (created once).
    func client() async throws -> KubeClient {
        if let client = cached.withLock({ $0 }) { return client }
        let client: KubeClient
        if let local = try localKubeClient() {
            client = local
        } else {
            let cluster = try await session.eks.describeCluster(name: platform.name)
            guard let endpoint = cluster.endpoint, let ca = cluster.certificateAuthority?.data else {
                throw CLIError(message: "cluster \(platform.name) has no endpoint yet (status \(cluster.status))")
            }
            let tokens = try EKSTokenProvider(
                EKSTokenProvider.Options(
                    clusterName: platform.name,
                    region: session.region.name,
                    profile: aws.profile,
                    endpointURL: aws.endpointURL.flatMap(URL.init(string:))
                )
            )
            client = try KubeClient(
                try KubeClientConfiguration.eks(endpoint: endpoint, certificateAuthorityData: ca, tokens: tokens)
            )
        }
        return cached.withLock { current in
            if let current { return current }
            current = client
            return client
        }
    }

    /// The cluster objects applier/observer over this access.
    func objects() -> KubeClusterObjects {
        KubeClusterObjects(
            client: { try await self.client() },
            endpoint: { [session, platform] in try await session.eks.describeCluster(name: platform.name).endpoint ?? "" }
        )
    }

    /// Closes the client if one was made.
    func shutdown() async {
        if let client = cached.withLock({ $0 }) { try? await client.shutdown() }
    }
}
