import Foundation

extension IAMClient {
    // MARK: - Instance profiles

    /// `CreateInstanceProfile`.
    public func createInstanceProfile(
        instanceProfileName: String,
        path: String? = nil,
        tags: [IAMTag] = []
    ) async throws
        -> IAMInstanceProfile
    {
        var p = QueryParameters(.query)
        p.set("InstanceProfileName", instanceProfileName)
        p.set("Path", path)
        p.setIAMTags(tags)
        let result = try await send("CreateInstanceProfile", p)
        return try IAMInstanceProfile(
            try child(result, "InstanceProfile", "CreateInstanceProfile"),
            operation: "CreateInstanceProfile"
        )
    }

    /// `GetInstanceProfile`.
    public func getInstanceProfile(instanceProfileName: String) async throws -> IAMInstanceProfile {
        var p = QueryParameters(.query)
        p.set("InstanceProfileName", instanceProfileName)
        let result = try await send("GetInstanceProfile", p, mutating: false)
        return try IAMInstanceProfile(
            try child(result, "InstanceProfile", "GetInstanceProfile"),
            operation: "GetInstanceProfile"
        )
    }

    /// `DeleteInstanceProfile` (remove its role first).
    public func deleteInstanceProfile(instanceProfileName: String) async throws {
        var p = QueryParameters(.query)
        p.set("InstanceProfileName", instanceProfileName)
        _ = try await send("DeleteInstanceProfile", p)
    }

    /// `AddRoleToInstanceProfile`.
    public func addRoleToInstanceProfile(instanceProfileName: String, roleName: String) async throws {
        var p = QueryParameters(.query)
        p.set("InstanceProfileName", instanceProfileName)
        p.set("RoleName", roleName)
        _ = try await send("AddRoleToInstanceProfile", p)
    }

    /// `RemoveRoleFromInstanceProfile`.
    public func removeRoleFromInstanceProfile(instanceProfileName: String, roleName: String) async throws {
        var p = QueryParameters(.query)
        p.set("InstanceProfileName", instanceProfileName)
        p.set("RoleName", roleName)
        _ = try await send("RemoveRoleFromInstanceProfile", p)
    }

    /// `ListInstanceProfilesForRole` as pages.
    public func listInstanceProfilesForRolePages(
        roleName: String,
        maxItems: Int? = nil
    )
        -> AWSPaginator<IAMInstanceProfile>
    {
        var p = QueryParameters(.query)
        p.set("RoleName", roleName)
        return paginate("ListInstanceProfilesForRole", p, maxItems: maxItems, list: "InstanceProfiles") { e, op in
            try IAMInstanceProfile(e, operation: op)
        }
    }

    /// `ListInstanceProfilesForRole`, all pages.
    public func listInstanceProfilesForRole(roleName: String) async throws -> [IAMInstanceProfile] {
        try await listInstanceProfilesForRolePages(roleName: roleName).allItems()
    }

    /// `ListInstanceProfiles` as pages. IAM leaves the tags out of this listing (they are decoded if present, but AWS
    /// sends none): read a profile's tags with ``getInstanceProfile(instanceProfileName:)``.
    public func listInstanceProfilesPages(
        pathPrefix: String? = nil,
        maxItems: Int? = nil
    )
        -> AWSPaginator<IAMInstanceProfile>
    {
        var p = QueryParameters(.query)
        p.set("PathPrefix", pathPrefix)
        return paginate("ListInstanceProfiles", p, maxItems: maxItems, list: "InstanceProfiles") { e, op in
            try IAMInstanceProfile(e, operation: op)
        }
    }

    /// `ListInstanceProfiles`, all pages.
    public func listInstanceProfiles(pathPrefix: String? = nil) async throws -> [IAMInstanceProfile] {
        try await listInstanceProfilesPages(pathPrefix: pathPrefix).allItems()
    }

    // MARK: - OpenID Connect providers

    /// `CreateOpenIDConnectProvider`; returns its ARN.
    public func createOpenIDConnectProvider(
        url: String,
        clientIDList: [String],
        thumbprintList: [String] = [],
        tags: [IAMTag] = []
    ) async throws -> String {
        var p = QueryParameters(.query)
        p.set("Url", url)
        p.setList("ClientIDList", clientIDList)
        p.setList("ThumbprintList", thumbprintList.isEmpty ? nil : thumbprintList)
        p.setIAMTags(tags)
        let result = try await send("CreateOpenIDConnectProvider", p)
        return try Self.require(result, "OpenIDConnectProviderArn", "CreateOpenIDConnectProvider")
    }

    /// `GetOpenIDConnectProvider`.
    public func getOpenIDConnectProvider(arn: String) async throws -> IAMOpenIDConnectProvider {
        var p = QueryParameters(.query)
        p.set("OpenIDConnectProviderArn", arn)
        let result = try await send("GetOpenIDConnectProvider", p, mutating: false)
        func strings(_ name: String) -> [String] {
            (result.child(name)?.items ?? []).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return IAMOpenIDConnectProvider(
            arn: arn,
            url: try Self.require(result, "Url", "GetOpenIDConnectProvider"),
            clientIDList: strings("ClientIDList"),
            thumbprintList: strings("ThumbprintList"),
            createDate: result.string("CreateDate").flatMap(EC2Timestamp.parse),
            tags: IAMTag.list(result.child("Tags"))
        )
    }

    /// `DeleteOpenIDConnectProvider`.
    public func deleteOpenIDConnectProvider(arn: String) async throws {
        var p = QueryParameters(.query)
        p.set("OpenIDConnectProviderArn", arn)
        _ = try await send("DeleteOpenIDConnectProvider", p)
    }
}
