import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// The CloudWatch Logs group the control plane's logs go to.
    public static let logGroup = ResourceKind(declaring: "logGroup")
}

extension PropertyKey {
    /// Days CloudWatch Logs keeps a group's events (empty: forever).
    public static let retentionInDays = PropertyKey("retentionInDays")
}

extension ResourceSpec {
    /// The log group `/aws/eks/<cluster>/cluster`, made before the cluster with a retention period.
    ///
    /// EKS writes the control plane's logs there and, when the group does not exist, creates it itself without a
    /// retention policy, so CloudWatch keeps (and bills) the events forever, and leaves it behind when the cluster is
    /// deleted (terraform-provider-aws's `aws_eks_cluster` documentation makes the group first for this reason;
    /// terraform-aws-eks keeps 90 days by default). The group exists whatever log types are on, so that switching
    /// logging off never deletes the logs already written. `down` deletes it after the cluster, unless
    /// `spec.controlPlaneLogs.keepOnDown` leaves it (still tagged, so the next `up` takes it over again).
    public struct LogGroup: Sendable, Equatable, ResourceSpecification {
        /// `/aws/eks/<cluster>/cluster`.
        public var name: String
        /// Days the events are kept.
        public var retentionInDays: Int

        /// Registered as `logGroup` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .logGroup }
        /// The group's name.
        public var awsName: String? { name }

        /// What the planner compares with the observed group.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [.retentionInDays: String(retentionInDays)]
        }

        /// The group EKS sends `cluster`'s control-plane logs to (EKS user guide, "Send control plane logs to
        /// CloudWatch Logs").
        public static func name(cluster: String) -> String { "/aws/eks/\(cluster)/cluster" }
    }
}

extension ResourceSpec.LogGroup: ManagedResource {
    /// The group is the platform's alone: a tag dropped from platform.yaml is removed from it.
    package static var ownsEveryTag: Bool { true }

    /// Recorded on the cluster like the add-ons, although the group is made first: while the cluster does not exist
    /// the step writes no record, and the cluster's `CreateCluster` carries it instead
    /// (``ResourceSpec/Cluster/logGroupRecord``), so a no-op plan needs no `ListTagsForResource`.
    package static var recordHolder: AppliedRecord.Holder? { .cluster }

    /// `DescribeLogGroups` by the name as prefix (the exact name picked out): existence and retention, always read.
    /// Its tags (only `ListTagsForResource` returns them) are read when the cluster holds no matching record.
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let logs = scope.session.cloudWatchLogs
        let name = name(cluster: scope.cluster)
        let id = ResourceID(.logGroup, "cluster")
        async let described = logs.logGroup(named: name)
        let cluster = try await ResourceSpec.Cluster.describe(in: scope)
        guard let group = try await described else { return [] }
        let properties: ResourceProperties = [.retentionInDays: group.retentionInDays.map(String.init) ?? ""]
        let recorded = cluster?.tags?[AppliedRecord.tagKey(for: id)]
        if cluster != nil, try await scope.recordMatches(id, recorded: recorded) {
            return [
                ObservedResource(id: id, physicalID: name, properties: properties, tagsRead: false, record: .matched)
            ]
        }
        let tags = try await logs.listTagsForResource(resourceARN: arn(of: group, in: scope.context))
        return [
            ObservedResource(
                id: id,
                physicalID: name,
                properties: properties,
                tags: tags,
                record: try await scope.stateAfterFullRead(id)
            )
        ]
    }

    /// Writes the record on the cluster when it exists; before it does, the cluster's creation writes it.
    package func recordApplied(
        _ resource: DesiredResource,
        key: String,
        digest: String,
        in context: ResourceContext
    ) async throws {
        _ = try await ifExists {
            try await context.session.eks.tagResource(
                resourceArn: context.platform.clusterARN(context.cluster),
                tags: [key: digest]
            )
        }
    }

    /// The ARN tags are kept on: `logGroupArn`, or `arn` without its `:*`, or built from the name.
    static func arn(of group: CloudWatchLogGroup, in context: PlatformContext) -> String {
        if let arn = group.logGroupArn { return arn }
        if let arn = group.arn { return arn.hasSuffix(":*") ? String(arn.dropLast(2)) : arn }
        return "arn:\(context.partition):logs:\(context.region):\(context.accountID):log-group:\(group.logGroupName)"
    }

    /// Creates the group with the platform's tags, or takes over one EKS (or an earlier run kept on `down`) made,
    /// then sets the retention.
    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let logs = context.session.cloudWatchLogs
        if let existing = try await logs.logGroup(named: name) {
            await context.registry.record(resource.id, physicalID: name)
            try await bringInLine(existing, resource, context)
            return .done("took over log group \(name), keeping events \(retentionInDays) days")
        }
        do {
            try await logs.createLogGroup(name: name, tags: resource.tags)
        } catch let error as AWSServiceError where error.code == "ResourceAlreadyExistsException" {
            // A lost answer to our own create, retried: the group is there.
        }
        await context.registry.record(resource.id, physicalID: name)
        try await logs.putRetentionPolicy(logGroupName: name, retentionInDays: retentionInDays)
        return .done("log group \(name), events kept \(retentionInDays) days")
    }

    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        guard let existing = try await context.session.cloudWatchLogs.logGroup(named: name) else {
            return try await create(resource, in: context)
        }
        try await bringInLine(existing, resource, context)
        return .done("updated log group \(name)")
    }

    /// Retention and tags as platform.yaml asks (tags not in it removed, apart from AWS's and records).
    func bringInLine(_ group: CloudWatchLogGroup, _ resource: DesiredResource, _ context: ResourceContext) async throws {
        let logs = context.session.cloudWatchLogs
        if group.retentionInDays != retentionInDays {
            try await logs.putRetentionPolicy(logGroupName: name, retentionInDays: retentionInDays)
        }
        let arn = Self.arn(of: group, in: context.platform)
        try await logs.tagResource(resourceARN: arn, tags: resource.tags)
        let extra = try await logs.listTagsForResource(resourceARN: arn).keys.filter {
            resource.tags[$0] == nil && !$0.hasPrefix("aws:") && !$0.hasPrefix(AppliedRecord.tagPrefix)
        }
        if !extra.isEmpty { try await logs.untagResource(resourceARN: arn, tagKeys: extra) }
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        try await context.session.cloudWatchLogs.deleteLogGroup(name: physicalID)
    }
}
