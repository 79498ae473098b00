import EKSAWS

/// A change platform.yaml asks for that AWS cannot make, found at plan time so that `plan` never shows it as an
/// update and `up` never starts it.
public struct PlanRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code, e.g. `plan.downgrade`.
    public var code: String
    /// What cannot be done, why, and what to do instead.
    public var message: String

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// The refusals for moving `observed` to `config`: a Kubernetes version lower than the cluster's (EKS upgrades
    /// only, one minor at a time, and has no downgrade — EKS user guide, "Update existing cluster to new
    /// Kubernetes version").
    public static func check(_ config: PlatformConfig, observed: ObservedState) -> [PlanRefusal] {
        var refusals: [PlanRefusal] = []
        let wanted = config.spec.kubernetesVersion
        if let running = observed.resource(ResourceID(.cluster, "main"))?.properties[.version],
            let from = minor(running), let to = minor(wanted), to < from
        {
            refusals.append(
                PlanRefusal(
                    code: "plan.downgrade",
                    message: "cluster \(config.name) runs Kubernetes \(running) and platform.yaml asks for \(wanted), but "
                        + "EKS cannot downgrade a cluster; set kubernetesVersion back to \"\(running)\" (or later). "
                        + "Going back means a new platform under another name"
                )
            )
        }
        if let existing = config.spec.network.existing {
            let problems = existingNetworkProblems(existing, cluster: config.name, facts: observed.existingNetwork)
            if !problems.isEmpty {
                refusals.append(
                    PlanRefusal(
                        code: "plan.existingNetwork",
                        message: "spec.network.existing cannot carry the cluster: " + problems.joined(separator: "; ")
                    )
                )
            }
        }
        return refusals
    }

    /// What makes the subnets of `network.existing` unfit, each naming the subnet: an id EC2 does not know, a subnet
    /// of another VPC, private subnets in fewer than two Availability Zones (EKS requires subnets in at least two
    /// zones for the control plane: EKS user guide, "View Amazon EKS networking requirements for VPC and subnets"), a
    /// private subnet whose route table (its own association, else the VPC's main table) has no active `0.0.0.0/0`
    /// route (nodes there could reach neither ECR, STS nor the EKS API, and would never join), and a subnet that
    /// another cluster's Karpenter already discovers (`karpenter.sh/discovery` holds one value).
    static func existingNetworkProblems(
        _ existing: PlatformConfig.ExistingNetwork,
        cluster: String,
        facts: ObservedState.ExistingNetworkFacts?
    ) -> [String] {
        guard let facts else { return [] }
        let byID = Dictionary(facts.subnets.map { ($0.subnetId, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for id in existing.privateSubnetIDs + existing.publicSubnetIDs {
            guard let subnet = byID[id] else {
                problems.append("subnet \(id) does not exist in this account and region")
                continue
            }
            if subnet.vpcId != existing.vpcID {
                problems.append("subnet \(id) belongs to \(subnet.vpcId), not to vpcID \(existing.vpcID)")
            }
            let discovery = subnet.tags.first { $0.key == PlatformTags.karpenterDiscovery }?.value
            if let discovery, discovery != cluster, existing.privateSubnetIDs.contains(id) {
                problems.append(
                    "subnet \(id) is tagged \(PlatformTags.karpenterDiscovery)=\(discovery), so another cluster's "
                        + "Karpenter launches nodes there; a tag has one value, so give this cluster other subnets"
                )
            }
        }
        let privateSubnets = existing.privateSubnetIDs.compactMap { byID[$0] }
        let zones = Set(privateSubnets.map(\.availabilityZone))
        if privateSubnets.count == existing.privateSubnetIDs.count, zones.count < 2 {
            problems.append(
                "the private subnets \(existing.privateSubnetIDs.joined(separator: ", ")) are all in "
                    + "\(zones.sorted().joined(separator: ", ")); EKS needs subnets in at least two Availability Zones"
            )
        }
        let main = facts.routeTables.first { $0.isMain }
        for subnet in privateSubnets where subnet.vpcId == existing.vpcID {
            let table =
                facts.routeTables.first { table in
                    table.associations.contains { $0.subnetId == subnet.subnetId }
                } ?? main
            let hasDefault = (table?.routes ?? []).contains { route in
                route.destinationCidrBlock == "0.0.0.0/0" && route.state != "blackhole"
            }
            if !hasDefault {
                problems.append(
                    "private subnet \(subnet.subnetId) has no default route (0.0.0.0/0) in its route table "
                        + "\(table?.routeTableId ?? "(none)"): its nodes could not reach ECR, STS or the EKS API; "
                        + "route it through a NAT gateway"
                )
            }
        }
        return problems
    }

    /// The minor number of `1.NN`.
    static func minor(_ version: String) -> Int? {
        let parts = version.split(separator: ".")
        guard parts.count == 2, parts[0] == "1" else { return nil }
        return Int(parts[1])
    }
}
