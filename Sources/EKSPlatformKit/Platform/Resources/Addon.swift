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

/// What `status` shows of an installed add-on's version: the version running, the one EKS marks as default for the
/// cluster's Kubernetes version (`DescribeAddonVersions`: one `compatibilities[].defaultVersion` per minor), and the
/// pin in platform.yaml that may hold it back.
public struct AddonVersionStatus: Sendable, Equatable {
    /// The add-on's name.
    public var name: String
    /// The installed version; `nil` when EKS did not say.
    public var installed: String?
    /// EKS's default for ``kubernetesVersion``; `nil` when EKS lists none.
    public var defaultVersion: String?
    /// The version pinned in platform.yaml, if any.
    public var pinned: String?
    /// The cluster's Kubernetes version the default is for.
    public var kubernetesVersion: String

    /// Whether EKS's default is newer than the installed version.
    public var newerDefaultExists: Bool {
        guard let installed, let defaultVersion else { return false }
        return Self.isNewer(defaultVersion, than: installed)
    }

    /// Whether a pin keeps the add-on below EKS's default (an unpinned add-on moves to the default at the next
    /// Kubernetes upgrade; a pinned one stays).
    public var heldBackByPin: Bool { pinned != nil && newerDefaultExists }

    /// Compares add-on versions (`v1.12.3-eksbuild.1`) by their numbers in order: version, then EKS build.
    static func isNewer(_ candidate: String, than current: String) -> Bool {
        func numbers(_ version: String) -> [Int] {
            version.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        }
        return numbers(current).lexicographicallyPrecedes(numbers(candidate))
    }

    /// The version status of every installed add-on the platform owns: per add-on, `DescribeAddonVersions` for the
    /// cluster's version and — unless the observer already read it in full — `DescribeAddon`, all add-ons at once.
    static func read(
        config: PlatformConfig,
        observed: ObservedState,
        eks: EKSClient
    ) async throws -> [AddonVersionStatus] {
        guard let clusterVersion = observed.resource(ResourceID(.cluster, "main"))?.properties[.version],
            !clusterVersion.isEmpty
        else { return [] }
        let addons = observed.resources.filter { $0.id.kind == .addon }.sorted { $0.id < $1.id }
        return try await AWSPlatformObserver.concurrently(addons) { addon in
            let name = addon.physicalID
            async let catalogue = eks.describeAddonVersions(addonName: name, kubernetesVersion: clusterVersion)
            var installed = addon.properties[.addonVersion].flatMap { $0.isEmpty ? nil : $0 }
            if installed == nil {
                installed = try await eks.describeAddon(clusterName: config.name, addonName: name).addonVersion
            }
            let defaultVersion = try await catalogue.flatMap { $0.addonVersions ?? [] }
                .first { info in
                    info.compatibilities?.contains { $0.clusterVersion == clusterVersion && $0.defaultVersion == true }
                        == true
                }?
                .addonVersion
            return AddonVersionStatus(
                name: name,
                installed: installed,
                defaultVersion: defaultVersion,
                pinned: config.spec.addonVersions[name],
                kubernetesVersion: clusterVersion
            )
        }
    }
}
