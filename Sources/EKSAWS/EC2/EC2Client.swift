import Foundation

/// Amazon EC2: the networking, instance and launch-template operations the platform uses.
///
/// Requests use the EC2 query protocol; responses are decoded while libxml2 streams through them
/// (``EC2ResponseDecoder``), so a 2,000-instance `DescribeInstances` page never becomes a tree in memory.
public struct EC2Client: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.ec2

    /// Creates an EC2 client on `client`.
    public init(client: AWSClient) { self.client = client }

    // MARK: - Wire

    /// Sends `operation` and decodes its response as `T`.
    func send<T: EC2Decodable>(
        _ operation: String,
        _ parameters: QueryParameters,
        mutating: Bool,
        as type: T.Type = T.self
    ) async throws -> T {
        let call = AWSCall.query(operation, parameters, version: Self.service.apiVersion, isMutating: mutating)
        let response = try await client.execute(call, service: Self.service)
        return try EC2ResponseDecoder.decode(T.self, from: response.body, operation: operation)
    }

    /// Sends an operation whose response is `<return>true</return>` and checks it.
    func sendExpectingReturn(_ operation: String, _ parameters: QueryParameters) async throws {
        let flat = try await send(operation, parameters, mutating: true, as: EC2FlatResponse.self)
        if let value = flat.values["return"], value != "true" {
            throw AWSClientError(
                .invalidResponse,
                "EC2 answered return=\(value) (the request was not carried out)",
                service: "ec2",
                operation: operation
            )
        }
    }

    /// Sends a Create operation and returns the object it names.
    func sendCreate<T: EC2Element>(_ operation: String, _ parameters: QueryParameters) async throws -> T {
        let response = try await send(operation, parameters, mutating: true, as: EC2ObjectResponse<T>.self)
        guard let object = response.object else {
            throw AWSClientError(
                .invalidResponse,
                "the response has no <\(T.responseElement)> element",
                service: "ec2",
                operation: operation
            )
        }
        return object
    }

    /// Reads a required member from a flat response.
    func required(_ response: EC2FlatResponse, _ name: String, _ operation: String) throws -> String {
        guard let value = response.values[name], !value.isEmpty else {
            throw AWSClientError(.invalidResponse, "the response has no <\(name)>", service: "ec2", operation: operation)
        }
        return value
    }

    /// A paginator for a Describe operation whose list items are `Item`.
    func paginate<Item: EC2Decodable>(
        _ operation: String,
        _ parameters: QueryParameters,
        maxResults: Int?
    ) -> AWSPaginator<Item> {
        AWSPaginator(operation: operation) { token in
            var page = parameters
            page.set("MaxResults", maxResults)
            page.set("NextToken", token)
            let response = try await send(operation, page, mutating: false, as: EC2ListResponse<Item>.self)
            return AWSPage(items: response.items, nextToken: response.nextToken)
        }
    }

    /// A fresh idempotency token.
    static func token() -> String { UUID().uuidString.lowercased() }
}

extension QueryParameters {
    /// Adds `Filter.N.Name` / `Filter.N.Value.M` (EC2).
    mutating func setFilters(_ filters: [EC2Filter]?, name: String = "Filter") {
        guard let filters, !filters.isEmpty else { return }
        setList(name, filters) { p, prefix, filter in
            p.set("\(prefix).Name", filter.name)
            p.setList("\(prefix).Value", filter.values)
        }
    }

    /// Adds `TagSpecification.N.ResourceType` / `.Tag.M.Key` / `.Tag.M.Value`; nothing for no tags.
    mutating func setTagSpecifications(_ specifications: [EC2TagSpecification]) {
        let present = specifications.filter { !$0.tags.isEmpty }
        guard !present.isEmpty else { return }
        setList("TagSpecification", present) { p, prefix, spec in
            p.set("\(prefix).ResourceType", spec.resourceType)
            p.setTags(spec.tags, name: "\(prefix).Tag")
        }
    }

    /// Adds `NAME.N.Key` / `NAME.N.Value`.
    mutating func setTags(_ tags: [EC2Tag], name: String = "Tag") {
        setList(name, tags) { p, prefix, tag in
            p.set("\(prefix).Key", tag.key)
            p.set("\(prefix).Value", tag.value)
        }
    }

    /// Adds `NAME.N.IpProtocol`, ports, `IpRanges.M.CidrIp` and `Groups.M.GroupId`.
    mutating func setIpPermissions(_ permissions: [EC2IpPermission], name: String = "IpPermissions") {
        setList(name, permissions) { p, prefix, rule in
            p.set("\(prefix).IpProtocol", rule.ipProtocol)
            p.set("\(prefix).FromPort", rule.fromPort)
            p.set("\(prefix).ToPort", rule.toPort)
            p.setList("\(prefix).IpRanges", rule.ipRanges.isEmpty ? nil : rule.ipRanges) { p, prefix, range in
                p.set("\(prefix).CidrIp", range.cidrIp)
                p.set("\(prefix).Description", range.description)
            }
            p.setList("\(prefix).Groups", rule.userIdGroupPairs.isEmpty ? nil : rule.userIdGroupPairs) { p, prefix, pair in
                p.set("\(prefix).GroupId", pair.groupId)
                p.set("\(prefix).Description", pair.description)
            }
        }
    }
}
