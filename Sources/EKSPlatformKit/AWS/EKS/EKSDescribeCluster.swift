import Foundation

/// A minimal EKS `DescribeCluster`, enough for `platformctl kubeconfig` (endpoint + CA).
///
/// Kept in this one file on purpose: it is meant to be replaced by the full EKS client once that lands.
public struct EKSDescribeCluster: Sendable {
    /// The parts of a cluster that a kubeconfig needs.
    public struct Cluster: Sendable, Equatable, Decodable {
        /// The name.
        public var name: String
        /// The ARN (contains the account id: never used in names or output).
        public var arn: String?
        /// `CREATING`, `ACTIVE`, …
        public var status: String?
        /// The API server URL; absent while the cluster is being created.
        public var endpoint: String?
        /// The Kubernetes version.
        public var version: String?
        /// The cluster CA.
        public var certificateAuthority: CertificateAuthority?

        /// `certificateAuthority`.
        public struct CertificateAuthority: Sendable, Equatable, Decodable {
            /// Base64 PEM.
            public var data: String?
        }
    }

    private struct Output: Decodable {
        var cluster: Cluster
    }

    /// The client.
    public let client: AWSClient

    /// Creates the call on `client`.
    public init(client: AWSClient) { self.client = client }

    /// `GET /clusters/{name}`.
    public func describeCluster(name: String) async throws -> Cluster {
        let call = AWSCall(
            operation: "DescribeCluster",
            method: "GET",
            path: "/clusters/\(AWSURIEncoding.encode(name))",
            isMutating: false
        )
        let response = try await client.execute(call, service: .eks)
        do {
            return try AWSJSON.decoder().decode(Output.self, from: Data(response.body)).cluster
        } catch {
            throw AWSClientError(
                .invalidResponse,
                "the DescribeCluster response has no usable cluster: \(error)",
                service: "eks",
                operation: "DescribeCluster"
            )
        }
    }
}
