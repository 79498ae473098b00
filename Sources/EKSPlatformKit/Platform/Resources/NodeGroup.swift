import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EKS managed node group.
    public static let nodeGroup = ResourceKind(declaring: "nodeGroup")
}

extension PropertyKey {
    /// A node group's instance types, in order of preference.
    public static let instanceTypes = PropertyKey("instanceTypes")
    /// A node group's AMI type.
    public static let amiType = PropertyKey("amiType")
    /// A node group's minimum size.
    public static let minSize = PropertyKey("minSize")
    /// A node group's desired size (used at creation only; see ``ResourceSpec/NodeGroup/desiredSize``).
    public static let desiredSize = PropertyKey("desiredSize")
    /// A node group's maximum size.
    public static let maxSize = PropertyKey("maxSize")
    /// A node group's taints: `key=value:effect`.
    public static let taints = PropertyKey("taints")
    /// A node group's Kubernetes labels: `key=value`.
    public static let labels = PropertyKey("labels")
    /// A node group's AMI release (`1.33.5-20251112`; a Bottlerocket version for Bottlerocket AMI types), compared
    /// only when the engine moves the nodes to the latest release (``PlatformEngine/NodeAMIReleasePolicy/latest``).
    public static let releaseVersion = PropertyKey("releaseVersion")
}

extension ResourceSpec {
    /// The managed "system" node group: tainted so that only add-ons, Flux and Karpenter run there.
    public struct NodeGroup: Sendable, Equatable, ResourceSpecification {
        /// The node group name.
        public var name: String
        /// The node IAM role.
        public var role: ResourceID
        public var subnets: [ResourceID]
        /// Existing subnet ids used instead.
        public var existingSubnetIDs: [String]
        /// Instance types, in order of preference.
        public var instanceTypes: [String]
        /// AMI type, e.g. `AL2023_x86_64_STANDARD`.
        public var amiType: String
        /// The fewest nodes.
        public var minSize: Int
        /// The nodes to start with. After creation the desired size belongs to people and autoscalers: it is not
        /// compared, and an update never resends it (it would undo their scaling) unless new bounds require it —
        /// terraform-aws-eks's managed node groups ignore `desired_size` changes for the same reason.
        public var desiredSize: Int
        /// The most nodes.
        public var maxSize: Int
        /// Taints in EKS form.
        public var taints: [SystemTaint.EKSTaint]
        /// Kubernetes labels.
        public var labels: [String: String]
        /// The Kubernetes version (`1.NN`): the cluster's, which the node group follows after each control-plane
        /// upgrade.
        public var version: String
        /// Add-on versions pinned in platform.yaml, for the add-on catch-up before a node upgrade (not compared).
        public var pinnedAddonVersions: [String: String] = [:]
        /// The AMI release the nodes should run; `nil` leaves it to EKS (the latest at creation and at each Kubernetes
        /// upgrade) and is not compared. Set by the engine to the latest published release when asked to roll the
        /// nodes to it (``withLatestAMIRelease(_:observed:ssm:)``).
        public var releaseVersion: String? = nil

        /// Registered as `nodeGroup` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .nodeGroup }
        /// `role`, `subnets`, `instanceTypes`, `amiType` cannot change in place: a difference means the resource must be replaced.
        public static var immutableProperties: Set<PropertyKey> { [.role, .subnets, .instanceTypes, .amiType] }
        /// The name AWS knows it by (used in messages and look-ups by name).
        public var awsName: String? { name }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            var properties: ResourceProperties = [
                .role: role.description,
                .subnets: existingSubnetIDs.isEmpty ? PropertyValue.ids(subnets) : PropertyValue.list(existingSubnetIDs),
                .instanceTypes: instanceTypes.joined(separator: ","),
                .amiType: amiType,
                .minSize: String(minSize),
                .maxSize: String(maxSize),
                .taints: PropertyValue.list(taints.map { "\($0.key)=\($0.value ?? ""):\($0.effect)" }),
                .labels: PropertyValue.list(labels.map { "\($0.key)=\($0.value)" }),
                .version: version,
            ]
            if let releaseVersion { properties[.releaseVersion] = releaseVersion }
            return properties
        }
    }
}

extension ResourceSpec.NodeGroup: ManagedResource {
    /// `ListNodegroups`, then `DescribeNodegroup` for each (the only read, and it returns everything compared).
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let eks = scope.session.eks
        let name = scope.cluster
        guard try await ResourceSpec.Cluster.describe(in: scope) != nil else { return [] }
        let listed = try await eks.listNodegroups(clusterName: name)
        let groups = try await AWSPlatformObserver.concurrently(listed) { groupName in
            try await eks.describeNodegroup(clusterName: name, nodegroupName: groupName)
        }
        // Two groups with one resource tag are a replacement an interrupted run did not finish: the newest is the
        // node group; the others are observed under a name of their own, so the plan deletes them (orphans go last).
        let newestFirst = groups.sorted {
            ($0.createdAt ?? .distantPast, $0.nodegroupName) > ($1.createdAt ?? .distantPast, $1.nodegroupName)
        }
        var seen: Set<String> = []
        return newestFirst.compactMap { group in
            guard let tag = group.tags?[PlatformTags.resource], var id = ResourceID(parsing: tag) else { return nil }
            if !seen.insert(tag).inserted {
                id = ResourceID(.nodeGroup, "\(id.name)\(Self.leftoverSeparator)\(group.nodegroupName)")
            }
            return ObservedResource(
                id: id,
                physicalID: group.nodegroupName,
                properties: [
                    .role: group.nodeRole ?? "",
                    .subnets: PropertyValue.list(group.subnets ?? []),
                    .instanceTypes: (group.instanceTypes ?? []).joined(separator: ","),
                    .amiType: group.amiType ?? "",
                    .minSize: group.scalingConfig?.minSize.map(String.init) ?? "",
                    .maxSize: group.scalingConfig?.maxSize.map(String.init) ?? "",
                    .taints: PropertyValue.list(
                        (group.taints ?? []).map { "\($0.key ?? "")=\($0.value ?? ""):\($0.effect ?? "")" }
                    ),
                    .labels: PropertyValue.list((group.labels ?? [:]).map { "\($0.key)=\($0.value)" }),
                    .version: group.version ?? "",
                    .releaseVersion: group.releaseVersion ?? "",
                ],
                tags: group.tags ?? [:],
                status: group.status.rawValue
            )
        }
    }

    /// Joins a node group's resource name and its AWS name in the id of a replaced group left behind.
    static let leftoverSeparator = "@"

    /// The name of a replacement: the resource name and a digest of the fields that forced it (`system-1a2b3c`), so
    /// a re-run after an interruption finds the replacement it already started.
    func replacementName() -> String {
        let fields = [
            role.description, existingSubnetIDs.isEmpty ? PropertyValue.ids(subnets) : PropertyValue.list(existingSubnetIDs),
            instanceTypes.joined(separator: ","), amiType,
        ]
        return "\(name)-\(StableNames.hash(fields, length: 6))"
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let eks = context.session.eks
        let cluster = context.cluster
        if try await ifExists({ try await eks.describeNodegroup(clusterName: cluster, nodegroupName: name) }) == nil {
            var subnetIDs = existingSubnetIDs
            if subnetIDs.isEmpty {
                for subnet in subnets { subnetIDs.append(try await context.registry.require(subnet)) }
            }
            let roleName = try await context.registry.require(role)
            let request = EKSCreateNodegroupRequest(
                nodegroupName: name,
                scalingConfig: EKSScalingConfig(minSize: minSize, maxSize: maxSize, desiredSize: desiredSize),
                subnets: subnetIDs,
                instanceTypes: instanceTypes,
                amiType: amiType,
                nodeRole: context.platform.roleARN(roleName),
                labels: labels,
                taints: taints.map { EKSTaint(key: $0.key, value: $0.value, effect: $0.effect) },
                tags: resource.tags,
                clientRequestToken: resource.idempotencyToken
            )
            // The node role was made moments ago: EKS refuses it until IAM has propagated it.
            _ = try await context.whileIAMPropagates(role: roleName, operation: "CreateNodegroup", resource: resource.id) {
                try await eks.createNodegroup(clusterName: cluster, request)
            }
        }
        await context.registry.record(resource.id, physicalID: name)
        try await eks.waitUntilNodegroupActive(
            clusterName: cluster,
            nodegroupName: name,
            options: context.waiterOptions(what: "node group \(name) ACTIVE")
        )
        return .done("node group \(name) is ACTIVE")
    }

    /// Labels and taints (removing the ones no longer asked for), and scaling in one `UpdateNodegroupConfig`, then
    /// tags.
    ///
    /// `addOrUpdateTaints` only adds or changes: a taint whose key (or effect) changed in platform.yaml would stay on
    /// the nodes next to the new one unless it is named in `removeTaints`. EKS tells taints apart by key and effect
    /// (moto's `update_nodegroup_config` does the same, as does terraform-provider-aws's node group update), so a
    /// current taint is removed when no desired taint has its key and effect, and a changed value is an update.
    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        let eks = context.session.eks
        let cluster = context.cluster
        // The name AWS knows: "system", or the name a create-before-destroy replacement gave it.
        let name = physicalID
        var current = try await eks.describeNodegroup(clusterName: cluster, nodegroupName: name)
        var done: [String] = []
        // The control plane was upgraded first (the node group depends on the cluster); the nodes follow to the
        // same minor. EKS replaces them, draining each with respect for PodDisruptionBudgets.
        if let running = current.version, running != version {
            // Control plane → add-ons → nodes. The cluster's step moves the add-ons right after the control plane,
            // but a run killed in between leaves a cluster that is already at the version (so no cluster step is
            // planned again) with add-ons of the old minor: catch them up here, before the nodes.
            let caughtUp = try await ResourceSpec.Cluster.upgradeAddons(
                cluster: cluster,
                to: version,
                pinned: pinnedAddonVersions,
                in: context
            )
            done += caughtUp.map { "add-on \($0)" }
            try await Self.upgrade(name, to: version, in: context)
            done.append("Kubernetes \(version)")
            current = try await eks.describeNodegroup(clusterName: cluster, nodegroupName: name)
        }
        // A newer AMI release for the same minor: one UpdateNodegroupVersion naming it (EKS replaces the nodes as for
        // an upgrade). After a Kubernetes upgrade the nodes already run the newest release of the new minor.
        if let releaseVersion, current.version == version, current.releaseVersion != releaseVersion {
            try await Self.upgrade(name, to: version, release: releaseVersion, in: context)
            done.append("AMI release \(current.releaseVersion ?? "?") → \(releaseVersion)")
            current = try await eks.describeNodegroup(clusterName: cluster, nodegroupName: name)
        }
        let removed = (current.labels ?? [:]).keys.filter { labels[$0] == nil }.sorted()
        let desiredTaints = taints.map { EKSTaint(key: $0.key, value: $0.value, effect: $0.effect) }
        let removedTaints = (current.taints ?? []).filter { have in
            !desiredTaints.contains { $0.key == have.key && $0.effect == have.effect }
        }
        let scaling = current.scalingConfig
        let configChanged =
            !removed.isEmpty || !removedTaints.isEmpty || (current.labels ?? [:]) != labels
            || Set((current.taints ?? []).map { "\($0.key ?? "")=\($0.value ?? ""):\($0.effect ?? "")" })
                != Set(desiredTaints.map { "\($0.key ?? "")=\($0.value ?? ""):\($0.effect ?? "")" })
            || scaling?.minSize != minSize || scaling?.maxSize != maxSize
        // The live desired size stays unless the new bounds exclude it; then it moves to the nearest bound.
        let liveDesired = scaling?.desiredSize ?? desiredSize
        let clampedDesired = min(max(liveDesired, minSize), maxSize)
        if configChanged {
            done.append("configuration")
            _ = try await eks.updateNodegroupConfig(
                clusterName: cluster,
                nodegroupName: name,
                EKSNodegroupConfigUpdate(
                    labels: .init(addOrUpdateLabels: labels, removeLabels: removed.isEmpty ? nil : removed),
                    taints: .init(
                        addOrUpdateTaints: desiredTaints,
                        removeTaints: removedTaints.isEmpty ? nil : removedTaints
                    ),
                    scalingConfig: EKSScalingConfig(
                        minSize: minSize,
                        maxSize: maxSize,
                        desiredSize: clampedDesired == liveDesired ? nil : clampedDesired
                    ),
                    clientRequestToken: nil
                )
            )
        }
        try await eks.tagResource(resourceArn: current.nodegroupArn ?? "", tags: resource.tags)
        try await eks.waitUntilNodegroupActive(
            clusterName: cluster,
            nodegroupName: name,
            options: context.waiterOptions(what: "node group \(name) update")
        )
        return .done("updated node group \(name)" + (done.isEmpty ? " (tags)" : ": " + done.joined(separator: ", ")))
    }

    /// `UpdateNodegroupVersion` of node group `name` to `version`, waited for until the update succeeded and the
    /// node group is ACTIVE again. Also used by the cluster's upgrade between two minors, because EKS refuses to move
    /// the control plane on while a node group is on an older minor (terraform-provider-aws#19478).
    /// With `release`, that AMI release of `version` (EKS picks the newest release of the version otherwise).
    static func upgrade(_ name: String, to version: String, release: String? = nil, in context: ResourceContext) async throws {
        let eks = context.session.eks
        let cluster = context.cluster
        let update = try await eks.updateNodegroupVersion(
            clusterName: cluster,
            nodegroupName: name,
            version: version,
            releaseVersion: release
        )
        let target = release.map { "AMI release \($0)" } ?? "Kubernetes \(version)"
        try await ResourceSpec.Cluster.waitForUpdate(
            update,
            cluster: cluster,
            nodegroup: name,
            waitingFor: "node group \(name): \(target)",
            what: "node group \(name) to \(target)",
            in: context
        )
        try await eks.waitUntilNodegroupActive(
            clusterName: cluster,
            nodegroupName: name,
            options: context.waiterOptions(what: "node group \(name) ACTIVE")
        )
    }

    /// Deletes the node group and waits until it is gone. Deleting the node group itself (not a leftover) also
    /// deletes any replaced group an interrupted replacement left with the same resource tag, so the cluster can go.
    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let eks = context.session.eks
        var names = [physicalID]
        if !id.name.contains(leftoverSeparator) {
            for other in try await eks.listNodegroups(clusterName: context.cluster) where other != physicalID {
                let group = try await eks.describeNodegroup(clusterName: context.cluster, nodegroupName: other)
                if group.tags?[PlatformTags.resource] == id.description { names.append(other) }
            }
        }
        for name in names {
            do {
                _ = try await eks.deleteNodegroup(clusterName: context.cluster, nodegroupName: name)
            } catch  where AWSPlatformObserver.isNotFound(error) && name != physicalID {
                continue
            }
        }
        for name in names {
            try await eks.waitUntilNodegroupDeleted(
                clusterName: context.cluster,
                nodegroupName: name,
                options: context.waiterOptions(what: "node group \(name) deleted")
            )
        }
    }
}

extension ResourceSpec.NodeGroup: CreateBeforeDestroyResource {
    /// A change of instance types, AMI type, subnets or role: EKS cannot change those in place, so a new node group
    /// (named by ``replacementName()``) is created and waited for until ACTIVE, and only then is the old one deleted
    /// — EKS drains its nodes respecting PodDisruptionBudgets, and the system pods move to the new nodes, which carry
    /// the same taint and labels. At no point is there no system node group.
    package func replace(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        var replacement = self
        replacement.name = replacementName()
        if replacement.name == physicalID { replacement.name = name }  // back to the original fields: the first name
        _ = try await replacement.create(resource, in: context)
        try await Self.delete(
            ResourceID(.nodeGroup, "\(resource.id.name)\(Self.leftoverSeparator)\(physicalID)"),
            physicalID: physicalID,
            in: context
        )
        return .done("replaced node group \(physicalID) with \(replacement.name) (ACTIVE before \(physicalID) was deleted)")
    }
}

// MARK: - AMI releases

extension ResourceSpec.NodeGroup {
    /// The public Parameter Store name under which EKS publishes the latest AMI release for `amiType` on Kubernetes
    /// `kubernetesVersion`, or `nil` where no such parameter is documented (Windows AMI types publish an image id but
    /// no release version; `CUSTOM` has none), so the latest release is unknown rather than guessed.
    ///
    /// Amazon Linux: `/aws/service/eks/optimized-ami/<version>/<variant>/recommended/release_version` (EKS user guide,
    /// "Retrieve recommended Amazon Linux AMI IDs", for the variants; the Systems Manager user guide's "Calling the EKS
    /// optimized AMI public parameter" shows `release_version` in the recommended value). Bottlerocket:
    /// `/aws/service/bottlerocket/aws-k8s-<version>[-nvidia]/<arch>/latest/image_version` (EKS user guide, "Retrieve
    /// recommended Bottlerocket AMI IDs"), whose value is the node group's release version. The mapping from AMI type
    /// is the one terraform-aws-eks's managed node group module uses.
    public static func latestReleaseParameter(amiType: String, kubernetesVersion version: String) -> String? {
        let amazonLinux = [
            "AL2023_x86_64_STANDARD": "amazon-linux-2023/x86_64/standard",
            "AL2023_ARM_64_STANDARD": "amazon-linux-2023/arm64/standard",
            "AL2023_x86_64_NVIDIA": "amazon-linux-2023/x86_64/nvidia",
            "AL2023_ARM_64_NVIDIA": "amazon-linux-2023/arm64/nvidia",
            "AL2023_x86_64_NEURON": "amazon-linux-2023/x86_64/neuron",
            "AL2_x86_64": "amazon-linux-2", "AL2_ARM_64": "amazon-linux-2-arm64", "AL2_x86_64_GPU": "amazon-linux-2-gpu",
        ]
        if let variant = amazonLinux[amiType] {
            return "/aws/service/eks/optimized-ami/\(version)/\(variant)/recommended/release_version"
        }
        let bottlerocket = [
            "BOTTLEROCKET_x86_64": ("", "x86_64"), "BOTTLEROCKET_ARM_64": ("", "arm64"),
            "BOTTLEROCKET_x86_64_NVIDIA": ("-nvidia", "x86_64"), "BOTTLEROCKET_ARM_64_NVIDIA": ("-nvidia", "arm64"),
            "BOTTLEROCKET_x86_64_FIPS": ("-fips", "x86_64"), "BOTTLEROCKET_ARM_64_FIPS": ("-fips", "arm64"),
        ]
        if let (flavour, architecture) = bottlerocket[amiType] {
            return "/aws/service/bottlerocket/aws-k8s-\(version)\(flavour)/\(architecture)/latest/image_version"
        }
        return nil
    }

    /// The latest AMI release for `amiType` on `version` (one `GetParameter`), or `nil` when it is unknown: no
    /// documented parameter for the AMI type, or none published for the version.
    static func latestRelease(amiType: String, kubernetesVersion version: String, ssm: SSMClient) async throws -> String? {
        guard let name = latestReleaseParameter(amiType: amiType, kubernetesVersion: version) else { return nil }
        return try await ssm.getParameter(name: name)?.value
    }

    /// `blueprint` with every node group that exists at its desired Kubernetes version and AMI type asked to run the
    /// latest AMI release of that version (one `GetParameter` each). A node group being upgraded or replaced is left
    /// alone: EKS gives it the newest release of its new version anyway.
    /// - Throws: ``PlanRefusal`` `plan.node-ami-release` when the latest release cannot be learned.
    static func withLatestAMIRelease(
        _ blueprint: Blueprint,
        observed: ObservedState,
        ssm: SSMClient
    ) async throws -> Blueprint {
        var blueprint = blueprint
        for index in blueprint.resources.indices {
            guard var spec = blueprint.resources[index].spec as? Self,
                let existing = observed.resource(blueprint.resources[index].id),
                existing.properties[.version] == spec.version, existing.properties[.amiType] == spec.amiType
            else { continue }
            guard let latest = try await latestRelease(amiType: spec.amiType, kubernetesVersion: spec.version, ssm: ssm)
            else {
                let source =
                    latestReleaseParameter(amiType: spec.amiType, kubernetesVersion: spec.version)
                    .map { "Parameter Store has no \($0)" } ?? "EKS documents no latest-release parameter for it"
                throw PlanRefusal(
                    code: "plan.node-ami-release",
                    message: "the latest AMI release of node group \(spec.name) (AMI type \(spec.amiType), Kubernetes "
                        + "\(spec.version)) is unknown: \(source); its nodes stay on their release"
                )
            }
            spec.releaseVersion = latest
            blueprint.resources[index].spec = spec
        }
        return blueprint
    }
}

/// What `status` shows of a node group's AMI: the release its nodes run and the latest EKS publishes for its
/// Kubernetes version and AMI type.
public struct NodeAMIReleaseStatus: Sendable, Equatable {
    /// The node group's name in EKS.
    public var nodeGroup: String
    /// Its Kubernetes version.
    public var kubernetesVersion: String
    /// Its AMI type.
    public var amiType: String
    /// The AMI release its nodes run.
    public var releaseVersion: String
    /// The latest release for its version and AMI type; `nil` when unknown (see ``latestUnknownReason``).
    public var latestReleaseVersion: String?
    /// Why the latest release is unknown, e.g. no documented parameter for the AMI type.
    public var latestUnknownReason: String?

    /// Whether a newer release than the nodes' is published.
    public var isBehind: Bool { latestReleaseVersion.map { $0 != releaseVersion } ?? false }

    /// The release status of every observed node group (one `GetParameter` each, at once). A failed read (e.g. no
    /// `ssm:GetParameter` on the public parameters) makes the latest unknown and says why; it does not fail `status`.
    static func read(observed: ObservedState, ssm: SSMClient) async throws -> [NodeAMIReleaseStatus] {
        let groups = observed.resources.filter { $0.id.kind == .nodeGroup }.sorted { $0.id < $1.id }
        return try await AWSPlatformObserver.concurrently(groups) { group in
            let version = group.properties[.version] ?? ""
            let amiType = group.properties[.amiType] ?? ""
            var status = NodeAMIReleaseStatus(
                nodeGroup: group.physicalID,
                kubernetesVersion: version,
                amiType: amiType,
                releaseVersion: group.properties[.releaseVersion] ?? ""
            )
            guard let name = ResourceSpec.NodeGroup.latestReleaseParameter(amiType: amiType, kubernetesVersion: version)
            else {
                status.latestUnknownReason = "EKS documents no latest-release parameter for AMI type \(amiType)"
                return status
            }
            do {
                status.latestReleaseVersion = try await ssm.getParameter(name: name)?.value
                if status.latestReleaseVersion == nil { status.latestUnknownReason = "Parameter Store has no \(name)" }
            } catch let error as AWSServiceError {
                status.latestUnknownReason = "reading \(name): \(error.code)"
            }
            return status
        }
    }
}
