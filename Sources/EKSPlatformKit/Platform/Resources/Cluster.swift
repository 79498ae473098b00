import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// The EKS cluster.
    public static let cluster = ResourceKind(declaring: "cluster")
}

extension PropertyKey {
    /// The Kubernetes version (`1.NN`) of the cluster or of a node group.
    public static let version = PropertyKey("version")
    /// The IAM role of a cluster or node group.
    public static let role = PropertyKey("role", reference: true)
    /// The cluster's additional security groups.
    public static let securityGroups = PropertyKey("securityGroups", reference: true)
    /// Whether the cluster's public endpoint is on.
    public static let endpointPublic = PropertyKey("endpointPublic")
    /// Whether the cluster's private endpoint is on.
    public static let endpointPrivate = PropertyKey("endpointPrivate")
    /// The CIDRs allowed to reach the public endpoint.
    public static let publicAccessCIDRs = PropertyKey("publicAccessCIDRs")
    /// The cluster's authentication mode.
    public static let authenticationMode = PropertyKey("authenticationMode")
    /// The control-plane log types enabled.
    public static let logging = PropertyKey("logging")
}

extension ResourceSpec {
    /// The EKS cluster: version, role, network, endpoint access, authentication mode and control-plane logging.
    public struct Cluster: Sendable, Equatable, ResourceSpecification {
        /// The cluster name.
        public var name: String
        /// `1.NN`.
        public var version: String
        /// The cluster IAM role.
        public var role: ResourceID
        /// Subnets for the control plane ENIs.
        public var subnets: [ResourceID]
        /// Existing subnet ids used instead (with `network.existing`).
        public var existingSubnetIDs: [String]
        /// Additional security groups.
        public var securityGroups: [ResourceID]
        public var endpointPublic: Bool
        public var endpointPrivate: Bool
        /// CIDRs allowed to reach the public endpoint.
        public var publicAccessCIDRs: [String]
        /// `API` (access entries only).
        public var authenticationMode: String
        /// Control plane log types enabled.
        public var logging: [String]
        /// Add-on versions pinned in platform.yaml: an upgrade moves those add-ons to the pin at its last minor (and
        /// to each minor's default on the way), the others to each minor's default. Not compared: the add-ons are.
        public var pinnedAddonVersions: [String: String] = [:]
        /// The control-plane log group as the blueprint wants it (its spec and tags). The group is made before the
        /// cluster but keeps its applied record on it, so `CreateCluster` writes that record with the cluster's own
        /// tags (the group's step, which ran first in the same run, had no cluster to write it to). Not compared.
        public var logGroupRecord: LogGroupRecord? = nil

        /// The log group whose record the cluster's creation carries.
        public struct LogGroupRecord: Sendable, Equatable {
            /// The group's spec.
            public var group: LogGroup
            /// The group's tags.
            public var tags: [String: String]

            /// Creates the record's source.
            public init(group: LogGroup, tags: [String: String]) {
                self.group = group
                self.tags = tags
            }

            /// The record tag (key and digest) the log group's step would write, for `context`.
            func tag(in context: PlatformContext) -> (key: String, digest: String) {
                let id = ResourceID(.logGroup, "cluster")
                let resource = DesiredResource(id: id, spec: group, tags: tags, idempotencyToken: "")
                return (AppliedRecord.tagKey(for: id), AppliedRecord.digest(of: resource, in: context))
            }
        }

        /// Registered as `cluster` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .cluster }
        /// `role`, `subnets`, `securityGroups` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.role, .subnets, .securityGroups] }
        /// The name AWS knows it by (used in messages and look-ups by name).
        public var awsName: String? { name }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [
                .version: version,
                .role: role.description,
                .subnets: existingSubnetIDs.isEmpty ? PropertyValue.ids(subnets) : PropertyValue.list(existingSubnetIDs),
                .securityGroups: PropertyValue.ids(securityGroups),
                .endpointPublic: PropertyValue.flag(endpointPublic),
                .endpointPrivate: PropertyValue.flag(endpointPrivate),
                .publicAccessCIDRs: PropertyValue.list(publicAccessCIDRs),
                .authenticationMode: authenticationMode,
                .logging: PropertyValue.list(logging),
            ]
        }
    }
}

extension ResourceSpec.Cluster: ManagedResource {
    /// `DescribeCluster`, made once per observation for every kind that needs it; `nil` when the cluster does not
    /// exist or is being deleted.
    package static func describe(in scope: ObservationScope) async throws -> EKSCluster? {
        try await scope.shared("eks.DescribeCluster") {
            let cluster = try await ifExists { try await scope.session.eks.describeCluster(name: scope.cluster) }
            return cluster?.status == .deleting ? nil : cluster
        }
    }

    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        guard let cluster = try await describe(in: scope) else { return [] }
        let vpc = cluster.resourcesVpcConfig
        let logging = (cluster.logging?.clusterLogging ?? []).filter { $0.enabled == true }.flatMap { $0.types ?? [] }
        return [
            ObservedResource(
                id: ResourceID(.cluster, "main"),
                physicalID: cluster.name,
                properties: [
                    .version: cluster.version ?? "",
                    .role: cluster.roleArn ?? "",
                    .subnets: PropertyValue.list(vpc?.subnetIds ?? []),
                    .securityGroups: PropertyValue.list(vpc?.securityGroupIds ?? []),
                    .endpointPublic: PropertyValue.flag(vpc?.endpointPublicAccess),
                    .endpointPrivate: PropertyValue.flag(vpc?.endpointPrivateAccess),
                    .publicAccessCIDRs: PropertyValue.list(vpc?.publicAccessCidrs ?? []),
                    .authenticationMode: cluster.accessConfig?.authenticationMode ?? "",
                    .logging: PropertyValue.list(logging),
                ],
                tags: cluster.tags ?? [:],
                status: cluster.status.rawValue
            )
        ]
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let eks = context.session.eks
        if try await ifExists({ try await eks.describeCluster(name: name) }) == nil {
            var subnetIDs = existingSubnetIDs
            if subnetIDs.isEmpty {
                for subnet in subnets { subnetIDs.append(try await context.registry.require(subnet)) }
            }
            var groups: [String] = []
            for group in securityGroups { groups.append(try await context.registry.require(group)) }
            let roleName = try await context.registry.require(role)
            var tags = resource.tags
            if let record = logGroupRecord?.tag(in: context.platform) { tags[record.key] = record.digest }
            let request = EKSCreateClusterRequest(
                name: name,
                version: version,
                roleArn: context.platform.roleARN(roleName),
                resourcesVpcConfig: EKSVpcConfigRequest(
                    subnetIds: subnetIDs,
                    securityGroupIds: groups,
                    endpointPublicAccess: endpointPublic,
                    endpointPrivateAccess: endpointPrivate,
                    publicAccessCidrs: endpointPublic ? publicAccessCIDRs : nil
                ),
                logging: logging.isEmpty ? nil : EKSLogging(clusterLogging: [EKSLogSetup(types: logging, enabled: true)]),
                clientRequestToken: resource.idempotencyToken,
                tags: tags,
                accessConfig: EKSAccessConfig(
                    authenticationMode: authenticationMode,
                    bootstrapClusterCreatorAdminPermissions: false
                )
            )
            // The role was made moments ago: EKS refuses it until IAM has propagated it.
            _ = try await context.whileIAMPropagates(role: roleName, operation: "CreateCluster", resource: resource.id) {
                try await eks.createCluster(request)
            }
        }
        await context.registry.record(resource.id, physicalID: name)
        try await eks.waitUntilClusterActive(name: name, options: context.waiterOptions(what: "cluster ACTIVE"))
        return .done("cluster \(name) is ACTIVE")
    }

    /// Changes the cluster in place the way EKS allows: tags; the Kubernetes version one minor at a time; then
    /// endpoint access, control-plane logging and the authentication mode, one `UpdateClusterConfig` each (EKS takes
    /// one kind of change per call), each waited for. Role, subnets and security groups cannot change (a
    /// replacement, which the executor refuses before anything runs).
    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        let eks = context.session.eks
        let current = try await eks.describeCluster(name: name)
        var done: [String] = []
        try await eks.tagResource(resourceArn: current.arn ?? context.platform.clusterARN(name), tags: resource.tags)

        func finish(_ update: EKSUpdate?, _ what: String) async throws {
            guard let update else { return }
            try await Self.waitForUpdate(update, cluster: name, waitingFor: "cluster \(name): \(what)", what: what, in: context)
            try await eks.waitUntilClusterActive(name: name, options: context.waiterOptions(what: "cluster ACTIVE"))
            done.append(what)
        }

        var currentVersion = current.version ?? version
        while currentVersion != version {
            guard let next = Self.nextMinorVersion(after: currentVersion, toward: version) else {
                throw UnsupportedUpdateError(
                    resource: resource.id,
                    what: "the Kubernetes version of cluster \(name) from \(currentVersion) to \(version) (EKS only "
                        + "upgrades, one minor version at a time)"
                )
            }
            // EKS refuses the next minor while a managed node group is still on an older one, so a jump of two
            // minors brings the node groups along between the steps (the last step's follow-up is the node group's
            // own update, which runs after this one).
            for group in try await eks.listNodegroups(clusterName: name) {
                let described = try await eks.describeNodegroup(clusterName: name, nodegroupName: group)
                if let groupVersion = described.version, groupVersion != currentVersion {
                    try await ResourceSpec.NodeGroup.upgrade(group, to: currentVersion, in: context)
                    done.append("node group \(group) \(currentVersion)")
                }
            }
            try await finish(try await eks.updateClusterVersion(name: name, version: next), "version \(next)")
            currentVersion = next
            done += try await Self.upgradeAddons(
                cluster: name,
                to: next,
                pinned: pinnedAddonVersions,
                in: context
            )
        }

        let vpc = current.resourcesVpcConfig
        let publicCIDRs = endpointPublic ? publicAccessCIDRs.sorted() : []
        let currentCIDRs = vpc?.endpointPublicAccess == true ? (vpc?.publicAccessCidrs ?? []).sorted() : []
        if vpc?.endpointPublicAccess != endpointPublic || vpc?.endpointPrivateAccess != endpointPrivate
            || currentCIDRs != publicCIDRs
        {
            let update = try await eks.updateClusterConfig(
                name: name,
                resourcesVpcConfig: EKSVpcConfigRequest(
                    endpointPublicAccess: endpointPublic,
                    endpointPrivateAccess: endpointPrivate,
                    publicAccessCidrs: endpointPublic ? publicAccessCIDRs : nil
                )
            )
            try await finish(update, "endpoint access")
        }

        let enabled = Set((current.logging?.clusterLogging ?? []).filter { $0.enabled == true }.flatMap { $0.types ?? [] })
        if enabled != Set(logging) {
            var setups = [EKSLogSetup(types: logging.sorted(), enabled: true)]
            let off = Set(Blueprint.clusterLogTypes).subtracting(logging).sorted()
            if !off.isEmpty { setups.append(EKSLogSetup(types: off, enabled: false)) }
            if logging.isEmpty { setups.removeFirst() }
            try await finish(
                try await eks.updateClusterConfig(name: name, logging: EKSLogging(clusterLogging: setups)),
                "logging"
            )
        }

        if let mode = current.accessConfig?.authenticationMode, mode != authenticationMode {
            let update = try await eks.updateClusterConfig(
                name: name,
                accessConfig: EKSAccessConfig(authenticationMode: authenticationMode)
            )
            try await finish(update, "authentication mode \(authenticationMode)")
        }
        return .done(
            done.isEmpty ? "updated the tags of cluster \(name)" : "updated cluster \(name): \(done.joined(separator: ", "))"
        )
    }

    /// Polls `DescribeUpdate` for `update` (of the cluster, or of one of its node groups or add-ons) until it
    /// succeeded, reporting `waitingFor`; a failed or cancelled update throws ``ClusterUpdateError`` with EKS's reasons
    /// for `what`.
    static func waitForUpdate(
        _ update: EKSUpdate,
        cluster: String,
        nodegroup: String? = nil,
        addon: String? = nil,
        waitingFor: String,
        what: String,
        in context: ResourceContext
    ) async throws {
        let eks = context.session.eks
        try await context.step.wait(for: waitingFor, timeout: .seconds(3600)) {
            let state = try await eks.describeUpdate(
                name: cluster,
                updateId: update.id,
                nodegroupName: nodegroup,
                addonName: addon
            )
            switch state.status {
            case .successful: return .ready
            case .failed, .cancelled:
                let reasons = (state.errors ?? []).compactMap { $0.errorMessage ?? $0.errorCode }
                throw ClusterUpdateError(cluster: cluster, what: what, status: state.status, reasons: reasons)
            default: return .pending(state.status.rawValue)
            }
        }
    }

    /// After the control plane reached `version`: every installed add-on whose version is not the one EKS marks as
    /// default for that minor (`DescribeAddonVersions`) is updated to it, waited for, before the node groups follow
    /// — the order of the EKS user guide's "Update existing cluster to new Kubernetes version" (control plane, then
    /// add-ons, then nodes). An add-on in `pinned` goes to its pinned version instead wherever that version supports
    /// the minor. `PRESERVE` keeps configuration people changed in the cluster. Returns what changed.
    static func upgradeAddons(
        cluster: String,
        to version: String,
        pinned: [String: String] = [:],
        in context: ResourceContext
    ) async throws -> [String] {
        let eks = context.session.eks
        var changed: [String] = []
        for addon in try await eks.listAddons(clusterName: cluster).sorted() {
            let installed = try await eks.describeAddon(clusterName: cluster, addonName: addon).addonVersion
            let catalogue = try await eks.describeAddonVersions(addonName: addon, kubernetesVersion: version)
                .flatMap { $0.addonVersions ?? [] }
            guard let target = Self.addonTarget(catalogue, on: version, pin: pinned[addon]), target != installed else {
                continue
            }
            let update = try await eks.updateAddon(
                clusterName: cluster,
                addonName: addon,
                EKSAddonRequest(addonVersion: target, resolveConflicts: "PRESERVE")
            )
            try await Self.waitForUpdate(
                update,
                cluster: cluster,
                addon: addon,
                waitingFor: "add-on \(addon) \(target)",
                what: "add-on \(addon) to \(target)",
                in: context
            )
            changed.append("\(addon) \(target)")
        }
        return changed
    }

    /// The version an add-on moves to when the control plane reaches `version`: the pin wherever it runs on this minor
    /// (moving through the default and back could be a downgrade, which EKS does not do for add-ons); otherwise the
    /// version `catalogue` (`DescribeAddonVersions` for `version`) marks as this minor's default.
    static func addonTarget(_ catalogue: [EKSAddonVersionInfo], on version: String, pin: String?) -> String? {
        func supports(_ info: EKSAddonVersionInfo, asDefault: Bool) -> Bool {
            info.compatibilities?.contains {
                $0.clusterVersion == version && (!asDefault || $0.defaultVersion == true)
            } == true
        }
        let pinned = pin.flatMap { pin in catalogue.first { $0.addonVersion == pin && supports($0, asDefault: false) } }
        return (pinned ?? catalogue.first { supports($0, asDefault: true) })?.addonVersion
    }

    /// What ``upgradeAddons(cluster:to:pinned:in:)`` will do on the way from `running` to `version`, for `plan`: one
    /// line per installed add-on that moves, `add-on kube-proxy: v1.32.6-eksbuild.8 → v1.33.3-eksbuild.6 (1.33) →
    /// v1.34.0-eksbuild.4 (1.34)`. Reads (only when the version rises): per add-on one `DescribeAddonVersions` per
    /// minor on the way, and a `DescribeAddon` where the observer did not read the add-on in full; add-ons at once.
    static func plannedAddonUpgrades(
        cluster: String,
        from running: String,
        to version: String,
        pinned: [String: String],
        observed: ObservedState,
        eks: EKSClient
    ) async throws -> [String] {
        var minors: [String] = []
        var current = running
        while let next = nextMinorVersion(after: current, toward: version) {
            minors.append(next)
            current = next
        }
        guard !minors.isEmpty else { return [] }
        let onTheWay = minors
        let addons = observed.resources.filter { $0.id.kind == .addon }.sorted { $0.id < $1.id }
        return try await AWSPlatformObserver.concurrently(addons) { addon in
            let name = addon.physicalID
            var installed = addon.properties[.addonVersion].flatMap { $0.isEmpty ? nil : $0 }
            if installed == nil {
                installed = try await eks.describeAddon(clusterName: cluster, addonName: name).addonVersion
            }
            var have = installed
            var steps: [String] = []
            for minor in onTheWay {
                let catalogue = try await eks.describeAddonVersions(addonName: name, kubernetesVersion: minor)
                    .flatMap { $0.addonVersions ?? [] }
                guard let target = addonTarget(catalogue, on: minor, pin: pinned[name]), target != have else { continue }
                steps.append("\(target) (\(minor))")
                have = target
            }
            return steps.isEmpty ? nil : "add-on \(name): \(installed ?? "?") → " + steps.joined(separator: " → ")
        }
    }

    /// The next minor version after `current` when `target` is later (`1.31` → `1.32` toward `1.33`), else `nil`.
    static func nextMinorVersion(after current: String, toward target: String) -> String? {
        func parts(_ version: String) -> (Int, Int)? {
            let pieces = version.split(separator: ".").prefix(2).compactMap { Int($0) }
            return pieces.count == 2 ? (pieces[0], pieces[1]) : nil
        }
        guard let (major, minor) = parts(current), let (targetMajor, targetMinor) = parts(target),
            major == targetMajor, targetMinor > minor
        else { return nil }
        return "\(major).\(minor + 1)"
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let eks = context.session.eks
        _ = try await eks.deleteCluster(name: physicalID)
        try await eks.waitUntilClusterDeleted(name: physicalID, options: context.waiterOptions(what: "\(id) deleted"))
    }
}

/// An EKS cluster update that ended as `Failed` or `Cancelled`.
public struct ClusterUpdateError: Error, Sendable, CustomStringConvertible {
    public var cluster: String
    /// What was being changed.
    public var what: String
    /// `Failed` or `Cancelled`.
    public var status: EKSUpdateStatus
    /// EKS's reasons.
    public var reasons: [String]
    /// What happened and where EKS keeps the details.
    public var description: String {
        "the update of cluster \(cluster) (\(what)) ended \(status)"
            + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; "))
            + "; EKS lists the cluster's updates and their errors (ListUpdates, DescribeUpdate); fix the cause and apply "
            + "again"
    }
}

/// An in-place change the engine does not perform; the plan shows it, applying it reports this.
public struct UnsupportedUpdateError: Error, Sendable, CustomStringConvertible {
    public var resource: ResourceID
    /// What would change.
    public var what: String
    /// What cannot be done.
    public var description: String {
        "\(what) cannot be changed in place (\(resource)); change it with the AWS console or CLI"
    }
}
