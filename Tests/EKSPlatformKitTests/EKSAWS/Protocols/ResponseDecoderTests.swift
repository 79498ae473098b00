import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("Decoding moto's recorded responses", .enabled(if: ClientTests.fixtures != nil, "../shared/fixtures/moto is missing"))
struct ResponseDecoderTests {
    func ec2<T: EC2Decodable>(_ file: String, _ operation: String, as type: T.Type = T.self) throws -> T {
        try EC2ResponseDecoder.decode(T.self, from: try ClientTests.fixture(file), operation: operation)
    }

    @Test func describeInstancesWith300Instances() throws {
        let page: EC2DescribeInstancesPage = try ec2("ec2-DescribeInstances-300.xml", "DescribeInstances")
        #expect(
            page.reservations.map(\.reservationId)
                == ["r-95ac57e9323537a33", "r-76cad97d850eb94ab", "r-13def400c85f3ce4d"]
        )
        #expect(page.nextToken == nil)
        let instances = page.instances
        #expect(instances.count == 300)
        #expect(Set(instances.map(\.instanceId)).count == 300)
        let first = try #require(instances.first)
        #expect(first.instanceId == "i-cf6e8fd55153a8947")
        #expect(first.imageId == "ami-001be10bf7fac851e")
        #expect(first.instanceType == "m5.large")
        #expect(
            first.state
                == {
                    var s = EC2InstanceState(); s.code = 16; s.name = "running"; return s
                }()
        )
        // The instance's own privateDnsName, not the one of its network interface that comes earlier.
        #expect(first.privateDnsName == "ip-10-0-16-4.us-west-2.compute.internal")
        #expect(first.privateIpAddress == "10.0.16.4")
        #expect(first.subnetId == "subnet-1f8f36286d4d245e7" && first.vpcId == "vpc-46dbfd12b08762ddf")
        #expect(first.availabilityZone == "us-west-2b")
        #expect(first.architecture == "x86_64")
        #expect(first.httpTokens == "optional" && first.httpPutResponseHopLimit == 1)
        #expect(first.securityGroups.isEmpty)
        #expect(first.tags == [EC2Tag(key: "batch", value: "0")])
        // 2026-11-24T21:55:58.000Z
        #expect(first.launchTime == Date(timeIntervalSince1970: 1_795_557_358))
        #expect(Set(instances.compactMap(\.availabilityZone)) == ["us-west-2b", "us-west-2c"])
        #expect(Set(instances.compactMap { $0.tags.dictionary["batch"] }) == ["0", "1", "2"])
    }

    @Test func describeInstancesFirstPageCarriesNextToken() throws {
        let page: EC2DescribeInstancesPage = try ec2("ec2-DescribeInstances-MaxResults100-page1.xml", "DescribeInstances")
        #expect(page.nextToken == "r-8c20d1a4c41cb359d")
        #expect(page.instances.count == 100)
    }

    @Test func networkShapes() throws {
        let zones: EC2ListResponse<EC2AvailabilityZone> = try ec2(
            "ec2-DescribeAvailabilityZones.xml",
            "DescribeAvailabilityZones"
        )
        #expect(zones.items.map(\.zoneName) == ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"])
        #expect(zones.items.first?.zoneId == "usw2-az2" && zones.items.first?.state == "available")
        #expect(zones.items.first?.regionName == "us-west-2" && zones.items.first?.zoneType == "availability-zone")

        let subnets: EC2ListResponse<EC2Subnet> = try ec2("ec2-DescribeSubnets-tagfilter.xml", "DescribeSubnets")
        let subnet = try #require(subnets.items.first)
        #expect(subnet.subnetId == "subnet-1f8f36286d4d245e7" && subnet.availabilityZoneId == "usw2-az1")
        #expect(subnet.cidrBlock == "10.0.16.0/20" && subnet.availableIpAddressCount == 4091)
        #expect(subnet.mapPublicIpOnLaunch == false && subnet.state == "available")
        #expect(subnet.tags.dictionary == ["karpenter.sh/discovery": "demo"])

        let groups: EC2ListResponse<EC2SecurityGroup> = try ec2(
            "ec2-DescribeSecurityGroups-tagfilter.xml",
            "DescribeSecurityGroups"
        )
        let group = try #require(groups.items.first)
        #expect(group.groupId == "sg-4a2d52ce5ecc82012" && group.groupName == "nodes" && group.description == "nodes")
        #expect(
            group.ipPermissions == [
                EC2IpPermission(
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    ipRanges: [EC2IpRange(cidrIp: "10.0.0.0/16")]
                )
            ]
        )
        #expect(group.ipPermissionsEgress == [EC2IpPermission(ipProtocol: "-1", ipRanges: [EC2IpRange(cidrIp: "0.0.0.0/0")])])

        let nats: EC2ListResponse<EC2NatGateway> = try ec2("ec2-DescribeNatGateways.xml", "DescribeNatGateways")
        let nat = try #require(nats.items.first)
        #expect(nat.natGatewayId == "nat-5ef7919ddb19d7557" && nat.state == "available")
        #expect(nat.addresses.first?.allocationId == "eipalloc-77249dfcff6e00968")
        #expect(nat.addresses.first?.publicIp == "127.75.105.114")
        #expect(nat.createTime == Date(timeIntervalSince1970: 1_795_557_358))

        let created: EC2ObjectResponse<EC2NatGateway> = try ec2("ec2-CreateNatGateway.xml", "CreateNatGateway")
        #expect(created.object?.natGatewayId.hasPrefix("nat-") == true)

        let tables: EC2ListResponse<EC2RouteTable> = try ec2("ec2-DescribeRouteTables.xml", "DescribeRouteTables")
        #expect(!tables.items.isEmpty)
        #expect(tables.items.allSatisfy { $0.routeTableId.hasPrefix("rtb-") && !$0.routes.isEmpty })

        let terminated: EC2ListResponse<EC2InstanceStateChange> = try ec2("ec2-TerminateInstances.xml", "TerminateInstances")
        #expect(!terminated.items.isEmpty)
        #expect(terminated.items.allSatisfy { $0.currentState.name == "shutting-down" })
    }

    @Test func unknownElementsAreSkippedAtEveryDepth() throws {
        let xml = """
            <?xml version="1.0"?><DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">
            <futureTopLevel><deep><deeper>x</deeper></deep></futureTopLevel>
            <vpcSet><item><newField a="1">v</newField><vpcId>vpc-1</vpcId><nested><vpcId>vpc-wrong</vpcId></nested>
            <cidrBlock>10.0.0.0/16</cidrBlock><isDefault>false</isDefault>
            <tagSet><item><key>k</key><extra/><value>v &amp; w</value></item></tagSet>
            <state>available</state></item></vpcSet><requestId>r</requestId></DescribeVpcsResponse>
            """
        let vpcs = try EC2ResponseDecoder.decode(EC2ListResponse<EC2Vpc>.self, from: Array(xml.utf8), operation: "DescribeVpcs")
        #expect(vpcs.items.count == 1)
        #expect(vpcs.items.first?.vpcId == "vpc-1" && vpcs.items.first?.state == "available")
        #expect(vpcs.items.first?.tags == [EC2Tag(key: "k", value: "v & w")])
    }

    @Test func timestampsWithAndWithoutFractions() throws {
        #expect(EC2Timestamp.parse("2026-11-24T21:55:07Z") == Date(timeIntervalSince1970: 1_795_557_307))
        #expect(EC2Timestamp.parse("2026-11-24T21:55:07.000Z") == Date(timeIntervalSince1970: 1_795_557_307))
        let micro = try #require(EC2Timestamp.parse("2026-11-24T22:10:11.188023Z"))
        #expect(abs(micro.timeIntervalSince1970 - 1_795_558_211.188023) < 0.000_01)
        #expect(EC2Timestamp.parse("2026-11-24T21:55:07+01:00") == Date(timeIntervalSince1970: 1_795_553_707))
        #expect(EC2Timestamp.parse("2000-02-29T00:00:00Z") == Date(timeIntervalSince1970: 951_782_400))
        #expect(EC2Timestamp.parse("yesterday") == nil)
        #expect(EC2Timestamp.parse("2026-13-24T21:55:07Z") == nil)
    }

    @Test func iamRoleAndProfileFixtures() throws {
        let role = try IAMRole(
            try #require(try XMLTree.parse(try ClientTests.fixture("iam-GetRole.xml"))["GetRoleResult", "Role"]),
            operation: "GetRole"
        )
        #expect(role.roleName == "demo-cluster" && role.roleId == "AROARZPUZDIKO7EORGHUI")
        #expect(role.arn == "arn:aws:iam::123456789012:role/demo-cluster")
        #expect(
            role.assumeRolePolicyDocument
                == #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "#
                + #"{"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#
        )
        #expect(role.tags == [IAMTag(key: "env", value: "test")] && role.maxSessionDuration == 3600)
        let created = try #require(role.createDate)
        #expect(abs(created.timeIntervalSince1970 - 1_795_557_361.326931) < 0.000_01)

        let profile = try IAMInstanceProfile(
            try #require(
                try XMLTree.parse(try ClientTests.fixture("iam-GetInstanceProfile.xml"))[
                    "GetInstanceProfileResult",
                    "InstanceProfile"
                ]
            ),
            operation: "GetInstanceProfile"
        )
        #expect(profile.instanceProfileName == "KarpenterNodeInstanceProfile-demo")
        #expect(profile.roles.map(\.roleName) == ["KarpenterNodeRole-demo"])
        #expect(profile.roles.first?.assumeRolePolicyDocument?.hasPrefix(#"{"Version": "2012-10-17""#) == true)
    }

    @Test func eksAndJSONFixturesAcceptNulls() throws {
        let cluster = try AWSJSON.decode(
            EKSClient.ClusterOutput.self,
            from: try ClientTests.fixture("eks-DescribeCluster.json"),
            service: "eks",
            operation: "DescribeCluster"
        ).cluster
        #expect(cluster.name == "demo" && cluster.status == .active && cluster.version == "1.30")
        #expect(cluster.createdAt == Date(timeIntervalSince1970: 1_795_557_361.471))
        #expect(cluster.identity?.oidc?.issuer == "https://oidc.eks.us-west-2.amazonaws.com/id/RnvYiS1Q0k")
        #expect(cluster.resourcesVpcConfig?.securityGroupIds == ["sg-4a2d52ce5ecc82012"])
        #expect(cluster.certificateAuthority?.data?.isEmpty == false)
        #expect(cluster.tags == ["env": "test"])

        let nodegroup = try AWSJSON.decode(
            EKSClient.NodegroupOutput.self,
            from: try ClientTests.fixture("eks-DescribeNodegroup.json"),
            service: "eks",
            operation: "DescribeNodegroup"
        ).nodegroup
        #expect(nodegroup.taints == [EKSTaint(key: "dedicated", value: "system", effect: "NO_EXECUTE")])
        #expect(nodegroup.labels == ["tier": "core"] && nodegroup.scalingConfig?.desiredSize == 2)
        #expect(nodegroup.resources?.autoScalingGroups?.first?.name == "eks-97c43e54-a894-4ca4-9530-0eb5afd8679d")

        let update = try AWSJSON.decode(
            EKSClient.UpdateOutput.self,
            from: try ClientTests.fixture("eks-UpdateNodegroupConfig.json"),
            service: "eks",
            operation: "UpdateNodegroupConfig"
        ).update
        #expect(update.status == .successful && update.params?.count == 2)
        let empty = try AWSJSON.decode(
            EKSClient.OptionalUpdateOutput.self,
            from: try ClientTests.fixture("eks-UpdateClusterConfig.json"),
            service: "eks",
            operation: "UpdateClusterConfig"
        )
        #expect(empty.update == nil)

        struct Targets: Decodable {
            var Targets: [EventBridgeTarget]?
            var NextToken: String?
        }
        let targets = try AWSJSON.decode(
            Targets.self,
            from: try ClientTests.fixture("events-ListTargetsByRule.json"),
            service: "events",
            operation: "ListTargetsByRule"
        )
        #expect(targets.NextToken == nil && targets.Targets?.first?.id == "q")
        // JSON nulls for optional members everywhere.
        let nulls = #"{"cluster":{"name":"x","status":"CREATING","endpoint":null,"tags":null,"identity":{"oidc":null}}}"#
        let creating = try AWSJSON.decode(
            EKSClient.ClusterOutput.self,
            from: Array(nulls.utf8),
            service: "eks",
            operation: "DescribeCluster"
        ).cluster
        #expect(creating.endpoint == nil && creating.tags == nil && creating.identity?.oidc == nil)
    }

    @Test func errorFixturesDecodeByCode() throws {
        func decode(
            _ file: String,
            _ status: Int,
            _ headers: [(String, String)],
            _ service: AWSServiceDescriptor,
            _ op: String
        )
            throws -> AWSServiceError
        {
            AWSErrorDecoder.decode(
                AWSHTTPResponse(statusCode: status, headers: headers, body: try ClientTests.fixture(file)),
                service: service,
                operation: op
            )
        }
        #expect(
            try decode("ec2-error-DependencyViolation-DeleteVpc.xml", 400, [], .ec2, "DeleteVpc").code == "DependencyViolation"
        )
        #expect(
            try decode("ec2-error-InvalidSubnetID.NotFound.xml", 400, [], .ec2, "DescribeSubnets").code
                == "InvalidSubnetID.NotFound"
        )
        #expect(try decode("iam-error-DeleteConflict.xml", 409, [], .iam, "DeleteRole").code == "DeleteConflict")
        #expect(try decode("iam-error-NoSuchEntity.xml", 404, [], .iam, "GetRole").code == "NoSuchEntity")
        let eks = try decode(
            "eks-error-ResourceNotFoundException.json",
            404,
            [("X-Amzn-ErrorType", "ResourceNotFoundException")],
            .eks,
            "DescribeCluster"
        )
        #expect(eks.code == "ResourceNotFoundException" && eks.service == "eks" && eks.operation == "DescribeCluster")
        let inUse = try decode(
            "eks-error-ResourceInUseException.json",
            409,
            [("X-Amzn-ErrorType", "ResourceInUseException")],
            .eks,
            "CreateCluster"
        )
        #expect(inUse.code == "ResourceInUseException")
        let html = try decode(
            "eks-error-404-unimplemented-CreateAddon.html",
            404,
            [("content-type", "text/html")],
            .eks,
            "CreateAddon"
        )
        #expect(html.code == "NonAWSResponse" && html.message.contains("404"))
    }
}
