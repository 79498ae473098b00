import EKSAWS
import EKSKubernetes
import Foundation

/// Observes a platform in AWS with the typed clients: one caller-identity lookup, one zone listing, one
/// tag-filtered Describe call per EC2 resource type (`tag:eksplatform.io/cluster=<name>`), and name-based reads for
/// IAM, EKS, SQS and EventBridge (whose names are stable functions of the cluster name). The services are read
/// concurrently. Per-resource reads (a role's policies, an add-on's configuration, a rule's target and tags …) are
/// skipped when platformctl's ``AppliedRecord`` shows the resource was applied as platform.yaml asks now, unless
/// ``fullRefresh`` is set.
///
/// In-cluster objects are observed by `clusterObjects` when given (it needs a Kubernetes client); without it they are
/// left out and the planner reports them as to be applied.
package struct AWSPlatformObserver: PlatformObserver {
    /// The AWS session (credentials, region, endpoint).
    package var session: AWSSession
    /// Observes the engine's in-cluster objects once the cluster exists.
    package var clusterObjects: (any ClusterObjectObserver)?
    /// Read every resource in full, ignoring ``AppliedRecord``s (finds changes made outside platformctl to the
    /// recorded parts, at the cost of more reads).
    package var fullRefresh: Bool

    /// Creates an observer.
    package init(session: AWSSession, clusterObjects: (any ClusterObjectObserver)? = nil, fullRefresh: Bool = false) {
        self.session = session
        self.clusterObjects = clusterObjects
        self.fullRefresh = fullRefresh
    }

    /// The IAM ARN EKS knows the caller `arn` (from `GetCallerIdentity`) by, or `nil` for one it cannot map.
    ///
    /// An assumed-role session (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`) is its role, whose ARN carries the
    /// role's path; the session ARN drops it, so the role is read with `GetRole` (when that is refused, the ARN
    /// without a path is used). A user is its user ARN (moto spells
    /// it with `sts`). The root user and federated users have no access entry of their own: `nil`.
    package static func principalARN(ofCaller arn: String, iam: IAMClient) async throws -> String? {
        guard let parsed = ARN(parsing: arn) else { return nil }
        let parts = parsed.resource.split(separator: "/").map(String.init)
        if parsed.service == "sts", parts.first == "assumed-role", parts.count >= 3 {
            do {
                return try await iam.getRole(roleName: parts[1]).arn
            } catch let error as AWSServiceError where error.isNotFound || error.code.hasPrefix("AccessDenied") {
                // Not allowed to read its own role (or moto's AssumeRole of a role that does not exist): the ARN
                // without a path, which is the role's ARN unless the role has a path.
                return "arn:\(parsed.partition):iam::\(parsed.account):role/\(parts[1])"
            }
        }
        if parts.first == "user", parts.count >= 2, ["iam", "sts"].contains(parsed.service) {
            return "arn:\(parsed.partition):iam::\(parsed.account):\(parsed.resource)"
        }
        return nil
    }

    /// Whether `error` is an AWS "does not exist" answer (``AWSServiceError/isNotFound``).
    package static func isNotFound(_ error: any Error) -> Bool { (error as? AWSServiceError)?.isNotFound == true }

    /// Observes `config`'s platform: identity, then zones and every kind concurrently (see the type's notes); values
    /// that refer to other platform resources (physical ids, role ARNs) are translated to their ``ResourceID``s.
    package func observe(_ config: PlatformConfig) async throws -> ObservedState {
        let identity = try await session.callerIdentity()
        let partition = ARN(parsing: identity.arn)?.partition ?? PlatformContext.partition(forRegion: config.spec.region)
        let context = PlatformContext(
            accountID: identity.account,
            partition: partition,
            region: config.spec.region,
            callerARN: try await Self.principalARN(ofCaller: identity.arn, iam: session.iam)
        )

        let scope = ObservationScope(
            session: session,
            config: config,
            context: context,
            names: Blueprint.Names(cluster: config.name),
            fullRefresh: fullRefresh,
            reads: SharedReads()
        )
        async let zoneList = scope.availableZones()
        async let existingNetwork = Self.existingNetworkFacts(config, session: session)
        // Every kind at once: a kind that needs another's read (the cluster, the queue) awaits that one read.
        let perKind = try await Self.concurrently(ResourceKinds.all) { kind in
            try await kind.observe(in: scope).map { (kind, $0) }
        }
        let found = perKind.flatMap { $0 }
        let zones = try await zoneList
        var resources = Self.resolvingReferences(found, context: context)
        let cluster = try await ResourceSpec.Cluster.describe(in: scope)
        let endpoint = cluster?.endpoint
        if let clusterObjects, let endpoint {
            resources += try await clusterObjects.observe(config, endpoint: endpoint, context: context)
        }
        return ObservedState(
            context: context,
            availableZones: zones,
            resources: resources,
            clusterEndpoint: endpoint,
            existingNetwork: try await existingNetwork
        )
    }

    /// With `network.existing`: its subnets (one `DescribeSubnets` by `subnet-id` filter, which leaves unknown ids out
    /// instead of failing) and its VPC's route tables (one `DescribeRouteTables`).
    static func existingNetworkFacts(
        _ config: PlatformConfig,
        session: AWSSession
    ) async throws -> ObservedState.ExistingNetworkFacts? {
        guard let existing = config.spec.network.existing else { return nil }
        let ec2 = session.ec2
        async let subnets = ec2.describeSubnets(filters: [
            EC2Filter(name: "subnet-id", values: existing.privateSubnetIDs + existing.publicSubnetIDs)
        ])
        let tables = try await ec2.describeRouteTables(filters: [EC2Filter(name: "vpc-id", values: [existing.vpcID])])
        return ObservedState.ExistingNetworkFacts(subnets: try await subnets, routeTables: tables)
    }

    /// `found` with every reference property (``PropertyKey/isReference``) translated: each item of a
    /// comma-separated value, and each side of a `destination->target` route, that another observed resource is
    /// known by (its ``ManagedResource/references(to:in:)``) becomes that resource's id; anything else (a subnet
    /// the platform does not own) stays as it is.
    static func resolvingReferences(
        _ found: [(any ManagedResource.Type, ObservedResource)],
        context: PlatformContext
    ) -> [ObservedResource] {
        var known: [String: String] = [:]
        for (kind, resource) in found {
            for reference in kind.references(to: resource, in: context) where known[reference] == nil {
                known[reference] = resource.id.description
            }
        }
        func translate(_ value: String) -> String {
            value.split(separator: ",", omittingEmptySubsequences: false).map { item in
                let parts = item.components(separatedBy: "->")
                return parts.map { known[$0] ?? $0 }.joined(separator: "->")
            }.sorted().joined(separator: ",")
        }
        return found.map { _, resource in
            var resolved = resource
            for (key, value) in resource.properties where key.isReference && !value.isEmpty {
                resolved.properties[key] = translate(value)
            }
            return resolved
        }
    }

    /// The digests of the desired state of the kinds that keep an ``AppliedRecord``, and the access entries' principals.
    package struct DesiredRecords: Sendable {
        var digests: [ResourceID: String] = [:]
        var accessEntryByPrincipal: [String: ResourceID] = [:]

        /// No records (a full refresh, or a configuration the blueprint rejects): everything is read in full.
        init() {}

        init(config: PlatformConfig, zones: [String], context: PlatformContext) {
            guard let resolved = try? Blueprint.resolveZones(for: config, available: zones),
                let blueprint = try? Blueprint(config: config, zones: resolved, callerARN: context.callerARN)
            else { return }
            for resource in blueprint.resources where AppliedRecord.holder(of: resource.id.kind) != nil {
                digests[resource.id] = AppliedRecord.digest(of: resource, in: context)
                if let entry = resource.spec as? ResourceSpec.AccessEntry {
                    accessEntryByPrincipal[entry.principalARN(in: context)] = resource.id
                }
            }
        }

        /// Whether `recorded` (a tag value, if any) proves `id` was applied as platform.yaml asks now.
        func matches(_ id: ResourceID, recorded: String?) -> Bool {
            guard let recorded, let digest = digests[id] else { return false }
            return recorded == digest
        }

        /// The record state of a resource read in full.
        func stateAfterFullRead(_ id: ResourceID) -> ObservedResource.Record {
            digests[id] == nil ? .notApplicable : .stale
        }
    }

    /// Runs `body` for every element concurrently and returns the non-nil results in the elements' order.
    package static func concurrently<Element: Sendable, Result: Sendable>(
        _ elements: [Element],
        _ body: @escaping @Sendable (Element) async throws -> Result?
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result?).self) { group in
            for (index, element) in elements.enumerated() {
                group.addTask { (index, try await body(element)) }
            }
            var results = [Result?](repeating: nil, count: elements.count)
            for try await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
    }

}

/// Observes the engine's in-cluster objects (digest annotations) through a Kubernetes client.
package protocol ClusterObjectObserver: Sendable {
    /// The in-cluster objects of `config`'s platform, with their `digest` property; `context` (the account and
    /// region) lets a full refresh compare `platform-vars` with the values the engine would write.
    func observe(_ config: PlatformConfig, endpoint: String, context: PlatformContext?) async throws -> [ObservedResource]
}

extension ClusterObjectObserver {
    /// The in-cluster objects of `config`'s platform, without the account context.
    package func observe(_ config: PlatformConfig, endpoint: String) async throws -> [ObservedResource] {
        try await observe(config, endpoint: endpoint, context: nil)
    }
}
