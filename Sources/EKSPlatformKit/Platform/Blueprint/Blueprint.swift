import EKSAWS
import EKSKubernetes

/// Every resource the platform wants, derived purely from a ``PlatformConfig`` and the region's zone names.
///
/// AWS resources are in ``resources`` (each with tags, dependencies and an idempotency token); the objects the
/// engine applies to the cluster itself are in ``cluster``. Nothing here contains the account id: values that need
/// it (role ARNs, the Karpenter policy, the queue policy) are rendered with a ``PlatformContext`` at apply time.
public struct Blueprint: Sendable, Equatable {
    /// The configuration this blueprint was derived from.
    public var config: PlatformConfig
    /// The availability zones used, in order.
    public var zones: [String]
    /// The desired AWS resources, in a dependency-respecting order.
    public var resources: [DesiredResource]
    /// The desired in-cluster objects (Flux, Git credentials, sync objects, `platform-vars`); `nil` without `gitops`.
    public var cluster: ClusterObjects?

    /// The names of the resources the platform creates (stable functions of the cluster name).
    public var names: Names { Names(cluster: config.name) }

    /// Derives the blueprint.
    /// - Parameters:
    ///   - zones: the zones to use (see ``resolveZones(for:available:)``).
    ///   - callerARN: the IAM ARN of the identity running platformctl (``PlatformContext/callerARN``). When
    ///     `spec.access.admins` does not cover it, the blueprint adds an admin access entry for it: the cluster is
    ///     created without EKS's creator entry, so otherwise that identity would be refused by the cluster it made.
    ///     Only a hash of it is kept (the entry's name); the ARN itself is rendered from the context at apply time.
    /// - Throws: ``BlueprintError`` when the VPC CIDR is too small for the subnets.
    public init(config: PlatformConfig, zones: [String], callerARN: String? = nil) throws {
        self.config = config
        self.zones = zones
        var builder = Builder(config: config, zones: zones)
        builder.callerARN = callerARN
        try builder.buildNetwork()
        builder.buildIAM()
        builder.buildCluster()
        builder.buildKarpenter()
        self.resources = builder.resources
        self.cluster = config.spec.gitops.map { ClusterObjects(config: config, gitops: $0) }
    }

    /// The resource with `id`, if any.
    public func resource(_ id: ResourceID) -> DesiredResource? { resources.first { $0.id == id } }

    /// The zones for `config`: the named ones (each must be available), or the first N available in name order.
    /// - Throws: ``BlueprintError`` with code `zones`.
    public static func resolveZones(for config: PlatformConfig, available: [String]) throws -> [String] {
        switch config.spec.network.availabilityZones {
        case .names(let names):
            let missing = names.filter { !available.contains($0) }
            guard missing.isEmpty else {
                throw BlueprintError(
                    .zones,
                    "zones \(missing.joined(separator: ", ")) are not available in \(config.spec.region) "
                        + "(available: \(available.sorted().joined(separator: ", "))); fix spec.network.availabilityZones"
                )
            }
            return names
        case .count(let count):
            let sorted = available.sorted()
            guard sorted.count >= count else {
                throw BlueprintError(
                    .zones,
                    "\(config.spec.region) has \(sorted.count) available zones but spec.network.availabilityZones asks "
                        + "for \(count); lower the count"
                )
            }
            return Array(sorted.prefix(count))
        }
    }

    /// The stable names of the platform's resources for one cluster.
    public struct Names: Sendable, Equatable {
        /// The cluster name.
        public var cluster: String

        /// The names for cluster `cluster`.
        public init(cluster: String) { self.cluster = cluster }

        /// The EKS cluster role (≤ 64 characters).
        public var clusterRole: String { StableNames.bounded(cluster, suffix: "-cluster", limit: 64) }
        /// The system node group's node role.
        public var systemNodeRole: String { StableNames.bounded(cluster, suffix: "-system-node", limit: 64) }
        /// The Karpenter controller role (Pod Identity).
        public var karpenterControllerRole: String {
            StableNames.bounded(cluster, suffix: "-karpenter-controller", limit: 64)
        }
        /// The role of Karpenter-launched nodes (the `EC2NodeClass.spec.role`).
        public var karpenterNodeRole: String { StableNames.bounded(cluster, suffix: "-karpenter-node", limit: 64) }
        /// The SQS interruption queue (≤ 80 characters).
        public var interruptionQueue: String { StableNames.bounded(prefix: "Karpenter-", cluster, limit: 80) }
        /// The system managed node group.
        public var systemNodeGroup: String { "system" }
        /// The node security group.
        public var nodeSecurityGroup: String { StableNames.bounded(cluster, suffix: "-node", limit: 255) }
        /// An EventBridge rule (≤ 64 characters).
        public func eventRule(_ key: String) -> String {
            StableNames.bounded(prefix: "Karpenter-", cluster, suffix: "-\(key)", limit: 64)
        }
    }
}
