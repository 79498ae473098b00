import Foundation

extension EC2Client {
    // MARK: - Instances

    /// `DescribeInstances` as pages. EC2 counts `maxResults` in reservations on some back ends; pages are
    /// followed by token either way.
    public func describeInstancesPages(
        instanceIds: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2Instance> {
        var p = QueryParameters(.ec2)
        p.setList("InstanceId", instanceIds.isEmpty ? nil : instanceIds)
        p.setFilters(filters)
        let parameters = p
        return AWSPaginator(operation: "DescribeInstances") { token in
            var page = parameters
            page.set("NextToken", token)
            page.set("MaxResults", instanceIds.isEmpty ? maxResults : nil)
            let response = try await send("DescribeInstances", page, mutating: false, as: EC2DescribeInstancesPage.self)
            return AWSPage(items: response.instances, nextToken: response.nextToken)
        }
    }

    /// `DescribeInstances`, every instance on every page.
    public func describeInstances(instanceIds: [String] = [], filters: [EC2Filter] = []) async throws -> [EC2Instance] {
        try await describeInstancesPages(instanceIds: instanceIds, filters: filters).allItems()
    }

    /// `TerminateInstances`; returns the state changes.
    public func terminateInstances(instanceIds: [String]) async throws -> [EC2InstanceStateChange] {
        var p = QueryParameters(.ec2)
        p.setList("InstanceId", instanceIds)
        return try await send("TerminateInstances", p, mutating: true, as: EC2ListResponse<EC2InstanceStateChange>.self)
            .items
    }

    // MARK: - Launch templates

    /// `DescribeLaunchTemplates` as pages.
    public func describeLaunchTemplatesPages(
        launchTemplateNames: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2LaunchTemplate> {
        var p = QueryParameters(.ec2)
        p.setList("LaunchTemplateName", launchTemplateNames.isEmpty ? nil : launchTemplateNames)
        p.setFilters(filters)
        return paginate("DescribeLaunchTemplates", p, maxResults: maxResults)
    }

    /// `DescribeLaunchTemplates`, all pages.
    public func describeLaunchTemplates(
        launchTemplateNames: [String] = [],
        filters: [EC2Filter] = []
    ) async throws -> [EC2LaunchTemplate] {
        try await describeLaunchTemplatesPages(launchTemplateNames: launchTemplateNames, filters: filters).allItems()
    }

    /// `DeleteLaunchTemplate` by id.
    public func deleteLaunchTemplate(launchTemplateId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("LaunchTemplateId", launchTemplateId)
        let _: EC2ObjectResponse<EC2LaunchTemplate> = try await send("DeleteLaunchTemplate", p, mutating: true)
    }

    // MARK: - Network interfaces

    /// `DescribeNetworkInterfaces` as pages.
    public func describeNetworkInterfacesPages(
        networkInterfaceIds: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2NetworkInterface> {
        var p = QueryParameters(.ec2)
        p.setList("NetworkInterfaceId", networkInterfaceIds.isEmpty ? nil : networkInterfaceIds)
        p.setFilters(filters)
        return paginate("DescribeNetworkInterfaces", p, maxResults: maxResults)
    }

    /// `DescribeNetworkInterfaces`, all pages.
    public func describeNetworkInterfaces(
        networkInterfaceIds: [String] = [],
        filters: [EC2Filter] = []
    ) async throws -> [EC2NetworkInterface] {
        try await describeNetworkInterfacesPages(networkInterfaceIds: networkInterfaceIds, filters: filters).allItems()
    }

    /// `DeleteNetworkInterface`.
    public func deleteNetworkInterface(networkInterfaceId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("NetworkInterfaceId", networkInterfaceId)
        try await sendExpectingReturn("DeleteNetworkInterface", p)
    }
}

extension EC2Client {
    /// Decodes a `DescribeInstances` response body (for benchmarks and tools that hold a saved response).
    /// - Throws: ``AWSClientError`` `.invalidResponse` for damaged or unexpected documents.
    public static func decodeDescribeInstances(_ body: [UInt8]) throws -> EC2DescribeInstancesPage {
        try EC2ResponseDecoder.decode(EC2DescribeInstancesPage.self, from: body, operation: "DescribeInstances")
    }
}
