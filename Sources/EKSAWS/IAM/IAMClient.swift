import Foundation

/// AWS Identity and Access Management: the role, policy, instance-profile and OIDC-provider operations the platform
/// uses. Responses are small, so they are read into an ``XMLTree`` tree.
public struct IAMClient: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.iam

    /// Creates an IAM client on `client`.
    public init(client: AWSClient) { self.client = client }

    // MARK: - Roles

    /// `CreateRole`.
    public func createRole(
        roleName: String,
        assumeRolePolicyDocument: String,
        path: String? = nil,
        description: String? = nil,
        maxSessionDuration: Int? = nil,
        permissionsBoundary: String? = nil,
        tags: [IAMTag] = []
    ) async throws -> IAMRole {
        var p = QueryParameters(.query)
        p.set("Path", path)
        p.set("RoleName", roleName)
        p.set("AssumeRolePolicyDocument", assumeRolePolicyDocument)
        p.set("Description", description)
        p.set("MaxSessionDuration", maxSessionDuration)
        p.set("PermissionsBoundary", permissionsBoundary)
        p.setIAMTags(tags)
        let result = try await send("CreateRole", p)
        return try IAMRole(try child(result, "Role", "CreateRole"), operation: "CreateRole")
    }

    /// `CreateServiceLinkedRole`: the role the service `awsServiceName` (`spot.amazonaws.com`) uses in this account.
    /// IAM names it (`AWSServiceRoleForEC2Spot`). When it exists, IAM answers `InvalidInput` saying the name "has
    /// been taken" (see ``AWSServiceError/isServiceLinkedRoleTaken``).
    public func createServiceLinkedRole(awsServiceName: String, description: String? = nil) async throws -> IAMRole {
        var p = QueryParameters(.query)
        p.set("AWSServiceName", awsServiceName)
        p.set("Description", description)
        let result = try await send("CreateServiceLinkedRole", p)
        return try IAMRole(try child(result, "Role", "CreateServiceLinkedRole"), operation: "CreateServiceLinkedRole")
    }

    /// `GetRole`.
    public func getRole(roleName: String) async throws -> IAMRole {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        let result = try await send("GetRole", p, mutating: false)
        return try IAMRole(try child(result, "Role", "GetRole"), operation: "GetRole")
    }

    /// `DeleteRole`.
    public func deleteRole(roleName: String) async throws {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        _ = try await send("DeleteRole", p)
    }

    /// `TagRole`.
    public func tagRole(roleName: String, tags: [IAMTag]) async throws {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        p.setIAMTags(tags)
        _ = try await send("TagRole", p)
    }

    /// `UpdateAssumeRolePolicy`.
    public func updateAssumeRolePolicy(roleName: String, policyDocument: String) async throws {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        p.set("PolicyDocument", policyDocument)
        _ = try await send("UpdateAssumeRolePolicy", p)
    }

    // MARK: - Managed policies on roles

    /// `AttachRolePolicy`.
    public func attachRolePolicy(roleName: String, policyArn: String) async throws {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        p.set("PolicyArn", policyArn)
        _ = try await send("AttachRolePolicy", p)
    }

    /// `DetachRolePolicy`.
    public func detachRolePolicy(roleName: String, policyArn: String) async throws {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        p.set("PolicyArn", policyArn)
        _ = try await send("DetachRolePolicy", p)
    }

    /// `ListAttachedRolePolicies` as pages.
    public func listAttachedRolePoliciesPages(roleName: String, maxItems: Int? = nil) -> AWSPaginator<IAMAttachedPolicy> {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        return paginate("ListAttachedRolePolicies", p, maxItems: maxItems, list: "AttachedPolicies") { e, operation in
            IAMAttachedPolicy(
                policyName: try Self.require(e, "PolicyName", operation),
                policyArn: try Self.require(e, "PolicyArn", operation)
            )
        }
    }

    /// `ListAttachedRolePolicies`, all pages.
    public func listAttachedRolePolicies(roleName: String) async throws -> [IAMAttachedPolicy] {
        try await listAttachedRolePoliciesPages(roleName: roleName).allItems()
    }

    // MARK: - Inline policies

    /// `PutRolePolicy`.
    public func putRolePolicy(roleName: String, policyName: String, policyDocument: String) async throws {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        p.set("PolicyName", policyName)
        p.set("PolicyDocument", policyDocument)
        _ = try await send("PutRolePolicy", p)
    }

    /// `GetRolePolicy`; returns the URL-decoded document.
    public func getRolePolicy(roleName: String, policyName: String) async throws -> String {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        p.set("PolicyName", policyName)
        let result = try await send("GetRolePolicy", p, mutating: false)
        return Self.decodePolicyDocument(try Self.require(result, "PolicyDocument", "GetRolePolicy"))
    }

    /// `DeleteRolePolicy`.
    public func deleteRolePolicy(roleName: String, policyName: String) async throws {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        p.set("PolicyName", policyName)
        _ = try await send("DeleteRolePolicy", p)
    }

    /// `ListRolePolicies` as pages (inline policy names).
    public func listRolePoliciesPages(roleName: String, maxItems: Int? = nil) -> AWSPaginator<String> {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        return paginate("ListRolePolicies", p, maxItems: maxItems, list: "PolicyNames") { e, _ in
            e.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// `ListRolePolicies`, all pages.
    public func listRolePolicies(roleName: String) async throws -> [String] {
        try await listRolePoliciesPages(roleName: roleName).allItems()
    }

    // MARK: - Customer managed policies

    /// `CreatePolicy`.
    public func createPolicy(
        policyName: String,
        policyDocument: String,
        path: String? = nil,
        description: String? = nil,
        tags: [IAMTag] = []
    ) async throws -> IAMPolicy {
        var p = QueryParameters(.query)
        p.set("PolicyName", policyName)
        p.set("Path", path)
        p.set("PolicyDocument", policyDocument)
        p.set("Description", description)
        p.setIAMTags(tags)
        let result = try await send("CreatePolicy", p)
        return try IAMPolicy(try child(result, "Policy", "CreatePolicy"), operation: "CreatePolicy")
    }

    /// `GetPolicy`.
    public func getPolicy(policyArn: String) async throws -> IAMPolicy {
        var p = QueryParameters(.query)
        p.set("PolicyArn", policyArn)
        let result = try await send("GetPolicy", p, mutating: false)
        return try IAMPolicy(try child(result, "Policy", "GetPolicy"), operation: "GetPolicy")
    }

    /// `DeletePolicy` (non-default versions must be deleted first on AWS).
    public func deletePolicy(policyArn: String) async throws {
        var p = QueryParameters(.query)
        p.set("PolicyArn", policyArn)
        _ = try await send("DeletePolicy", p)
    }

    /// `CreatePolicyVersion`.
    public func createPolicyVersion(
        policyArn: String,
        policyDocument: String,
        setAsDefault: Bool
    ) async throws
        -> IAMPolicyVersion
    {
        var p = QueryParameters(.query)
        p.set("PolicyArn", policyArn)
        p.set("PolicyDocument", policyDocument)
        p.set("SetAsDefault", setAsDefault)
        let result = try await send("CreatePolicyVersion", p)
        return try IAMPolicyVersion(try child(result, "PolicyVersion", "CreatePolicyVersion"), operation: "CreatePolicyVersion")
    }

    /// `DeletePolicyVersion`.
    public func deletePolicyVersion(policyArn: String, versionId: String) async throws {
        var p = QueryParameters(.query)
        p.set("PolicyArn", policyArn)
        p.set("VersionId", versionId)
        _ = try await send("DeletePolicyVersion", p)
    }

    /// `ListPolicyVersions` as pages.
    public func listPolicyVersionsPages(policyArn: String, maxItems: Int? = nil) -> AWSPaginator<IAMPolicyVersion> {
        var p = QueryParameters(.query)
        p.set("PolicyArn", policyArn)
        return paginate("ListPolicyVersions", p, maxItems: maxItems, list: "Versions") { e, operation in
            try IAMPolicyVersion(e, operation: operation)
        }
    }

    /// `ListPolicyVersions`, all pages.
    public func listPolicyVersions(policyArn: String) async throws -> [IAMPolicyVersion] {
        try await listPolicyVersionsPages(policyArn: policyArn).allItems()
    }

    // MARK: - Wire

    func send(_ operation: String, _ parameters: QueryParameters, mutating: Bool = true) async throws -> XMLTree {
        let call = AWSCall.query(operation, parameters, version: Self.service.apiVersion, isMutating: mutating)
        let response = try await client.execute(call, service: Self.service)
        let root: XMLTree
        do {
            root = try XMLTree.parse(response.body)
        } catch let error as XMLError {
            throw AWSClientError(
                .invalidResponse,
                "malformed XML (\(error)): \"\(AWSErrorDecoder.snippet(response.body))\"",
                service: "iam",
                operation: operation
            )
        }
        guard root.name == "\(operation)Response" else {
            throw AWSClientError(
                .invalidResponse,
                "expected <\(operation)Response>, got <\(root.name)>: \"\(AWSErrorDecoder.snippet(response.body))\"",
                service: "iam",
                operation: operation
            )
        }
        // Operations without output have no Result element; return the root then.
        return root.child("\(operation)Result") ?? root
    }

    func child(_ element: XMLTree, _ name: String, _ operation: String) throws -> XMLTree {
        guard let child = element.child(name) else {
            throw AWSClientError(.invalidResponse, "the response has no <\(name)>", service: "iam", operation: operation)
        }
        return child
    }

    static func require(_ element: XMLTree, _ name: String, _ operation: String) throws -> String {
        guard let value = element.string(name), !value.isEmpty else {
            throw AWSClientError(
                .invalidResponse,
                "the response has no <\(name)> in <\(element.name)>",
                service: "iam",
                operation: operation
            )
        }
        return value
    }

    /// A marker-paginated list (`IsTruncated` + `Marker`).
    func paginate<Item: Sendable>(
        _ operation: String,
        _ parameters: QueryParameters,
        maxItems: Int?,
        list: String,
        item: @escaping @Sendable (XMLTree, String) throws -> Item
    ) -> AWSPaginator<Item> {
        AWSPaginator(operation: operation) { marker in
            var page = parameters
            page.set("Marker", marker)
            page.set("MaxItems", maxItems)
            let result = try await send(operation, page, mutating: false)
            let items = try (result.child(list)?.items ?? []).map { try item($0, operation) }
            let truncated = result.string("IsTruncated") == "true"
            return AWSPage(items: items, nextToken: truncated ? result.string("Marker") : nil)
        }
    }

    /// IAM returns policy documents URL-encoded (`%7B%22Version%22…`); this gives back the JSON. A document that is
    /// already plain JSON (moto does that inside instance profiles) is returned as is.
    public static func decodePolicyDocument(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return trimmed }
        return trimmed.removingPercentEncoding ?? trimmed
    }
}

extension QueryParameters {
    /// Adds `Tags.member.N.Key` / `.Value`; nothing for no tags.
    mutating func setIAMTags(_ tags: [IAMTag]) {
        guard !tags.isEmpty else { return }
        setList("Tags", tags) { p, prefix, tag in
            p.set("\(prefix).Key", tag.key)
            p.set("\(prefix).Value", tag.value)
        }
    }
}
