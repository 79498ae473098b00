import EKSAWS
import EKSKubernetes

/// The paths the platform's two kinds of node and the control plane need between them, checked against their
/// security groups as they are in AWS (``SecurityGroupReachability``); what `status` reports.
///
/// Which groups each side is in:
/// - **Karpenter's nodes**: every group tagged `karpenter.sh/discovery=<cluster>`, the `securityGroupSelectorTerms` of
///   the rendered `EC2NodeClass` (Karpenter attaches all the groups it selects);
/// - **the system nodes**: EKS's cluster security group, because the managed node group has no launch template
///   (EKS user guide, "View Amazon EKS security group requirements for clusters": EKS puts the nodes of managed node
///   groups in it, and the groups given at cluster creation only on the control plane's interfaces);
/// - **the control plane**: the cluster security group and the cluster's additional groups.
public struct NodeReachability: Sendable, Equatable {
    /// One path and whether the rules allow it.
    public struct Check: Sendable, Equatable, CustomStringConvertible {
        /// Who opens the connection, e.g. `Karpenter nodes`.
        public var from: String
        /// What is reached, e.g. `CoreDNS`.
        public var to: String
        /// The protocols checked.
        public var transports: [SecurityGroupReachability.TransportProtocol]
        public var port: Int
        /// The protocols the rules block (empty: reachable).
        public var blocked: [SecurityGroupReachability.TransportProtocol]

        /// Whether every protocol gets through.
        public var isReachable: Bool { blocked.isEmpty }

        /// `Karpenter nodes → CoreDNS (UDP/TCP 53): reachable`.
        public var description: String {
            let protocols = transports.map { $0.rawValue.uppercased() }.joined(separator: "/")
            let verdict =
                isReachable
                ? "reachable"
                : "BLOCKED (\(blocked.map { $0.rawValue.uppercased() }.joined(separator: "/")) by the security groups)"
            return "\(from) → \(to) (\(protocols) \(port)): \(verdict)"
        }
    }

    /// The checks, in a fixed order.
    public var checks: [Check]

    /// Every check reachable.
    public var allReachable: Bool { checks.allSatisfy(\.isReachable) }

    /// The checks for the groups of each side. Pure.
    public static func evaluate(
        karpenterNodes: [EC2SecurityGroup],
        systemNodes: [EC2SecurityGroup],
        controlPlane: [EC2SecurityGroup],
        addresses: IPv4CIDR? = nil
    ) -> NodeReachability {
        typealias Transport = SecurityGroupReachability.TransportProtocol
        func check(
            _ from: String,
            _ sources: [EC2SecurityGroup],
            _ to: String,
            _ destinations: [EC2SecurityGroup],
            _ transports: [Transport],
            _ port: Int
        ) -> Check {
            let blocked = transports.filter { transport in
                !SecurityGroupReachability.canReach(
                    from: sources,
                    to: destinations,
                    transport,
                    port: port,
                    addresses: addresses
                )
            }
            return Check(from: from, to: to, transports: transports, port: port, blocked: blocked)
        }
        return NodeReachability(checks: [
            check("Karpenter nodes", karpenterNodes, "CoreDNS on the system nodes", systemNodes, [.udp, .tcp], 53),
            check("system nodes", systemNodes, "kubelets of Karpenter nodes", karpenterNodes, [.tcp], 10250),
            check("Karpenter nodes", karpenterNodes, "kubelets of system nodes", systemNodes, [.tcp], 10250),
            check("Karpenter nodes", karpenterNodes, "the cluster API", controlPlane, [.tcp], 443),
            check("control plane", controlPlane, "kubelets of Karpenter nodes", karpenterNodes, [.tcp], 10250),
        ])
    }

    /// Reads the groups of each side for `config`'s cluster and evaluates them; `nil` while the cluster or its
    /// cluster security group does not exist.
    public static func read(config: PlatformConfig, session: AWSSession) async throws -> NodeReachability? {
        let ec2 = session.ec2
        guard
            let cluster = try await ifExists({ try await session.eks.describeCluster(name: config.name) }),
            let vpc = cluster.resourcesVpcConfig, let clusterGroup = vpc.clusterSecurityGroupId
        else { return nil }
        let karpenter = try await ec2.describeSecurityGroups(filters: [
            EC2Filter(name: "tag:\(PlatformTags.karpenterDiscovery)", values: [config.name])
        ])
        let controlPlaneIDs = [clusterGroup] + (vpc.securityGroupIds ?? [])
        let controlPlane = try await ec2.describeSecurityGroups(groupIds: controlPlaneIDs)
        let system = controlPlane.filter { $0.groupId == clusterGroup }
        var addresses: IPv4CIDR?
        if let vpcID = vpc.vpcId {
            addresses = try await ec2.describeVpcs(vpcIds: [vpcID]).first.flatMap { IPv4CIDR($0.cidrBlock) }
        }
        return evaluate(karpenterNodes: karpenter, systemNodes: system, controlPlane: controlPlane, addresses: addresses)
    }
}
