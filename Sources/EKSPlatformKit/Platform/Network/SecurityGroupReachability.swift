import EKSAWS
import EKSKubernetes

/// Whether traffic can flow between two network interfaces, judged from their security groups' rules alone. Pure.
///
/// An interface is in a set of security groups and a group's rules are unions: a connection from an interface in
/// the groups `sources` to one in `destinations` is allowed when some egress rule of a source group and some ingress
/// rule of a destination group both admit it (security groups are stateful, so the replies need no rule). A rule
/// admits a peer that is in the group it names, or whose address lies in one of its CIDRs; with no `addresses`
/// given for the peers, only a CIDR that covers every IPv4 address (`0.0.0.0/0`) does. Network ACLs and routes are
/// outside the model.
public enum SecurityGroupReachability {
    /// The transport protocols a check is about.
    public enum TransportProtocol: String, Sendable, Hashable, CaseIterable {
        case tcp, udp

        /// IANA's number, which EC2 also accepts in rules.
        var number: String { self == .tcp ? "6" : "17" }
    }

    /// Whether an interface in `sources` can open `transport` `port` to an interface in `destinations`.
    /// - Parameter addresses: the block the peers' addresses are in (the VPC's CIDR), so that a CIDR rule covering it
    ///   counts; `nil` counts only rules open to everything.
    public static func canReach(
        from sources: [EC2SecurityGroup],
        to destinations: [EC2SecurityGroup],
        _ transport: TransportProtocol,
        port: Int,
        addresses: IPv4CIDR? = nil
    ) -> Bool {
        let sourceIDs = Set(sources.map(\.groupId))
        let destinationIDs = Set(destinations.map(\.groupId))
        let leaves = sources.flatMap(\.ipPermissionsEgress).contains { rule in
            admits(rule, transport, port) && names(rule, peerGroups: destinationIDs, addresses: addresses)
        }
        let enters = destinations.flatMap(\.ipPermissions).contains { rule in
            admits(rule, transport, port) && names(rule, peerGroups: sourceIDs, addresses: addresses)
        }
        return leaves && enters
    }

    /// Whether `rule`'s protocol and port range cover `transport` `port`.
    static func admits(_ rule: EC2IpPermission, _ transport: TransportProtocol, _ port: Int) -> Bool {
        let proto = rule.ipProtocol.lowercased()
        if proto == "-1" || proto == "all" { return true }
        guard proto == transport.rawValue || proto == transport.number else { return false }
        // EC2 writes an all-ports rule of tcp or udp as 0-65535; a missing or -1 bound means all ports too.
        let from = rule.fromPort ?? -1
        let to = rule.toPort ?? -1
        if from == -1 && to == -1 { return true }
        return from <= port && port <= to
    }

    /// Whether `rule` names one of `peerGroups` or a CIDR holding `addresses`.
    static func names(_ rule: EC2IpPermission, peerGroups: Set<String>, addresses: IPv4CIDR?) -> Bool {
        if rule.userIdGroupPairs.contains(where: { peerGroups.contains($0.groupId) }) { return true }
        return rule.ipRanges.contains { range in
            guard let cidr = IPv4CIDR(range.cidrIp) else { return false }
            let peers = addresses ?? IPv4CIDR(address: 0, prefixLength: 0)
            return cidr.contains(peers)
        }
    }
}

extension IPv4CIDR {
    /// Whether every address of `other` lies in this block.
    public func contains(_ other: IPv4CIDR) -> Bool {
        guard other.prefixLength >= prefixLength else { return false }
        let mask: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefixLength)
        return other.address & mask == address & mask
    }
}
