import Foundation

/// Amazon EKS (rest-json): clusters, node groups, add-ons, Pod Identity, access entries, updates and tags.
public struct EKSClient: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.eks

    /// Creates an EKS client on `client`.
    public init(client: AWSClient) { self.client = client }

    // MARK: - Clusters

    /// `CreateCluster`.
    public func createCluster(_ request: EKSCreateClusterRequest) async throws -> EKSCluster {
        var body = request
        if body.clientRequestToken == nil { body.clientRequestToken = Self.token() }
        let out: ClusterOutput = try await send("CreateCluster", "POST", "/clusters", body: body)
        return out.cluster
    }

    /// `DescribeCluster`.
    public func describeCluster(name: String) async throws -> EKSCluster {
        let out: ClusterOutput = try await send("DescribeCluster", "GET", "/clusters/\(Self.segment(name))")
        return out.cluster
    }

    /// `ListClusters` as pages.
    public func listClustersPages(maxResults: Int? = nil) -> AWSPaginator<String> {
        AWSPaginator(operation: "ListClusters") { token in
            let out: NamesOutput = try await send(
                "ListClusters",
                "GET",
                "/clusters",
                query: Self.pageQuery(maxResults, token)
            )
            return AWSPage(items: out.names, nextToken: out.nextToken)
        }
    }

    /// `ListClusters`, all pages.
    public func listClusters() async throws -> [String] { try await listClustersPages().allItems() }

    /// `DeleteCluster` (node groups must be gone first).
    @discardableResult
    public func deleteCluster(name: String) async throws -> EKSCluster {
        let out: ClusterOutput = try await send("DeleteCluster", "DELETE", "/clusters/\(Self.segment(name))")
        return out.cluster
    }

    /// `UpdateClusterConfig`: one kind of change per call (logging, VPC access or access config).
    /// Returns the update, or `nil` when the service does not report one (moto answers `{}`).
    @discardableResult
    public func updateClusterConfig(
        name: String,
        resourcesVpcConfig: EKSVpcConfigRequest? = nil,
        logging: EKSLogging? = nil,
        accessConfig: EKSAccessConfig? = nil,
        clientRequestToken: String? = nil
    ) async throws -> EKSUpdate? {
        struct Body: Encodable {
            var resourcesVpcConfig: EKSVpcConfigRequest?
            var logging: EKSLogging?
            var accessConfig: EKSAccessConfig?
            var clientRequestToken: String?
        }
        let body = Body(
            resourcesVpcConfig: resourcesVpcConfig,
            logging: logging,
            accessConfig: accessConfig.map { EKSAccessConfig(authenticationMode: $0.authenticationMode) },
            clientRequestToken: clientRequestToken ?? Self.token()
        )
        let out: OptionalUpdateOutput = try await send(
            "UpdateClusterConfig",
            "POST",
            "/clusters/\(Self.segment(name))/update-config",
            body: body
        )
        return out.update
    }

    /// `UpdateClusterVersion` (one minor version at a time).
    public func updateClusterVersion(
        name: String,
        version: String,
        clientRequestToken: String? = nil
    ) async throws
        -> EKSUpdate
    {
        struct Body: Encodable {
            var version: String
            var clientRequestToken: String?
        }
        let out: UpdateOutput = try await send(
            "UpdateClusterVersion",
            "POST",
            "/clusters/\(Self.segment(name))/updates",
            body: Body(version: version, clientRequestToken: clientRequestToken ?? Self.token())
        )
        return out.update
    }

    /// `DescribeUpdate` for a cluster, node group or add-on update.
    public func describeUpdate(
        name: String,
        updateId: String,
        nodegroupName: String? = nil,
        addonName: String? = nil
    ) async throws -> EKSUpdate {
        var query: [(String, String)] = []
        if let nodegroupName { query.append(("nodegroupName", nodegroupName)) }
        if let addonName { query.append(("addonName", addonName)) }
        let out: UpdateOutput = try await send(
            "DescribeUpdate",
            "GET",
            "/clusters/\(Self.segment(name))/updates/\(Self.segment(updateId))",
            query: query
        )
        return out.update
    }

    /// `TagResource` on a cluster, node group, add-on, access entry or association ARN.
    public func tagResource(resourceArn: String, tags: [String: String]) async throws {
        struct Body: Encodable { var tags: [String: String] }
        let _: Empty = try await send("TagResource", "POST", "/tags/\(Self.segment(resourceArn))", body: Body(tags: tags))
    }

    /// `UntagResource`: removes `tagKeys` (absent keys are no error).
    public func untagResource(resourceArn: String, tagKeys: [String]) async throws {
        let _: Empty = try await send(
            "UntagResource",
            "DELETE",
            "/tags/\(Self.segment(resourceArn))",
            query: tagKeys.sorted().map { ("tagKeys", $0) }
        )
    }

    // MARK: - Wire

    struct Empty: Decodable {}
    struct ClusterOutput: Decodable { var cluster: EKSCluster }
    struct UpdateOutput: Decodable { var update: EKSUpdate }
    struct OptionalUpdateOutput: Decodable { var update: EKSUpdate? }

    /// `{ "<list>": [String], "nextToken": … }`: the list member's name differs per operation.
    struct NamesOutput: Decodable {
        var names: [String]
        var nextToken: String?

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        static let listKeys = ["clusters", "nodegroups", "addons", "accessEntries"]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            guard let key = container.allKeys.first(where: { Self.listKeys.contains($0.stringValue) }) else {
                throw DecodingError.keyNotFound(
                    Key(stringValue: Self.listKeys.joined(separator: "|")),
                    .init(codingPath: [], debugDescription: "no list member")
                )
            }
            names = try container.decodeIfPresent([String].self, forKey: key) ?? []
            nextToken = try container.decodeIfPresent(String.self, forKey: Key(stringValue: "nextToken"))
        }
    }

    struct NoBody: Encodable {}

    func send<Output: Decodable>(
        _ operation: String,
        _ method: String,
        _ path: String,
        query: [(String, String)] = []
    ) async throws -> Output {
        try await send(operation, method, path, query: query, body: NoBody?.none)
    }

    func send<Input: Encodable, Output: Decodable>(
        _ operation: String,
        _ method: String,
        _ path: String,
        query: [(String, String)] = [],
        body: Input?,
        mutating: Bool? = nil
    ) async throws -> Output {
        var headers: [(name: String, value: String)] = []
        var bytes: [UInt8] = []
        if let body {
            bytes = Array(try AWSJSON.encoder().encode(body))
            headers.append(("content-type", "application/json"))
        }
        let call = AWSCall(
            operation: operation,
            method: method,
            path: path,
            query: query,
            headers: headers,
            body: bytes,
            isMutating: mutating ?? (method != "GET")
        )
        return try await client.executeJSON(call, service: Self.service)
    }

    /// A path segment, percent-encoded (ARNs keep no `/` or `:` unencoded).
    static func segment(_ value: String) -> String { AWSURIEncoding.encode(value) }

    static func pageQuery(_ maxResults: Int?, _ token: String?) -> [(String, String)] {
        var query: [(String, String)] = []
        if let maxResults { query.append(("maxResults", String(maxResults))) }
        if let token { query.append(("nextToken", token)) }
        return query
    }

    static func token() -> String { UUID().uuidString.lowercased() }
}
