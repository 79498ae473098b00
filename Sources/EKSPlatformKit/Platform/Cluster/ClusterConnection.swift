import EKSAWS
import EKSKubernetes
import Foundation
import Synchronization

/// How the engine reaches the cluster's Kubernetes API, made on first use: a given API server (a local one such as
/// kube-fake, or any ``KubeClientConfiguration``), or the EKS cluster itself once it exists — its endpoint and CA from
/// `DescribeCluster`, authenticated with a native EKS token for the session's credentials.
public final class ClusterConnection: Sendable {
    /// Where the API is.
    public enum Target: Sendable {
        /// The platform's EKS cluster, found with `DescribeCluster`; `tokens` says how tokens are signed (its
        /// cluster name and region are the platform's).
        case eks(tokens: EKSTokenProvider.Options)
        /// A fixed API server.
        case server(KubeClientConfiguration)
    }

    let session: AWSSession
    let clusterName: String
    let target: Target
    private let cached = Mutex<KubeClient?>(nil)

    /// A connection to `clusterName`'s API through `target`.
    public init(session: AWSSession, clusterName: String, target: Target) {
        self.session = session
        self.clusterName = clusterName
        self.target = target
    }

    /// A connection to the EKS cluster `clusterName`, signing tokens like `session` does (same profile and endpoint).
    public convenience init(
        session: AWSSession,
        clusterName: String,
        profile: String? = nil,
        endpointURL: URL? = nil,
        allowInsecureHTTP: Bool = false
    ) {
        self.init(
            session: session,
            clusterName: clusterName,
            target: .eks(
                tokens: EKSTokenProvider.Options(
                    clusterName: clusterName,
                    region: session.region.name,
                    profile: profile,
                    endpointURL: endpointURL,
                    allowInsecureHTTP: allowInsecureHTTP
                )
            )
        )
    }

    /// The cluster has no API endpoint yet (it is still being created, or was never created).
    public struct NotReadyError: Error, Sendable, CustomStringConvertible {
        public var cluster: String
        /// Its EKS status.
        public var status: String
        /// What is wrong.
        public var description: String { "cluster \(cluster) has no API endpoint yet (status \(status))" }
    }

    /// The client (created once).
    public func client() async throws -> KubeClient {
        if let client = cached.withLock({ $0 }) { return client }
        let client: KubeClient
        switch target {
        case .server(let configuration):
            var configuration = configuration
            configuration.redactor = session.redactor
            client = try KubeClient(configuration)
        case .eks(var options):
            let cluster = try await session.eks.describeCluster(name: clusterName)
            guard let endpoint = cluster.endpoint, let ca = cluster.certificateAuthority?.data else {
                throw NotReadyError(cluster: clusterName, status: cluster.status.rawValue)
            }
            options.clusterName = clusterName
            options.region = session.region.name
            var configuration = try KubeClientConfiguration.eks(
                endpoint: endpoint,
                certificateAuthorityData: ca,
                tokens: try EKSTokenProvider(options)
            )
            configuration.redactor = session.redactor
            client = try KubeClient(configuration)
        }
        return cached.withLock { current in
            if let current { return current }
            current = client
            return client
        }
    }

    /// The engine's in-cluster objects (Flux install, credentials, sync objects, `platform-vars`) over this
    /// connection; the Flux manifest is downloaded through the session's transport. `fullRefresh` compares the sync
    /// objects' content instead of trusting their digest annotations.
    package func objects(fullRefresh: Bool = false) -> KubeClusterObjects {
        var objects = KubeClusterObjects(
            client: { try await self.client() },
            endpoint: { [session, clusterName] in
                try await session.eks.describeCluster(name: clusterName).endpoint ?? ""
            },
            loadManifest: { [session] in try await KubeClusterObjects.download($0, using: session.transport) },
            redactor: session.redactor
        )
        objects.fullRefresh = fullRefresh
        return objects
    }

    /// Closes the client if one was made.
    public func shutdown() async {
        if let client = cached.withLock({ $0 }) { try? await client.shutdown() }
    }
}
