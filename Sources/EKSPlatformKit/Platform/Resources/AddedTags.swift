import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// Tags the platform adds to an EC2 resource it does not own: EKS's cluster security group, the subnets of
    /// `network.existing`.
    public static let addedTags = ResourceKind(declaring: "addedTags")
}

extension PropertyKey {
    /// The keys of the wanted tags that the resource carries (with any value).
    public static let taggedKeys = PropertyKey("taggedKeys")
}

extension ResourceSpec {
    /// Tags on a resource that someone else owns, added without taking the resource over.
    ///
    /// The platform writes only the keys that are missing and notes them in a record tag on the same resource
    /// (``recordKey(cluster:)``, value: the keys, comma-separated), so that `down` removes exactly what it added and
    /// nothing the owner had put there before: a subnet that already carried `kubernetes.io/role/elb` keeps it.
    /// The resource never gets `eksplatform.io/cluster`, so no sweep or other kind mistakes it for the platform's.
    ///
    /// **The cluster security group.** EKS creates it with the cluster and puts the control plane's network
    /// interfaces and every managed node group without a launch template in it (the system node group has none);
    /// its only ingress rule admits the group itself (EKS user guide, "View Amazon EKS security group requirements
    /// for clusters"). Karpenter attaches the groups its `EC2NodeClass` selects by `karpenter.sh/discovery`, which
    /// before this was only the platform's node group: a group the system nodes are not in, so pods on Karpenter's
    /// nodes could not reach CoreDNS or anything else on the system nodes, nor the other way round. Of the three
    /// cures, tagging the cluster security group for discovery (what Karpenter's own guide does when it moves a
    /// cluster from Cluster Autoscaler, "Add tags to subnets and security groups") is the one kept:
    /// - Karpenter's nodes then share the group with the system nodes and the control plane, whose default rule
    ///   admits all traffic among members, which is how EKS means the group to be used;
    /// - mutual rules between the node group and the cluster group would reference EKS's group from ours, and EC2
    ///   refuses to delete a group another group's rule names (`DependencyViolation`), so EKS's deletion of its group
    ///   on `down` would depend on revoking them first, and every rule is one more thing to observe and repair;
    /// - a launch template for the system node group (terraform-aws-eks's way) replaces the node group, and the
    ///   nodes would still need the cluster group to reach the control plane's rules EKS manages;
    /// - the AWS Load Balancer Controller wants exactly one group tagged `kubernetes.io/cluster/<name>` on a node's
    ///   interface, and the cluster group is that one on both kinds of node.
    /// `down` removes the tag (and EKS deletes the group with the cluster).
    public struct AddedTags: Sendable, Equatable, ResourceSpecification {
        /// The resource that gets the tags.
        public enum Target: Sendable, Equatable {
            /// The cluster security group EKS created (`resourcesVpcConfig.clusterSecurityGroupId`).
            case clusterSecurityGroup
            /// A subnet of `network.existing`.
            case subnet(String)
        }

        /// The resource.
        public var target: Target
        /// The tags it must carry.
        public var tags: [String: String]

        /// Registered as `addedTags` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .addedTags }

        /// The wanted keys; a key present with another value counts (an owner's `kubernetes.io/role/elb=""` is as
        /// good as ours), and a foreign `karpenter.sh/discovery` value is refused at plan time instead.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [.taggedKeys: PropertyValue.list(Array(tags.keys))]
        }

        /// `eksplatform.io/added-tags/<cluster>`: the record of the keys the platform added (at most 126 characters,
        /// under EC2's 128).
        public static func recordKey(cluster: String) -> String { "eksplatform.io/added-tags/\(cluster)" }

        /// The resource id for `target`.
        public static func id(_ target: Target) -> ResourceID {
            switch target {
            case .clusterSecurityGroup: return ResourceID(.addedTags, "cluster-security-group")
            case .subnet(let subnetID): return ResourceID(.addedTags, subnetID)
            }
        }

        /// What `config` asks to be tagged: the cluster security group for Karpenter's discovery, and with
        /// `network.existing` each private subnet for discovery and internal load balancers and each public subnet for
        /// internet-facing ones (the tags the platform's own subnets carry).
        public static func desired(for config: PlatformConfig) -> [AddedTags] {
            var all = [AddedTags(target: .clusterSecurityGroup, tags: [PlatformTags.karpenterDiscovery: config.name])]
            if let existing = config.spec.network.existing {
                for subnet in existing.privateSubnetIDs {
                    all.append(
                        AddedTags(
                            target: .subnet(subnet),
                            tags: [PlatformTags.karpenterDiscovery: config.name, PlatformTags.internalELBRole: "1"]
                        )
                    )
                }
                for subnet in existing.publicSubnetIDs {
                    all.append(AddedTags(target: .subnet(subnet), tags: [PlatformTags.elbRole: "1"]))
                }
            }
            return all
        }
    }
}

extension ResourceSpec.AddedTags: ManagedResource {
    /// Recorded like add-ons: a record on the cluster (`eksplatform.io/applied/addedTags/<target>`) that matches
    /// platform.yaml saves reading the target again, so a no-op plan costs no extra call.
    package static var recordHolder: AppliedRecord.Holder? { .cluster }

    /// Nothing before the cluster exists (the records live on it, and the cluster security group comes with it).
    /// Targets are those platform.yaml asks for and those the cluster holds a record of (a subnet dropped from
    /// `network.existing` is still found, and its tags removed); whatever no matching record covers is read: the
    /// cluster security group with one `DescribeSecurityGroups`, the subnets with one `DescribeSubnets` by `subnet-id`
    /// filter (an unknown id is simply not returned; the plan-time checks name it).
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let ec2 = scope.session.ec2
        let record = recordKey(cluster: scope.cluster)
        guard let cluster = try await ResourceSpec.Cluster.describe(in: scope) else {
            // No cluster, so no records on it: a `down` interrupted after the cluster went still finds the user's
            // subnets by the record on them (one `DescribeSubnets`, with `network.existing` only).
            guard scope.config.spec.network.existing != nil else { return [] }
            let tagged = try await ec2.describeSubnets(filters: [EC2Filter(name: "tag-key", values: [record])])
            return tagged.compactMap { subnet in
                let keys = recordedKeys(subnet.tags.first { $0.key == record }?.value)
                guard !keys.isEmpty else { return nil }
                return ObservedResource(
                    id: id(.subnet(subnet.subnetId)),
                    physicalID: subnet.subnetId,
                    properties: [.taggedKeys: PropertyValue.list(keys)],
                    tagsRead: false
                )
            }
        }
        let clusterTags = cluster.tags ?? [:]
        let desired = Dictionary(
            desired(for: scope.config).map { (id($0.target), $0) },
            uniquingKeysWith: { first, _ in first }
        )
        let recordPrefix = AppliedRecord.tagPrefix + "/" + ResourceKind.addedTags.rawValue + "/"
        let recordedIDs = clusterTags.keys.filter { $0.hasPrefix(recordPrefix) }
            .map { ResourceID(.addedTags, String($0.dropFirst(recordPrefix.count))) }
        let groupID = cluster.resourcesVpcConfig?.clusterSecurityGroupId
        func physicalID(_ id: ResourceID) -> String? { id == Self.id(.clusterSecurityGroup) ? groupID : id.name }

        var observed: [ObservedResource] = []
        var unread: [ResourceID] = []
        for resourceID in Set(Array(desired.keys) + recordedIDs).sorted() {
            guard let target = physicalID(resourceID) else { continue }
            if try await scope.recordMatches(resourceID, recorded: clusterTags[AppliedRecord.tagKey(for: resourceID)]) {
                observed.append(ObservedResource(id: resourceID, physicalID: target, tagsRead: false, record: .matched))
            } else {
                unread.append(resourceID)
            }
        }
        guard !unread.isEmpty else { return observed }
        var tagsByTarget: [String: [EC2Tag]] = [:]
        if let groupID, unread.contains(Self.id(.clusterSecurityGroup)),
            let group = try await ifExists({ try await ec2.describeSecurityGroups(groupIds: [groupID]).first }) ?? nil
        {
            tagsByTarget[group.groupId] = group.tags
        }
        let subnetIDs = unread.filter { $0 != Self.id(.clusterSecurityGroup) }.map(\.name)
        if !subnetIDs.isEmpty {
            for subnet in try await ec2.describeSubnets(filters: [EC2Filter(name: "subnet-id", values: subnetIDs)]) {
                tagsByTarget[subnet.subnetId] = subnet.tags
            }
        }
        for resourceID in unread {
            guard let target = physicalID(resourceID), let list = tagsByTarget[target] else { continue }
            let tags = Dictionary(list.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let recorded = recordedKeys(tags[record])
            let present = (desired[resourceID].map { Array($0.tags.keys) } ?? []).filter { tags[$0] != nil }
            guard !recorded.isEmpty || !present.isEmpty else { continue }
            observed.append(
                ObservedResource(
                    id: resourceID,
                    physicalID: target,
                    properties: [.taggedKeys: PropertyValue.list(desired[resourceID] == nil ? recorded : present)],
                    tagsRead: false,
                    record: try await scope.stateAfterFullRead(resourceID)
                )
            )
        }
        return observed
    }

    /// The keys a record tag's value lists.
    static func recordedKeys(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
    }

    /// The tags of the security group or subnet `physicalID`.
    static func tags(of physicalID: String, session: AWSSession) async throws -> [String: String] {
        let list: [EC2Tag]
        if physicalID.hasPrefix("sg-") {
            list = try await session.ec2.describeSecurityGroups(groupIds: [physicalID]).first?.tags ?? []
        } else {
            list = try await session.ec2.describeSubnets(subnetIds: [physicalID]).first?.tags ?? []
        }
        return Dictionary(list.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Adds the missing tags and records them next to what an earlier run recorded.
    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let physicalID: String
        switch target {
        case .subnet(let subnetID):
            physicalID = subnetID
        case .clusterSecurityGroup:
            let cluster = try await context.session.eks.describeCluster(name: context.cluster)
            guard let groupID = cluster.resourcesVpcConfig?.clusterSecurityGroupId else {
                throw MissingClusterSecurityGroupError(cluster: context.cluster)
            }
            physicalID = groupID
        }
        let current = try await Self.tags(of: physicalID, session: context.session)
        let record = Self.recordKey(cluster: context.cluster)
        let missing = tags.keys.filter { current[$0] == nil }.sorted()
        await context.registry.record(resource.id, physicalID: physicalID)
        guard !missing.isEmpty else {
            return .unchanged("\(physicalID) already carries \(tags.keys.sorted().joined(separator: ", "))")
        }
        let recorded = Set(Self.recordedKeys(current[record])).union(missing).sorted()
        var write = missing.map { EC2Tag(key: $0, value: tags[$0] ?? "") }
        write.append(EC2Tag(key: record, value: recorded.joined(separator: ",")))
        try await context.session.ec2.createTags(resourceIds: [physicalID], tags: write)
        return .done("tagged \(physicalID) with \(missing.map { "\($0)=\(tags[$0] ?? "")" }.joined(separator: ", "))")
    }

    /// Removes the keys the record lists, and the record; a resource without a record is left as it is.
    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let current = try await tags(of: physicalID, session: context.session)
        let record = recordKey(cluster: context.cluster)
        guard let value = current[record] else { return }
        // The record on the cluster goes too, so that the next observation does not look for the target again.
        var remove = recordedKeys(value).compactMap { key in current[key].map { EC2Tag(key: key, value: $0) } }
        remove.append(EC2Tag(key: record, value: value))
        try await context.session.ec2.deleteTags(resourceIds: [physicalID], tags: remove)
        try await AWSTeardownProvider.partGone {
            try await context.session.eks.untagResource(
                resourceArn: context.platform.clusterARN(context.cluster),
                tagKeys: [AppliedRecord.tagKey(for: id)]
            )
        }
    }
}

/// EKS reported no cluster security group for an ACTIVE cluster.
public struct MissingClusterSecurityGroupError: Error, Sendable, CustomStringConvertible {
    public var cluster: String
    /// What is missing and why it matters.
    public var description: String {
        "EKS reports no cluster security group for cluster \(cluster) (resourcesVpcConfig.clusterSecurityGroupId); "
            + "Karpenter's nodes need it to reach the system nodes. Check the cluster in the EKS console"
    }
}
