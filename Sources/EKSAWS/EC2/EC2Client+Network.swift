import Foundation

extension EC2Client {
    // MARK: - Availability zones

    /// `DescribeAvailabilityZones` (zones of the client's region, optionally filtered).
    public func describeAvailabilityZones(filters: [EC2Filter] = []) async throws -> [EC2AvailabilityZone] {
        var p = QueryParameters(.ec2)
        p.setFilters(filters)
        return try await send("DescribeAvailabilityZones", p, mutating: false, as: EC2ListResponse<EC2AvailabilityZone>.self)
            .items
    }

    // MARK: - VPCs

    /// `CreateVpc` with tags applied at creation.
    public func createVpc(cidrBlock: String, tags: [EC2Tag] = []) async throws -> EC2Vpc {
        var p = QueryParameters(.ec2)
        p.set("CidrBlock", cidrBlock)
        p.setTagSpecifications([EC2TagSpecification(resourceType: "vpc", tags: tags)])
        return try await sendCreate("CreateVpc", p)
    }

    /// `DescribeVpcs` as pages.
    public func describeVpcsPages(
        vpcIds: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2Vpc> {
        var p = QueryParameters(.ec2)
        p.setFilters(filters)
        p.setList("VpcId", vpcIds.isEmpty ? nil : vpcIds)
        return paginate("DescribeVpcs", p, maxResults: maxResults)
    }

    /// `DescribeVpcs`, all pages.
    public func describeVpcs(vpcIds: [String] = [], filters: [EC2Filter] = []) async throws -> [EC2Vpc] {
        try await describeVpcsPages(vpcIds: vpcIds, filters: filters).allItems()
    }

    /// `DeleteVpc`.
    public func deleteVpc(vpcId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("VpcId", vpcId)
        try await sendExpectingReturn("DeleteVpc", p)
    }

    /// `ModifyVpcAttribute`: one attribute per call, as EC2 requires.
    /// A VPC's boolean DNS attributes, as `DescribeVpcAttribute` reports them.
    public enum VpcDNSAttribute: String, Sendable, CaseIterable {
        /// `enableDnsSupport`.
        case enableDnsSupport
        /// `enableDnsHostnames`.
        case enableDnsHostnames
    }

    /// `DescribeVpcAttribute` for one DNS attribute (EC2 answers one attribute per call).
    public func describeVpcAttribute(vpcId: String, attribute: VpcDNSAttribute) async throws -> Bool {
        struct Value: EC2Decodable {
            var value: Bool?
            mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
                if name == "value" { value = try d.bool() } else { try d.skip() }
            }
        }
        struct Response: EC2Decodable {
            var values: [String: Bool] = [:]
            mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
                if VpcDNSAttribute(rawValue: name) != nil {
                    let decoded: Value = try d.decode()
                    values[name] = decoded.value
                } else {
                    try d.skip()
                }
            }
        }
        var p = QueryParameters(.ec2)
        p.set("VpcId", vpcId)
        p.set("Attribute", attribute.rawValue)
        let response = try await send("DescribeVpcAttribute", p, mutating: false, as: Response.self)
        guard let value = response.values[attribute.rawValue] else {
            throw AWSClientError(
                .invalidResponse,
                "the response has no <\(attribute.rawValue)><value>",
                service: "ec2",
                operation: "DescribeVpcAttribute"
            )
        }
        return value
    }

    /// `ModifyVpcAttribute`: sets exactly one of the VPC's DNS attributes (EC2 takes one per call).
    public func modifyVpcAttribute(
        vpcId: String,
        enableDnsHostnames: Bool? = nil,
        enableDnsSupport: Bool? = nil
    ) async throws {
        guard (enableDnsHostnames == nil) != (enableDnsSupport == nil) else {
            throw AWSClientError(
                .invalidParameter,
                "ModifyVpcAttribute changes exactly one attribute per call; pass one of them",
                service: "ec2",
                operation: "ModifyVpcAttribute"
            )
        }
        var p = QueryParameters(.ec2)
        p.set("VpcId", vpcId)
        p.set("EnableDnsHostnames.Value", enableDnsHostnames)
        p.set("EnableDnsSupport.Value", enableDnsSupport)
        try await sendExpectingReturn("ModifyVpcAttribute", p)
    }

    // MARK: - Subnets

    /// `CreateSubnet` in a zone, with tags.
    public func createSubnet(
        vpcId: String,
        cidrBlock: String,
        availabilityZone: String? = nil,
        availabilityZoneId: String? = nil,
        tags: [EC2Tag] = []
    ) async throws -> EC2Subnet {
        var p = QueryParameters(.ec2)
        p.setTagSpecifications([EC2TagSpecification(resourceType: "subnet", tags: tags)])
        p.set("AvailabilityZone", availabilityZone)
        p.set("AvailabilityZoneId", availabilityZoneId)
        p.set("CidrBlock", cidrBlock)
        p.set("VpcId", vpcId)
        return try await sendCreate("CreateSubnet", p)
    }

    /// `DescribeSubnets` as pages.
    public func describeSubnetsPages(
        subnetIds: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2Subnet> {
        var p = QueryParameters(.ec2)
        p.setFilters(filters)
        p.setList("SubnetId", subnetIds.isEmpty ? nil : subnetIds)
        return paginate("DescribeSubnets", p, maxResults: maxResults)
    }

    /// `DescribeSubnets`, all pages.
    public func describeSubnets(subnetIds: [String] = [], filters: [EC2Filter] = []) async throws -> [EC2Subnet] {
        try await describeSubnetsPages(subnetIds: subnetIds, filters: filters).allItems()
    }

    /// `DeleteSubnet`.
    public func deleteSubnet(subnetId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("SubnetId", subnetId)
        try await sendExpectingReturn("DeleteSubnet", p)
    }

    /// `ModifySubnetAttribute` (`MapPublicIpOnLaunch`).
    public func modifySubnetAttribute(subnetId: String, mapPublicIpOnLaunch: Bool) async throws {
        var p = QueryParameters(.ec2)
        p.set("MapPublicIpOnLaunch.Value", mapPublicIpOnLaunch)
        p.set("SubnetId", subnetId)
        try await sendExpectingReturn("ModifySubnetAttribute", p)
    }

    // MARK: - Internet gateways

    /// `CreateInternetGateway`.
    public func createInternetGateway(tags: [EC2Tag] = []) async throws -> EC2InternetGateway {
        var p = QueryParameters(.ec2)
        p.setTagSpecifications([EC2TagSpecification(resourceType: "internet-gateway", tags: tags)])
        return try await sendCreate("CreateInternetGateway", p)
    }

    /// `AttachInternetGateway`.
    public func attachInternetGateway(internetGatewayId: String, vpcId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("InternetGatewayId", internetGatewayId)
        p.set("VpcId", vpcId)
        try await sendExpectingReturn("AttachInternetGateway", p)
    }

    /// `DetachInternetGateway`.
    public func detachInternetGateway(internetGatewayId: String, vpcId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("InternetGatewayId", internetGatewayId)
        p.set("VpcId", vpcId)
        try await sendExpectingReturn("DetachInternetGateway", p)
    }

    /// `DescribeInternetGateways` as pages.
    public func describeInternetGatewaysPages(
        internetGatewayIds: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2InternetGateway> {
        var p = QueryParameters(.ec2)
        p.setList("InternetGatewayId", internetGatewayIds.isEmpty ? nil : internetGatewayIds)
        p.setFilters(filters)
        return paginate("DescribeInternetGateways", p, maxResults: maxResults)
    }

    /// `DescribeInternetGateways`, all pages.
    public func describeInternetGateways(
        internetGatewayIds: [String] = [],
        filters: [EC2Filter] = []
    ) async throws -> [EC2InternetGateway] {
        try await describeInternetGatewaysPages(internetGatewayIds: internetGatewayIds, filters: filters).allItems()
    }

    /// `DeleteInternetGateway`.
    public func deleteInternetGateway(internetGatewayId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("InternetGatewayId", internetGatewayId)
        try await sendExpectingReturn("DeleteInternetGateway", p)
    }

    // MARK: - Elastic IPs

    /// `AllocateAddress` in the VPC domain, with tags.
    public func allocateAddress(tags: [EC2Tag] = []) async throws -> EC2Address {
        var p = QueryParameters(.ec2)
        p.set("Domain", "vpc")
        p.setTagSpecifications([EC2TagSpecification(resourceType: "elastic-ip", tags: tags)])
        var address = try await send("AllocateAddress", p, mutating: true, as: EC2Address.self)
        guard address.allocationId != nil, !address.publicIp.isEmpty else {
            throw AWSClientError(
                .invalidResponse,
                "the response has no allocationId/publicIp",
                service: "ec2",
                operation: "AllocateAddress"
            )
        }
        address.tags = tags
        return address
    }

    /// `ReleaseAddress`.
    public func releaseAddress(allocationId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("AllocationId", allocationId)
        try await sendExpectingReturn("ReleaseAddress", p)
    }

    /// `DescribeAddresses` (not paginated by EC2).
    public func describeAddresses(allocationIds: [String] = [], filters: [EC2Filter] = []) async throws -> [EC2Address] {
        var p = QueryParameters(.ec2)
        p.setFilters(filters)
        p.setList("AllocationId", allocationIds.isEmpty ? nil : allocationIds)
        return try await send("DescribeAddresses", p, mutating: false, as: EC2ListResponse<EC2Address>.self).items
    }

    // MARK: - NAT gateways

    /// `CreateNatGateway` (public, on an Elastic IP) with a client token for idempotent retries.
    public func createNatGateway(
        subnetId: String,
        allocationId: String,
        tags: [EC2Tag] = [],
        clientToken: String? = nil
    ) async throws -> EC2NatGateway {
        var p = QueryParameters(.ec2)
        p.set("AllocationId", allocationId)
        p.set("ClientToken", clientToken ?? Self.token())
        p.set("SubnetId", subnetId)
        p.setTagSpecifications([EC2TagSpecification(resourceType: "natgateway", tags: tags)])
        return try await sendCreate("CreateNatGateway", p)
    }

    /// `DescribeNatGateways` as pages (the model names the filter member `Filter`).
    public func describeNatGatewaysPages(
        natGatewayIds: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2NatGateway> {
        var p = QueryParameters(.ec2)
        p.setFilters(filters)
        p.setList("NatGatewayId", natGatewayIds.isEmpty ? nil : natGatewayIds)
        return paginate("DescribeNatGateways", p, maxResults: maxResults)
    }

    /// `DescribeNatGateways`, all pages.
    public func describeNatGateways(
        natGatewayIds: [String] = [],
        filters: [EC2Filter] = []
    ) async throws -> [EC2NatGateway] {
        try await describeNatGatewaysPages(natGatewayIds: natGatewayIds, filters: filters).allItems()
    }

    /// `DeleteNatGateway`; returns the id EC2 confirms.
    @discardableResult
    public func deleteNatGateway(natGatewayId: String) async throws -> String {
        var p = QueryParameters(.ec2)
        p.set("NatGatewayId", natGatewayId)
        let response = try await send("DeleteNatGateway", p, mutating: true, as: EC2FlatResponse.self)
        return try required(response, "natGatewayId", "DeleteNatGateway")
    }

    // MARK: - Route tables

    /// `CreateRouteTable` with a client token.
    public func createRouteTable(
        vpcId: String,
        tags: [EC2Tag] = [],
        clientToken: String? = nil
    ) async throws
        -> EC2RouteTable
    {
        var p = QueryParameters(.ec2)
        p.setTagSpecifications([EC2TagSpecification(resourceType: "route-table", tags: tags)])
        p.set("ClientToken", clientToken ?? Self.token())
        p.set("VpcId", vpcId)
        return try await sendCreate("CreateRouteTable", p)
    }

    /// `DescribeRouteTables` as pages.
    public func describeRouteTablesPages(
        routeTableIds: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2RouteTable> {
        var p = QueryParameters(.ec2)
        p.setList("RouteTableId", routeTableIds.isEmpty ? nil : routeTableIds)
        p.setFilters(filters)
        return paginate("DescribeRouteTables", p, maxResults: maxResults)
    }

    /// `DescribeRouteTables`, all pages.
    public func describeRouteTables(
        routeTableIds: [String] = [],
        filters: [EC2Filter] = []
    ) async throws -> [EC2RouteTable] {
        try await describeRouteTablesPages(routeTableIds: routeTableIds, filters: filters).allItems()
    }

    /// `DeleteRouteTable`.
    public func deleteRouteTable(routeTableId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("RouteTableId", routeTableId)
        try await sendExpectingReturn("DeleteRouteTable", p)
    }

    /// `CreateRoute` to an internet gateway or a NAT gateway (give exactly one).
    public func createRoute(
        routeTableId: String,
        destinationCidrBlock: String,
        gatewayId: String? = nil,
        natGatewayId: String? = nil
    ) async throws {
        guard (gatewayId == nil) != (natGatewayId == nil) else {
            throw AWSClientError(
                .invalidParameter,
                "a route needs exactly one target: gatewayId or natGatewayId",
                service: "ec2",
                operation: "CreateRoute"
            )
        }
        var p = QueryParameters(.ec2)
        p.set("RouteTableId", routeTableId)
        p.set("DestinationCidrBlock", destinationCidrBlock)
        p.set("GatewayId", gatewayId)
        p.set("NatGatewayId", natGatewayId)
        try await sendExpectingReturn("CreateRoute", p)
    }

    /// `DeleteRoute`.
    public func deleteRoute(routeTableId: String, destinationCidrBlock: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("RouteTableId", routeTableId)
        p.set("DestinationCidrBlock", destinationCidrBlock)
        try await sendExpectingReturn("DeleteRoute", p)
    }

    /// `AssociateRouteTable` with a subnet; returns the association id.
    public func associateRouteTable(routeTableId: String, subnetId: String) async throws -> String {
        var p = QueryParameters(.ec2)
        p.set("SubnetId", subnetId)
        p.set("RouteTableId", routeTableId)
        let response = try await send("AssociateRouteTable", p, mutating: true, as: EC2FlatResponse.self)
        return try required(response, "associationId", "AssociateRouteTable")
    }

    /// `DisassociateRouteTable`.
    public func disassociateRouteTable(associationId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("AssociationId", associationId)
        try await sendExpectingReturn("DisassociateRouteTable", p)
    }

    // MARK: - Security groups

    /// `CreateSecurityGroup`; returns the group id.
    public func createSecurityGroup(
        groupName: String,
        description: String,
        vpcId: String,
        tags: [EC2Tag] = []
    ) async throws -> String {
        var p = QueryParameters(.ec2)
        p.set("GroupDescription", description)
        p.set("GroupName", groupName)
        p.set("VpcId", vpcId)
        p.setTagSpecifications([EC2TagSpecification(resourceType: "security-group", tags: tags)])
        let response = try await send("CreateSecurityGroup", p, mutating: true, as: EC2FlatResponse.self)
        return try required(response, "groupId", "CreateSecurityGroup")
    }

    /// `DescribeSecurityGroups` as pages.
    public func describeSecurityGroupsPages(
        groupIds: [String] = [],
        filters: [EC2Filter] = [],
        maxResults: Int? = nil
    ) -> AWSPaginator<EC2SecurityGroup> {
        var p = QueryParameters(.ec2)
        p.setList("GroupId", groupIds.isEmpty ? nil : groupIds)
        p.setFilters(filters)
        return paginate("DescribeSecurityGroups", p, maxResults: maxResults)
    }

    /// `DescribeSecurityGroups`, all pages.
    public func describeSecurityGroups(
        groupIds: [String] = [],
        filters: [EC2Filter] = []
    ) async throws -> [EC2SecurityGroup] {
        try await describeSecurityGroupsPages(groupIds: groupIds, filters: filters).allItems()
    }

    /// `DeleteSecurityGroup`.
    public func deleteSecurityGroup(groupId: String) async throws {
        var p = QueryParameters(.ec2)
        p.set("GroupId", groupId)
        try await sendExpectingReturn("DeleteSecurityGroup", p)
    }

    /// `AuthorizeSecurityGroupIngress`.
    public func authorizeSecurityGroupIngress(groupId: String, permissions: [EC2IpPermission]) async throws {
        var p = QueryParameters(.ec2)
        p.set("GroupId", groupId)
        p.setIpPermissions(permissions)
        try await sendExpectingReturn("AuthorizeSecurityGroupIngress", p)
    }

    /// `AuthorizeSecurityGroupEgress`.
    public func authorizeSecurityGroupEgress(groupId: String, permissions: [EC2IpPermission]) async throws {
        var p = QueryParameters(.ec2)
        p.set("GroupId", groupId)
        p.setIpPermissions(permissions)
        try await sendExpectingReturn("AuthorizeSecurityGroupEgress", p)
    }

    // MARK: - Tags

    /// `CreateTags` on any EC2 resources.
    public func createTags(resourceIds: [String], tags: [EC2Tag]) async throws {
        var p = QueryParameters(.ec2)
        p.setList("ResourceId", resourceIds)
        p.setTags(tags)
        try await sendExpectingReturn("CreateTags", p)
    }

    /// `DeleteTags`: removes the given keys (a value, when set, must match).
    public func deleteTags(resourceIds: [String], tags: [EC2Tag]) async throws {
        var p = QueryParameters(.ec2)
        p.setList("ResourceId", resourceIds)
        p.setTags(tags)
        try await sendExpectingReturn("DeleteTags", p)
    }
}
