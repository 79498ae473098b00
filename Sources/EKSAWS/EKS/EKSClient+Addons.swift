import Foundation

extension EKSClient {
    /// `CreateAddon` (`request.addonName` is required).
    public func createAddon(clusterName: String, _ request: EKSAddonRequest) async throws -> EKSAddon {
        guard request.addonName?.isEmpty == false else {
            throw AWSClientError(
                .invalidParameter,
                "CreateAddon needs an addonName",
                service: "eks",
                operation: "CreateAddon"
            )
        }
        var body = request
        if body.clientRequestToken == nil { body.clientRequestToken = Self.token() }
        let out: AddonOutput = try await send(
            "CreateAddon",
            "POST",
            "/clusters/\(Self.segment(clusterName))/addons",
            body: body
        )
        return out.addon
    }

    /// `DescribeAddon`.
    public func describeAddon(clusterName: String, addonName: String) async throws -> EKSAddon {
        let out: AddonOutput = try await send(
            "DescribeAddon",
            "GET",
            "/clusters/\(Self.segment(clusterName))/addons/\(Self.segment(addonName))"
        )
        return out.addon
    }

    /// `ListAddons` as pages.
    public func listAddonsPages(clusterName: String, maxResults: Int? = nil) -> AWSPaginator<String> {
        AWSPaginator(operation: "ListAddons") { token in
            let out: NamesOutput = try await send(
                "ListAddons",
                "GET",
                "/clusters/\(Self.segment(clusterName))/addons",
                query: Self.pageQuery(maxResults, token)
            )
            return AWSPage(items: out.names, nextToken: out.nextToken)
        }
    }

    /// `ListAddons`, all pages.
    public func listAddons(clusterName: String) async throws -> [String] {
        try await listAddonsPages(clusterName: clusterName).allItems()
    }

    /// `UpdateAddon` (`addonName` and `tags` in `request` are ignored: the name is in the path).
    public func updateAddon(clusterName: String, addonName: String, _ request: EKSAddonRequest) async throws -> EKSUpdate {
        var body = request
        body.addonName = nil
        body.tags = nil
        if body.clientRequestToken == nil { body.clientRequestToken = Self.token() }
        let out: UpdateOutput = try await send(
            "UpdateAddon",
            "POST",
            "/clusters/\(Self.segment(clusterName))/addons/\(Self.segment(addonName))/update",
            body: body
        )
        return out.update
    }

    /// `DeleteAddon`; `preserve` keeps its Kubernetes resources.
    @discardableResult
    public func deleteAddon(clusterName: String, addonName: String, preserve: Bool = false) async throws -> EKSAddon {
        let out: AddonOutput = try await send(
            "DeleteAddon",
            "DELETE",
            "/clusters/\(Self.segment(clusterName))/addons/\(Self.segment(addonName))",
            query: preserve ? [("preserve", "true")] : []
        )
        return out.addon
    }

    /// `DescribeAddonVersions` as pages.
    public func describeAddonVersionsPages(
        addonName: String? = nil,
        kubernetesVersion: String? = nil,
        maxResults: Int? = nil
    ) -> AWSPaginator<EKSAddonInfo> {
        AWSPaginator(operation: "DescribeAddonVersions") { token in
            var query = Self.pageQuery(maxResults, token)
            if let kubernetesVersion { query.append(("kubernetesVersion", kubernetesVersion)) }
            if let addonName { query.append(("addonName", addonName)) }
            let out: AddonVersionsOutput = try await send(
                "DescribeAddonVersions",
                "GET",
                "/addons/supported-versions",
                query: query
            )
            return AWSPage(items: out.addons ?? [], nextToken: out.nextToken)
        }
    }

    /// `DescribeAddonVersions`, all pages.
    public func describeAddonVersions(
        addonName: String? = nil,
        kubernetesVersion: String? = nil
    ) async throws
        -> [EKSAddonInfo]
    {
        try await describeAddonVersionsPages(addonName: addonName, kubernetesVersion: kubernetesVersion).allItems()
    }

    struct AddonOutput: Decodable { var addon: EKSAddon }
    struct AddonVersionsOutput: Decodable {
        var addons: [EKSAddonInfo]?
        var nextToken: String?
    }
}
