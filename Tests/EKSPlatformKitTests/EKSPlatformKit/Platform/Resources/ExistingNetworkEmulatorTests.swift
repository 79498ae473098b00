import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// `network.existing` on the AWS emulator: the user's subnets get the discovery and load-balancer tags, `down` takes
/// off exactly those, and subnets that cannot carry a cluster are refused at plan time, each named.
@Suite("Engine: existing subnets are tagged, untagged on down, and checked at plan time (AWS emulator)")
struct ExistingNetworkEmulatorTests {
    /// A VPC the user made: private subnets in `zones`, one public subnet that already carries the owner's
    /// `kubernetes.io/role/elb`, and (with `defaultRoute`) a route table sending the private subnets' 0.0.0.0/0 out.
    struct UserNetwork {
        var vpcID: String
        var privateSubnets: [String]
        var publicSubnet: String
    }

    static func makeNetwork(
        _ session: AWSSession,
        cidr: String = "10.60.0.0/16",
        zones: [String] = ["us-west-2a", "us-west-2b"],
        defaultRoute: Bool = true
    ) async throws -> UserNetwork {
        let ec2 = session.ec2
        let vpc = try await ec2.createVpc(cidrBlock: cidr, tags: [EC2Tag(key: "owner", value: "network-team")])
        let prefix = cidr.split(separator: ".").prefix(2).joined(separator: ".")
        var privateSubnets: [String] = []
        for (index, zone) in zones.enumerated() {
            let subnet = try await ec2.createSubnet(
                vpcId: vpc.vpcId,
                cidrBlock: "\(prefix).\(index).0/24",
                availabilityZone: zone
            )
            privateSubnets.append(subnet.subnetId)
        }
        let publicSubnet = try await ec2.createSubnet(
            vpcId: vpc.vpcId,
            cidrBlock: "\(prefix).100.0/24",
            availabilityZone: zones[0],
            tags: [EC2Tag(key: "kubernetes.io/role/elb", value: "1")]
        )
        if defaultRoute {
            let gateway = try await ec2.createInternetGateway()
            try await ec2.attachInternetGateway(internetGatewayId: gateway.internetGatewayId, vpcId: vpc.vpcId)
            let table = try await ec2.createRouteTable(vpcId: vpc.vpcId)
            try await ec2.createRoute(
                routeTableId: table.routeTableId,
                destinationCidrBlock: "0.0.0.0/0",
                gatewayId: gateway.internetGatewayId
            )
            for subnet in privateSubnets {
                _ = try await ec2.associateRouteTable(routeTableId: table.routeTableId, subnetId: subnet)
            }
        }
        return UserNetwork(vpcID: vpc.vpcId, privateSubnets: privateSubnets, publicSubnet: publicSubnet.subnetId)
    }

    static func config(_ name: String, _ network: UserNetwork, privateSubnets: [String]? = nil) -> PlatformConfig {
        var config = EngineFixtures.config(name: name, interruptionQueue: false, gitops: false)
        config.spec.network.existing = PlatformConfig.ExistingNetwork(
            vpcID: network.vpcID,
            privateSubnetIDs: privateSubnets ?? network.privateSubnets,
            publicSubnetIDs: [network.publicSubnet]
        )
        return config
    }

    static func tags(_ subnet: String, _ session: AWSSession) async throws -> [String: String] {
        let found = try await session.ec2.describeSubnets(subnetIds: [subnet]).first?.tags ?? []
        return Dictionary(uniqueKeysWithValues: found.map { ($0.key, $0.value) })
    }

    @Test("up tags the private subnets for Karpenter and internal load balancers; down removes only what it added")
    func tagsAndUntags() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let network = try await Self.makeNetwork(session)
        let config = Self.config("byo", network)
        let observer = AWSPlatformObserver(session: session)
        let executor = Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })

        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        for subnet in network.privateSubnets {
            #expect(plan.changes.first { $0.id == ResourceID(.addedTags, subnet) }?.action == .create, "\(subnet)")
        }
        // Before the cluster (which holds the records) nothing is observed; the public subnet's step finds
        // kubernetes.io/role/elb already there and adds nothing (no record either, checked below).
        #expect(plan.changes.first { $0.id == ResourceID(.addedTags, network.publicSubnet) }?.action == .create)
        let summary = try await executor.up(
            plan: plan,
            blueprint: blueprint,
            observed: try await observer.observe(config),
            provider: AWSPlatformProvider(session: session),
            events: NullEventHandler()
        )
        #expect(summary.isSuccess, "\(summary.failed)")
        guard summary.isSuccess else { return }

        for subnet in network.privateSubnets {
            let tags = try await Self.tags(subnet, session)
            #expect(tags["karpenter.sh/discovery"] == "byo", "\(subnet)")
            #expect(tags["kubernetes.io/role/internal-elb"] == "1", "\(subnet)")
            #expect(tags["eksplatform.io/added-tags/byo"] == "karpenter.sh/discovery,kubernetes.io/role/internal-elb")
            #expect(tags["eksplatform.io/cluster"] == nil, "the user's subnet is not the platform's to delete")
        }
        #expect(try await Self.tags(network.publicSubnet, session)["eksplatform.io/added-tags/byo"] == nil)
        let (_, settled) = try await Planner.plan(config, observer: observer)
        let changed = settled.changes.filter { $0.action != .noop }
        #expect(changed.isEmpty, "\(changed.map { "\($0.id): \($0.reasons)" })")

        // A down interrupted after the cluster went, before the tags came off (the access stage left out here):
        // the next down finds the subnets by the record on them.
        let full = TeardownPlan(blueprint: blueprint)
        let interrupted = try await executor.down(
            teardown: TeardownPlan(stages: full.stages.filter { $0.name == "nodegroup" || $0.name == "cluster" }),
            config: config,
            observed: try await observer.observe(config),
            provider: AWSTeardownProvider(session: session, kube: nil),
            events: NullEventHandler()
        )
        #expect(interrupted.isSuccess, "\(interrupted.failed)")
        #expect(try await Self.tags(network.privateSubnets[0], session)["karpenter.sh/discovery"] == "byo")
        let down = try await executor.down(
            teardown: full,
            config: config,
            observed: try await observer.observe(config),
            provider: AWSTeardownProvider(session: session, kube: nil),
            events: NullEventHandler()
        )
        #expect(down.isSuccess, "\(down.failed)")
        for subnet in network.privateSubnets {
            #expect(try await Self.tags(subnet, session) == [:], "\(subnet) is back as the user made it")
        }
        #expect(try await Self.tags(network.publicSubnet, session) == ["kubernetes.io/role/elb": "1"])
        #expect(try await session.ec2.describeVpcs(vpcIds: [network.vpcID]).count == 1, "the user's VPC stays")
    }

    /// The refusal `plan` gives for `config`.
    static func refusal(_ config: PlatformConfig, _ session: AWSSession) async throws -> PlanRefusal? {
        do {
            _ = try await PlatformEngine(config: config, session: session).plan()
            return nil
        } catch let refusal as PlanRefusal {
            return refusal
        }
    }

    @Test("one zone, no default route, another VPC, an unknown id: a plan-time error that names the subnet")
    func badSubnetsAreRefusedAtPlanTime() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))

        let oneZone = try await Self.makeNetwork(session, cidr: "10.61.0.0/16", zones: ["us-west-2a", "us-west-2a"])
        let zoneRefusal = try #require(try await Self.refusal(Self.config("one", oneZone), session))
        #expect(zoneRefusal.code == "plan.existingNetwork")
        #expect(zoneRefusal.message.contains("are all in us-west-2a; EKS needs subnets in at least two Availability Zones"))

        let noRoute = try await Self.makeNetwork(session, cidr: "10.62.0.0/16", defaultRoute: false)
        let routeRefusal = try #require(try await Self.refusal(Self.config("noroute", noRoute), session))
        for subnet in noRoute.privateSubnets {
            #expect(routeRefusal.message.contains("private subnet \(subnet) has no default route (0.0.0.0/0)"))
        }

        let other = try await Self.makeNetwork(session, cidr: "10.63.0.0/16")
        let mixed = [noRoute.privateSubnets[0], other.privateSubnets[1]]
        let vpcRefusal = try #require(try await Self.refusal(Self.config("mixed", noRoute, privateSubnets: mixed), session))
        #expect(vpcRefusal.message.contains("subnet \(other.privateSubnets[1]) belongs to \(other.vpcID), not to vpcID"))

        let unknown = [other.privateSubnets[0], "subnet-0123456789abcdef0"]
        let unknownRefusal = try #require(
            try await Self.refusal(Self.config("unknown", other, privateSubnets: unknown), session)
        )
        #expect(unknownRefusal.message.contains("subnet subnet-0123456789abcdef0 does not exist in this account and region"))

        // A good network plans without a refusal.
        #expect(try await Self.refusal(Self.config("good", other), session) == nil)
    }
}
