import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EKS add-on.
    public static let addon = ResourceKind(declaring: "addon")
}

extension PropertyKey {
    /// An add-on's `configurationValues` (canonical JSON, empty for none).
    public static let configurationValues = PropertyKey("configurationValues")
    /// An add-on's version (compared only when platform.yaml pins one).
    public static let addonVersion = PropertyKey("addonVersion")
}

extension ResourceSpec {
    /// An EKS add-on with its configuration (the system taint's toleration, where it needs one).
    public struct Addon: Sendable, Equatable, ResourceSpecification {
        /// The add-on name.
        public var name: String
        /// `configurationValues` as canonical JSON, or `nil`.
        public var configurationValues: String?
        /// Conflict resolution on create/update.
        public var resolveConflicts: String = "OVERWRITE"
        /// The version pinned in platform.yaml; `nil` leaves it to EKS's default for the Kubernetes version (and to
        /// the upgrade, which moves unpinned add-ons to each new minor's default).
        public var version: String? = nil

        /// Registered as `addon` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .addon }
        /// The name AWS knows it by (used in messages and look-ups by name).
        public var awsName: String? { name }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            var properties: ResourceProperties = [.configurationValues: configurationValues ?? ""]
            if let version { properties[.addonVersion] = version }
            return properties
        }
    }
}

extension ResourceSpec.Addon: ManagedResource {
    package static var recordHolder: AppliedRecord.Holder? { .cluster }

    /// `ListAddons`; `DescribeAddon` for each unless its record on the cluster matches.
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let eks = scope.session.eks
        let name = scope.cluster
        guard let cluster = try await ResourceSpec.Cluster.describe(in: scope) else { return [] }
        let clusterTags = cluster.tags ?? [:]
        let listed = try await eks.listAddons(clusterName: name)
        return try await AWSPlatformObserver.concurrently(listed) { addonName in
            let id = ResourceID(.addon, addonName)
            if try await scope.recordMatches(id, recorded: clusterTags[AppliedRecord.tagKey(for: id)]) {
                return ObservedResource(id: id, physicalID: addonName, tagsRead: false, record: .matched)
            }
            let addon = try await eks.describeAddon(clusterName: name, addonName: addonName)
            return ObservedResource(
                id: id,
                physicalID: addonName,
                properties: [
                    .configurationValues: PolicyDocument.canonical(addon.configurationValues),
                    .addonVersion: addon.addonVersion ?? "",
                ],
                tags: addon.tags ?? [:],
                status: addon.status.rawValue,
                record: try await scope.stateAfterFullRead(id)
            )
        }
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let eks = context.session.eks
        let cluster = context.cluster
        if try await ifExists({ try await eks.describeAddon(clusterName: cluster, addonName: name) }) == nil {
            _ = try await eks.createAddon(
                clusterName: cluster,
                EKSAddonRequest(
                    addonName: name,
                    addonVersion: version,
                    resolveConflicts: resolveConflicts,
                    clientRequestToken: resource.idempotencyToken,
                    tags: resource.tags,
                    configurationValues: configurationValues
                )
            )
        }
        await context.registry.record(resource.id, physicalID: name)
        try await eks.waitUntilAddonActive(
            clusterName: cluster,
            addonName: name,
            options: context.waiterOptions(what: "add-on \(name) ACTIVE")
        )
        return .done("add-on \(name) is ACTIVE")
    }

    /// Changes only what differs: an update whose configuration already matches (a stale record after an
    /// interrupted run) must not turn "no configuration" into an empty one.
    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        let eks = context.session.eks
        let cluster = context.cluster
        let current = try await eks.describeAddon(clusterName: cluster, addonName: name)
        var changed: [String] = []
        if let arn = current.addonArn, Planner.tagDifference(have: current.tags ?? [:], want: resource.tags) != nil {
            try await eks.tagResource(resourceArn: arn, tags: resource.tags)
            changed.append("tags")
        }
        let configurationDiffers =
            PolicyDocument.canonical(current.configurationValues) != PolicyDocument.canonical(configurationValues)
        let versionDiffers = version != nil && current.addonVersion != version
        if configurationDiffers || versionDiffers {
            // One UpdateAddon for both: EKS runs one update per add-on at a time.
            _ = try await eks.updateAddon(
                clusterName: cluster,
                addonName: name,
                EKSAddonRequest(
                    addonVersion: versionDiffers ? version : nil,
                    resolveConflicts: resolveConflicts,
                    configurationValues: configurationDiffers ? (configurationValues ?? "") : nil
                )
            )
            try await eks.waitUntilAddonActive(
                clusterName: cluster,
                addonName: name,
                options: context.waiterOptions(what: "add-on \(name) update")
            )
            if configurationDiffers { changed.append("configuration") }
            if versionDiffers, let version { changed.append("version \(version)") }
        }
        return changed.isEmpty
            ? .unchanged("add-on \(name) already matches")
            : .done("updated add-on \(name): \(changed.joined(separator: ", "))")
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let eks = context.session.eks
        _ = try await eks.deleteAddon(clusterName: context.cluster, addonName: physicalID)
        try await eks.waitUntilAddonDeleted(
            clusterName: context.cluster,
            addonName: physicalID,
            options: context.waiterOptions(what: "\(id) deleted")
        )
    }
}
