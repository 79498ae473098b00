import EKSAWS

/// The quotas a fresh account usually lacks for a new platform's network, checked at plan time so that `up` does
/// not stop at `VpcLimitExceeded` or `AddressLimitExceeded` after half the platform exists (issue 16).
///
/// Defaults are low: 5 VPCs and 5 internet gateways per Region, 5 NAT gateways per Availability Zone (Amazon VPC
/// User Guide, "Amazon VPC quotas") and 5 Elastic IP addresses per Region (Amazon EC2 User Guide, "Elastic IP
/// address quota"). Each limit is read from Service Quotas (the applied value, else AWS's default); usage is counted
/// with EC2's own describe calls. Nothing is read when the plan creates none of these, so neither a no-op plan nor a
/// platform on `network.existing` pays for the check. A quota that cannot be read (no `servicequotas:` permission,
/// a partition without the API) is not guessed: that check is skipped.
enum NetworkQuotas {
    /// One quota the plan would exceed.
    struct Shortfall: Equatable, CustomStringConvertible {
        var serviceCode: String
        var quotaCode: String
        var name: String
        /// `in us-west-2`, `in us-west-2a`.
        var scope: String
        var limit: Int
        var used: Int
        var adding: Int

        var description: String {
            "\(name) \(scope): \(used) in use + \(adding) this plan creates > quota \(limit) (\(serviceCode)/\(quotaCode)); "
                + "free some, or ask for more: aws service-quotas request-service-quota-increase --service-code "
                + "\(serviceCode) --quota-code \(quotaCode) --desired-value \(used + adding)"
        }
    }

    static let vpcs = (service: "vpc", code: "L-F678F1CE")
    static let internetGateways = (service: "vpc", code: "L-A4707A72")
    static let natGatewaysPerZone = (service: "vpc", code: "L-FE5A380F")
    static let elasticIPs = (service: "ec2", code: "L-0263D0A3")

    /// `plan.quota` naming every quota `plan` would exceed, or `nil`.
    static func refusal(plan: Plan, blueprint: Blueprint, session: AWSSession) async throws -> PlanRefusal? {
        let shortfalls = try await shortfalls(plan: plan, blueprint: blueprint, session: session)
        guard !shortfalls.isEmpty else { return nil }
        return PlanRefusal(
            code: "plan.quota",
            message: "this plan needs more than the account's quotas allow in \(session.region); "
                + shortfalls.map(\.description).joined(separator: "; ")
        )
    }

    static func shortfalls(plan: Plan, blueprint: Blueprint, session: AWSSession) async throws -> [Shortfall] {
        let created = Set(plan.changes.filter { $0.action == .create }.map(\.id))
        func creates(_ kind: ResourceKind) -> Int { created.filter { $0.kind == kind }.count }
        let region = session.region
        let ec2 = session.ec2
        // New NAT gateways by zone: each sits in a subnet of the blueprint.
        let specs = Dictionary(blueprint.resources.map { ($0.id, $0.spec) }, uniquingKeysWith: { first, _ in first })
        var newNATs: [String: Int] = [:]
        for id in created where id.kind == .natGateway {
            guard let nat = specs[id] as? ResourceSpec.NATGateway, let subnet = specs[nat.subnet] as? ResourceSpec.Subnet
            else { continue }
            newNATs[subnet.zone, default: 0] += 1
        }
        let wanted = (
            vpcs: creates(.vpc), gateways: creates(.internetGateway), addresses: creates(.elasticIP),
            nats: newNATs.values.reduce(0, +)
        )
        guard wanted.vpcs + wanted.gateways + wanted.addresses + wanted.nats > 0 else { return [] }

        async let vpcLimit = limit(vpcs, if: wanted.vpcs > 0, session)
        async let gatewayLimit = limit(internetGateways, if: wanted.gateways > 0, session)
        async let addressLimit = limit(elasticIPs, if: wanted.addresses > 0, session)
        async let natLimit = limit(natGatewaysPerZone, if: wanted.nats > 0, session)
        async let vpcsInUse = wanted.vpcs > 0 ? ec2.describeVpcs().count : 0
        async let gatewaysInUse = wanted.gateways > 0 ? ec2.describeInternetGateways().count : 0
        async let addressesInUse =
            wanted.addresses > 0 ? ec2.describeAddresses(filters: [EC2Filter(name: "domain", values: ["vpc"])]).count : 0
        async let liveNATs =
            wanted.nats > 0
            ? ec2.describeNatGateways(filters: [EC2Filter(name: "state", values: ["pending", "available"])]) : []

        var shortfalls: [Shortfall] = []
        func check(
            _ quota: (service: String, code: String),
            _ limit: ServiceQuotasClient.Quota?,
            _ scope: String,
            _ used: Int,
            _ adding: Int
        ) {
            guard adding > 0, let limit, Double(used + adding) > limit.value else { return }
            shortfalls.append(
                Shortfall(
                    serviceCode: quota.service,
                    quotaCode: quota.code,
                    name: limit.name,
                    scope: scope,
                    limit: Int(limit.value),
                    used: used,
                    adding: adding
                )
            )
        }
        check(vpcs, try await vpcLimit, "in \(region)", try await vpcsInUse, wanted.vpcs)
        check(internetGateways, try await gatewayLimit, "in \(region)", try await gatewaysInUse, wanted.gateways)
        check(elasticIPs, try await addressLimit, "in \(region)", try await addressesInUse, wanted.addresses)
        let nats = try await liveNATs
        if let natQuota = try await natLimit, !nats.isEmpty || wanted.nats > 0 {
            let subnetIDs = Array(Set(nats.map(\.subnetId).filter { !$0.isEmpty }))
            let zoneOf =
                subnetIDs.isEmpty
                ? [:]
                : Dictionary(
                    try await ec2.describeSubnets(subnetIds: subnetIDs).map { ($0.subnetId, $0.availabilityZone) },
                    uniquingKeysWith: { first, _ in first }
                )
            for (zone, adding) in newNATs.sorted(by: { $0.key < $1.key }) {
                let used = nats.filter { zoneOf[$0.subnetId] == zone }.count
                check(natGatewaysPerZone, natQuota, "in \(zone)", used, adding)
            }
        }
        return shortfalls
    }

    /// The quota, or `nil` when it is not needed or cannot be read (then the check is skipped, not guessed).
    private static func limit(
        _ quota: (service: String, code: String),
        if needed: Bool,
        _ session: AWSSession
    ) async -> ServiceQuotasClient.Quota? {
        guard needed else { return nil }
        return try? await session.serviceQuotas.quota(serviceCode: quota.service, quotaCode: quota.code)
    }
}
