import EKSPlatformKit
import Testing

/// The pure reachability check over security group rules.
@Suite("SecurityGroupReachability: can groups A reach groups B on a protocol and port")
struct SecurityGroupReachabilityTests {
    static let everywhere = [EC2IpRange(cidrIp: "0.0.0.0/0")]

    /// A group with the given rules; by default all traffic out, as EC2 creates one.
    static func group(
        _ id: String,
        ingress: [EC2IpPermission],
        egress: [EC2IpPermission] = [EC2IpPermission(ipProtocol: "-1", ipRanges: everywhere)]
    ) -> EC2SecurityGroup {
        var group = EC2SecurityGroup()
        group.groupId = id
        group.ipPermissions = ingress
        group.ipPermissionsEgress = egress
        return group
    }

    /// All traffic from the group `id` itself.
    static func selfRule(_ id: String) -> EC2IpPermission {
        EC2IpPermission(ipProtocol: "-1", userIdGroupPairs: [EC2UserIdGroupPair(groupId: id)])
    }

    /// EKS's cluster security group and the platform's node group, each admitting only itself.
    static let cluster = group("sg-cluster", ingress: [selfRule("sg-cluster")])
    static let node = group("sg-node", ingress: [selfRule("sg-node")])

    @Test("two groups that each admit only themselves: Karpenter's nodes (node group) cannot reach CoreDNS (cluster group)")
    func separateSelfReferencingGroupsAreUnreachable() {
        for transport in SecurityGroupReachability.TransportProtocol.allCases {
            #expect(!SecurityGroupReachability.canReach(from: [Self.node], to: [Self.cluster], transport, port: 53))
            #expect(!SecurityGroupReachability.canReach(from: [Self.cluster], to: [Self.node], transport, port: 10250))
        }
        let status = NodeReachability.evaluate(
            karpenterNodes: [Self.node],
            systemNodes: [Self.cluster],
            controlPlane: [Self.cluster, Self.node]
        )
        #expect(!status.allReachable)
        #expect(
            status.checks.first?.description
                == "Karpenter nodes → CoreDNS on the system nodes (UDP/TCP 53): BLOCKED (UDP/TCP by the security groups)"
        )
    }

    @Test("Karpenter's nodes also in the cluster group (the discovery tag on it): every path is reachable")
    func sharedClusterGroupIsReachable() {
        let status = NodeReachability.evaluate(
            karpenterNodes: [Self.node, Self.cluster],
            systemNodes: [Self.cluster],
            controlPlane: [Self.cluster, Self.node]
        )
        #expect(status.allReachable, "\(status.checks.filter { !$0.isReachable })")
        #expect(status.checks.first?.description == "Karpenter nodes → CoreDNS on the system nodes (UDP/TCP 53): reachable")
    }

    @Test("protocol and port ranges: tcp 443 from a group admits tcp 443 only; protocol numbers count as names")
    func protocolsAndPorts() {
        let api = Self.group(
            "sg-api",
            ingress: [
                EC2IpPermission(ipProtocol: "tcp", fromPort: 443, toPort: 443, userIdGroupPairs: [.init(groupId: "sg-node")])
            ]
        )
        #expect(SecurityGroupReachability.canReach(from: [Self.node], to: [api], .tcp, port: 443))
        #expect(!SecurityGroupReachability.canReach(from: [Self.node], to: [api], .tcp, port: 53))
        #expect(!SecurityGroupReachability.canReach(from: [Self.node], to: [api], .udp, port: 443))
        let dns = Self.group(
            "sg-dns",
            ingress: [EC2IpPermission(ipProtocol: "17", fromPort: 53, toPort: 53, userIdGroupPairs: [.init(groupId: "sg-node")])]
        )
        #expect(SecurityGroupReachability.canReach(from: [Self.node], to: [dns], .udp, port: 53))
        #expect(!SecurityGroupReachability.canReach(from: [Self.node], to: [dns], .tcp, port: 53))
        let kubelets = Self.group(
            "sg-kubelet",
            ingress: [
                EC2IpPermission(ipProtocol: "tcp", fromPort: 1025, toPort: 65535, userIdGroupPairs: [.init(groupId: "sg-node")])
            ]
        )
        #expect(SecurityGroupReachability.canReach(from: [Self.node], to: [kubelets], .tcp, port: 10250))
        #expect(!SecurityGroupReachability.canReach(from: [Self.node], to: [kubelets], .tcp, port: 443))
    }

    @Test("egress counts too: a source that may only send tcp 443 cannot ask CoreDNS, however open the destination")
    func egressIsChecked() {
        let locked = Self.group(
            "sg-locked",
            ingress: [],
            egress: [EC2IpPermission(ipProtocol: "tcp", fromPort: 443, toPort: 443, ipRanges: Self.everywhere)]
        )
        let open = Self.group("sg-open", ingress: [EC2IpPermission(ipProtocol: "-1", ipRanges: Self.everywhere)])
        #expect(!SecurityGroupReachability.canReach(from: [locked], to: [open], .udp, port: 53))
        #expect(SecurityGroupReachability.canReach(from: [locked], to: [open], .tcp, port: 443))
        let noEgress = Self.group("sg-silent", ingress: [], egress: [])
        #expect(!SecurityGroupReachability.canReach(from: [noEgress], to: [open], .tcp, port: 443))
    }

    @Test("CIDR rules admit peers whose addresses they cover: 10.0.0.0/8 covers the VPC 10.42.0.0/16, a /24 does not")
    func cidrRules() {
        let wide = Self.group(
            "sg-wide",
            ingress: [EC2IpPermission(ipProtocol: "udp", fromPort: 53, toPort: 53, ipRanges: [.init(cidrIp: "10.0.0.0/8")])]
        )
        let narrow = Self.group(
            "sg-narrow",
            ingress: [EC2IpPermission(ipProtocol: "udp", fromPort: 53, toPort: 53, ipRanges: [.init(cidrIp: "10.42.0.0/24")])]
        )
        let vpc = IPv4CIDR("10.42.0.0/16")
        #expect(SecurityGroupReachability.canReach(from: [Self.node], to: [wide], .udp, port: 53, addresses: vpc))
        #expect(!SecurityGroupReachability.canReach(from: [Self.node], to: [narrow], .udp, port: 53, addresses: vpc))
        // Without the peers' addresses only a rule open to everything is known to admit them.
        #expect(!SecurityGroupReachability.canReach(from: [Self.node], to: [wide], .udp, port: 53))
    }
}
