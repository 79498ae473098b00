import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("EC2 client against the emulator")
struct EC2ClientIntegrationTests {
    @Test func networkLifecycleCreateDescribeUpdateDelete() async throws {
        let log = AttemptLog()
        let (_, session) = try await ClientTests.session(region: "eu-west-3", observer: log.observer)
        let ec2 = session.ec2
        let cluster = "net-\(ClientTests.unique())"
        let tags = [EC2Tag(key: "eksplatform.io/cluster", value: cluster), EC2Tag(key: "Name", value: "\(cluster)-vpc")]

        let zones = try await ec2.describeAvailabilityZones()
        #expect(zones.count >= 3)
        #expect(zones.allSatisfy { $0.zoneName.hasPrefix("eu-west-3") && $0.state == "available" && !$0.zoneId.isEmpty })

        let vpc = try await ec2.createVpc(cidrBlock: "10.42.0.0/16", tags: tags)
        #expect(vpc.vpcId.hasPrefix("vpc-"))
        #expect(vpc.cidrBlock == "10.42.0.0/16")
        try await ec2.modifyVpcAttribute(vpcId: vpc.vpcId, enableDnsHostnames: true)
        try await ec2.modifyVpcAttribute(vpcId: vpc.vpcId, enableDnsSupport: true)
        let tagged = try await ec2.describeVpcs(filters: [.tag("eksplatform.io/cluster", cluster)])
        #expect(tagged.map(\.vpcId) == [vpc.vpcId])
        #expect(tagged.first?.tags.dictionary["Name"] == "\(cluster)-vpc")
        #expect(tagged.first?.isDefault == false)

        let subnet = try await ec2.createSubnet(
            vpcId: vpc.vpcId,
            cidrBlock: "10.42.0.0/20",
            availabilityZone: zones[0].zoneName,
            tags: [EC2Tag(key: "eksplatform.io/cluster", value: cluster), EC2Tag(key: "tier", value: "public")]
        )
        #expect(subnet.availabilityZone == zones[0].zoneName)
        #expect(subnet.mapPublicIpOnLaunch == false)
        try await ec2.modifySubnetAttribute(subnetId: subnet.subnetId, mapPublicIpOnLaunch: true)
        let subnets = try await ec2.describeSubnets(filters: [
            EC2Filter(name: "vpc-id", values: [vpc.vpcId]), .tag("tier", "pub*"),
        ])
        #expect(subnets.map(\.subnetId) == [subnet.subnetId])
        #expect(subnets.first?.mapPublicIpOnLaunch == true)
        #expect(subnets.first?.cidrBlock == "10.42.0.0/20")

        // Deleting a VPC that still has a subnet is refused.
        let dependency = await ClientTests.error(AWSServiceError.self) { try await ec2.deleteVpc(vpcId: vpc.vpcId) }
        #expect(dependency?.code == "DependencyViolation")
        #expect(dependency?.operation == "DeleteVpc" && dependency?.service == "ec2")

        let igw = try await ec2.createInternetGateway(tags: tags)
        try await ec2.attachInternetGateway(internetGatewayId: igw.internetGatewayId, vpcId: vpc.vpcId)
        let igws = try await ec2.describeInternetGateways(
            filters: [EC2Filter(name: "attachment.vpc-id", values: [vpc.vpcId])])
        #expect(igws.map(\.internetGatewayId) == [igw.internetGatewayId])
        #expect(igws.first?.attachments.first?.vpcId == vpc.vpcId)

        let eip = try await ec2.allocateAddress(tags: tags)
        let allocationId = try #require(eip.allocationId)
        let addresses = try await ec2.describeAddresses(allocationIds: [allocationId])
        #expect(addresses.map(\.publicIp) == [eip.publicIp])
        #expect(addresses.first?.domain == "vpc")

        let nat = try await ec2.createNatGateway(subnetId: subnet.subnetId, allocationId: allocationId, tags: tags)
        #expect(nat.natGatewayId.hasPrefix("nat-"))
        let nats = try await ec2.describeNatGateways(filters: [EC2Filter(name: "vpc-id", values: [vpc.vpcId])])
        #expect(nats.map(\.natGatewayId) == [nat.natGatewayId])
        #expect(nats.first?.addresses.first?.allocationId == allocationId)
        #expect(nats.first?.tags.dictionary["eksplatform.io/cluster"] == cluster)

        let table = try await ec2.createRouteTable(vpcId: vpc.vpcId, tags: tags)
        try await ec2.createRoute(
            routeTableId: table.routeTableId,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: igw.internetGatewayId
        )
        let association = try await ec2.associateRouteTable(routeTableId: table.routeTableId, subnetId: subnet.subnetId)
        let tables = try await ec2.describeRouteTables(routeTableIds: [table.routeTableId])
        let described = try #require(tables.first)
        #expect(described.routes.contains { $0.destinationCidrBlock == "0.0.0.0/0" && $0.gatewayId == igw.internetGatewayId })
        #expect(described.associations.contains { $0.routeTableAssociationId == association && $0.subnetId == subnet.subnetId })
        #expect(described.isMain == false)
        let inUse = await ClientTests.error(AWSServiceError.self) {
            try await ec2.deleteRouteTable(routeTableId: table.routeTableId)
        }
        #expect(inUse?.code == "DependencyViolation")

        let groupId = try await ec2.createSecurityGroup(
            groupName: "\(cluster)-nodes",
            description: "nodes of \(cluster)",
            vpcId: vpc.vpcId,
            tags: tags
        )
        try await ec2.authorizeSecurityGroupIngress(
            groupId: groupId,
            permissions: [
                EC2IpPermission(
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    ipRanges: [EC2IpRange(cidrIp: "10.42.0.0/16", description: "vpc")]
                ),
                EC2IpPermission(ipProtocol: "-1", userIdGroupPairs: [EC2UserIdGroupPair(groupId: groupId)]),
            ]
        )
        try await ec2.authorizeSecurityGroupEgress(
            groupId: groupId,
            permissions: [
                EC2IpPermission(ipProtocol: "udp", fromPort: 53, toPort: 53, ipRanges: [EC2IpRange(cidrIp: "10.0.0.2/32")])
            ]
        )
        let groups = try await ec2.describeSecurityGroups(filters: [.tag("eksplatform.io/cluster", cluster)])
        let group = try #require(groups.first)
        #expect(groups.count == 1 && group.groupId == groupId && group.groupName == "\(cluster)-nodes")
        #expect(group.description == "nodes of \(cluster)")
        #expect(group.ipPermissions.contains { $0.fromPort == 443 && $0.ipRanges.first?.cidrIp == "10.42.0.0/16" })
        #expect(group.ipPermissions.contains { $0.ipProtocol == "-1" && $0.userIdGroupPairs.first?.groupId == groupId })
        #expect(group.ipPermissionsEgress.contains { $0.fromPort == 53 && $0.ipProtocol == "udp" })

        try await ec2.createTags(resourceIds: [vpc.vpcId, subnet.subnetId], tags: [EC2Tag(key: "extra", value: "1")])
        #expect(try await ec2.describeSubnets(filters: [.tag("extra", "1")]).map(\.subnetId) == [subnet.subnetId])
        try await ec2.deleteTags(resourceIds: [vpc.vpcId, subnet.subnetId], tags: [EC2Tag(key: "extra", value: "1")])
        #expect(try await ec2.describeVpcs(filters: [.tag("extra", "1")]).isEmpty)

        // Teardown in dependency order.
        try await ec2.deleteNatGateway(natGatewayId: nat.natGatewayId)
        try await ec2.releaseAddress(allocationId: allocationId)
        try await ec2.disassociateRouteTable(associationId: association)
        try await ec2.deleteRoute(routeTableId: table.routeTableId, destinationCidrBlock: "0.0.0.0/0")
        try await ec2.deleteRouteTable(routeTableId: table.routeTableId)
        try await ec2.detachInternetGateway(internetGatewayId: igw.internetGatewayId, vpcId: vpc.vpcId)
        try await ec2.deleteInternetGateway(internetGatewayId: igw.internetGatewayId)
        try await ec2.deleteSecurityGroup(groupId: groupId)
        try await ec2.deleteSubnet(subnetId: subnet.subnetId)
        try await ec2.deleteVpc(vpcId: vpc.vpcId)

        let gone = await ClientTests.error(AWSServiceError.self) { _ = try await ec2.describeVpcs(vpcIds: [vpc.vpcId]) }
        #expect(gone?.code == "InvalidVpcID.NotFound")
        #expect(try await ec2.describeAddresses(filters: [.tag("eksplatform.io/cluster", cluster)]).isEmpty)

        // Every read was counted as a read, every change as a change.
        let records = log.all
        #expect(!records.isEmpty)
        for record in records {
            let isRead = ["Describe", "List", "Get"].contains { record.operation.hasPrefix($0) }
            #expect(record.isMutating == !isRead, "\(record.operation) isMutating=\(record.isMutating)")
        }
    }

    @Test func instancesPageBeyondOneHundredAndFilterByTag() async throws {
        let (_, session) = try await ClientTests.session(region: "eu-north-1")
        let ec2 = session.ec2
        let batch = "batch-\(ClientTests.unique())"
        // moto pages DescribeInstances by reservation, 100 per page: plant 130 one-instance reservations.
        for index in 0..<130 {
            _ = try await ClientTests.ec2Raw(
                session,
                "RunInstances",
                [
                    ("ImageId", "ami-001be10bf7fac851e"), ("InstanceType", "m5.large"), ("MinCount", "1"), ("MaxCount", "1"),
                    ("TagSpecification.1.ResourceType", "instance"),
                    ("TagSpecification.1.Tag.1.Key", "batch"), ("TagSpecification.1.Tag.1.Value", batch),
                    ("TagSpecification.1.Tag.2.Key", "half"), ("TagSpecification.1.Tag.2.Value", index % 2 == 0 ? "even" : "odd"),
                ]
            )
        }
        var pageSizes: [Int] = []
        var ids: Set<String> = []
        for try await page in ec2.describeInstancesPages(filters: [.tag("batch", batch)], maxResults: 100) {
            pageSizes.append(page.items.count)
            ids.formUnion(page.items.map(\.instanceId))
        }
        #expect(pageSizes == [100, 30])
        #expect(ids.count == 130)
        let all = try await ec2.describeInstances(filters: [.tag("batch", batch)])
        #expect(all.count == 130)
        #expect(all.allSatisfy { $0.instanceType == "m5.large" && $0.imageId == "ami-001be10bf7fac851e" })
        #expect(all.allSatisfy { $0.privateDnsName?.isEmpty == false && $0.launchTime != nil && $0.subnetId != nil })
        let even = try await ec2.describeInstances(filters: [.tag("batch", batch), .tag("half", "even")])
        #expect(even.count == 65)
        #expect(even.allSatisfy { $0.tags.dictionary["half"] == "even" })

        let victims = Array(even.prefix(3).map(\.instanceId))
        let changes = try await ec2.terminateInstances(instanceIds: victims)
        #expect(Set(changes.map(\.instanceId)) == Set(victims))
        #expect(changes.allSatisfy { $0.currentState.name == "shutting-down" && $0.previousState.name == "running" })
        let after = try await ec2.describeInstances(instanceIds: victims)
        #expect(after.allSatisfy { $0.state.name == "terminated" && $0.state.code == 48 })
        let unknown = await ClientTests.error(AWSServiceError.self) {
            _ = try await ec2.terminateInstances(instanceIds: ["i-0123456789abcdef0"])
        }
        #expect(unknown?.code == "InvalidInstanceID.NotFound")
    }

    @Test func launchTemplatesAndNetworkInterfaces() async throws {
        let (_, session) = try await ClientTests.session(region: "eu-south-1")
        let ec2 = session.ec2
        let name = "lt-\(ClientTests.unique())"
        _ = try await ClientTests.ec2Raw(
            session,
            "CreateLaunchTemplate",
            [
                ("LaunchTemplateName", name), ("LaunchTemplateData.InstanceType", "m5.large"),
                ("TagSpecification.1.ResourceType", "launch-template"),
                ("TagSpecification.1.Tag.1.Key", "karpenter.k8s.aws/cluster"), ("TagSpecification.1.Tag.1.Value", name),
            ]
        )
        let templates = try await ec2.describeLaunchTemplates(filters: [.tag("karpenter.k8s.aws/cluster", name)])
        let template = try #require(templates.first)
        #expect(templates.count == 1 && template.launchTemplateName == name)
        #expect(template.latestVersionNumber == 1 && template.defaultVersionNumber == 1)
        #expect(template.launchTemplateId.hasPrefix("lt-"))
        try await ec2.deleteLaunchTemplate(launchTemplateId: template.launchTemplateId)
        #expect(try await ec2.describeLaunchTemplates(filters: [.tag("karpenter.k8s.aws/cluster", name)]).isEmpty)

        let subnet = try #require(
            try await ec2.describeSubnets(filters: [EC2Filter(name: "default-for-az", values: ["true"])]).first
        )
        let created = try await ClientTests.ec2Raw(
            session,
            "CreateNetworkInterface",
            [
                ("SubnetId", subnet.subnetId), ("Description", "aws-K8S-\(name)"),
                ("TagSpecification.1.ResourceType", "network-interface"),
                ("TagSpecification.1.Tag.1.Key", "cluster.k8s.amazonaws.com/name"), ("TagSpecification.1.Tag.1.Value", name),
            ]
        )
        let eniId = try #require(created["networkInterface"]?.string("networkInterfaceId"))
        let enis = try await ec2.describeNetworkInterfaces(filters: [.tag("cluster.k8s.amazonaws.com/name", name)])
        #expect(enis.map(\.networkInterfaceId) == [eniId])
        #expect(enis.first?.subnetId == subnet.subnetId && enis.first?.status == "available")
        #expect(enis.first?.description == "aws-K8S-\(name)")
        try await ec2.deleteNetworkInterface(networkInterfaceId: eniId)
        #expect(try await ec2.describeNetworkInterfaces(filters: [.tag("cluster.k8s.amazonaws.com/name", name)]).isEmpty)
    }
}
