import Foundation

/// A Kubernetes version EKS offers in a region, as `DescribeClusterVersions` reports it.
public struct EKSClusterVersion: Sendable, Equatable, Decodable {
    /// `1.NN`.
    public var clusterVersion: String
    /// `STANDARD_SUPPORT`, `EXTENDED_SUPPORT` or `UNSUPPORTED`.
    public var versionStatus: String?
    /// Whether new clusters get this version when none is given.
    public var defaultVersion: Bool?
    /// When standard support ends (extended support costs more per cluster-hour afterwards).
    public var endOfStandardSupportDate: Date?
}

extension EKSClient {
    /// `DescribeClusterVersions`, all pages; `clusterVersions` narrows the answer to those versions.
    public func describeClusterVersions(clusterVersions: [String] = []) async throws -> [EKSClusterVersion] {
        struct Output: Decodable {
            var clusterVersions: [EKSClusterVersion]?
            var nextToken: String?
        }
        return try await AWSPaginator<EKSClusterVersion>(operation: "DescribeClusterVersions") { token in
            var query = Self.pageQuery(nil, token)
            for version in clusterVersions { query.append(("clusterVersions", version)) }
            let out: Output = try await send("DescribeClusterVersions", "GET", "/cluster-versions", query: query)
            return AWSPage(items: out.clusterVersions ?? [], nextToken: out.nextToken)
        }.allItems()
    }
}
