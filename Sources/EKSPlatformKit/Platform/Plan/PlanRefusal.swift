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

    /// The refusals for add-on versions pinned in platform.yaml that EKS does not run on the Kubernetes version
    /// platform.yaml asks for (`DescribeAddonVersions` with that version, one call per pinned add-on; none without
    /// pins). EKS would refuse the create or the update half-way through a run; this says so before anything starts,
    /// with the versions that would do.
    static func checkAddonPins(_ config: PlatformConfig, eks: EKSClient) async throws -> [PlanRefusal] {
        let wanted = config.spec.kubernetesVersion
        var refusals: [PlanRefusal] = []
        for (addon, pin) in config.spec.addonVersions.sorted(by: { $0.key < $1.key }) {
            let versions = try await eks.describeAddonVersions(addonName: addon, kubernetesVersion: wanted)
                .flatMap { $0.addonVersions ?? [] }
            let runs = versions.filter { info in info.compatibilities?.contains { $0.clusterVersion == wanted } == true }
            guard !runs.contains(where: { $0.addonVersion == pin }) else { continue }
            let choices = runs.prefix(3).map(\.addonVersion)
            let fallback = runs.first { info in
                info.compatibilities?.contains { $0.clusterVersion == wanted && $0.defaultVersion == true } == true
            }
            refusals.append(
                PlanRefusal(
                    code: "plan.addon-version",
                    message: "add-on \(addon) is pinned to \(pin) in platform.yaml, which EKS does not run on Kubernetes "
                        + "\(wanted); "
                        + (choices.isEmpty
                            ? "EKS lists no version of it for \(wanted)"
                            : "pin one of \(choices.joined(separator: ", "))"
                                + (fallback.map { " (EKS's default is \($0.addonVersion))" } ?? "")
                                + ", or drop the version to follow EKS's default")
                )
            )
        }
        return refusals
    }

    /// The Kubernetes version EKS must offer before a cluster is created at it or moved to it: the offline table
    /// `validate` uses ages, so a plan that creates or upgrades the cluster asks `DescribeClusterVersions` (one read,
    /// none when the version is already running) and refuses a version the region does not offer, naming those it
    /// does.
    package static func checkKubernetesVersion(
        _ config: PlatformConfig,
        observed: ObservedState,
        eks: EKSClient
    ) async throws -> PlanRefusal? {
        let wanted = config.spec.kubernetesVersion
        let running = observed.resource(ResourceID(.cluster, "main"))?.properties[.version]
        guard running != wanted else { return nil }
        let offered = try await eks.describeClusterVersions()
        func isOffered(_ version: String) -> Bool {
            offered.contains { $0.clusterVersion == version && $0.versionStatus != "UNSUPPORTED" }
        }
        // An upgrade moves one minor at a time (UpdateClusterVersion), so every minor on the way must be offered too:
        // a jump over one the region no longer offers would stop half-way, with the control plane between them.
        if isOffered(wanted), let running, let from = minor(running), let to = minor(wanted), to > from + 1 {
            let skipped = (from + 1..<to).map { "1.\($0)" }.filter { !isOffered($0) }
            if !skipped.isEmpty {
                return PlanRefusal(
                    code: "plan.kubernetes-version",
                    message: "the upgrade \(running) → \(wanted) moves one minor at a time, through "
                        + (from + 1..<to).map { "1.\($0)" }.joined(separator: ", ")
                        + ", but EKS does not offer \(skipped.joined(separator: ", ")) in \(observed.context.region) "
                        + "(DescribeClusterVersions), so it would stop half-way; upgrade to a version EKS still reaches "
                        + "step by step, or move the workloads to a new platform at \(wanted)"
                )
            }
        }
        if isOffered(wanted) { return nil }
        let available = offered.filter { $0.versionStatus != "UNSUPPORTED" }.map(\.clusterVersion)
            .sorted { (minor($0) ?? 0) > (minor($1) ?? 0) }
        let fallback = offered.first { $0.defaultVersion == true }?.clusterVersion
        return PlanRefusal(
            code: "plan.kubernetes-version",
            message: "EKS does not offer Kubernetes \(wanted) in \(observed.context.region) (DescribeClusterVersions); "
                + "set spec.kubernetesVersion to one it offers: \(available.joined(separator: ", "))"
                + (fallback.map { " (default \($0))" } ?? "")
        )
    }

    /// A replacement `up` would refuse (a kind that cannot be replaced create-before-destroy, such as the VPC or the
    /// cluster): refused here, so `plan` never shows a change that `up` then will not make.
    package static func replacements(in plan: Plan) -> PlanRefusal? {
        let refused = plan.changes.filter { $0.action == .replace && !Planner.replacesBeforeDestroying($0.id.kind) }
        guard !refused.isEmpty else { return nil }
        let list = refused.map { change in
            "\(change.id) (\(change.reasons.dropLast().joined(separator: "; ")))"
        }
        return PlanRefusal(
            code: "plan.replacement",
            message: "these cannot change in place and platformctl does not re-create them under a running platform: "
                + list.joined(separator: ", ")
                + "; change platform.yaml back, or create a new platform under another name and move to it"
        )
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
