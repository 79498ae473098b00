import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An EventBridge rule (with its target).
    public static let eventRule = ResourceKind(declaring: "eventRule")
}

extension PropertyKey {
    /// A rule's event pattern (canonical JSON).
    public static let eventPattern = PropertyKey("eventPattern")
    /// A rule's target: `id->arn`.
    public static let target = PropertyKey("target")
}

extension ResourceSpec {
    /// One of the interruption rules: an event pattern and the queue as its target.
    public struct EventRule: Sendable, Equatable, ResourceSpecification {
        public var ruleName: String
        /// The event pattern (canonical JSON).
        public var eventPattern: String
        public var targetID: String
        /// The queue the rule targets.
        public var queue: ResourceID
        public var queueName: String

        /// Registered as `eventRule` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .eventRule }
        /// The name AWS knows it by (used in messages and look-ups by name).
        public var awsName: String? { ruleName }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [.eventPattern: eventPattern, .target: "\(targetID)->\(context.queueARN(queueName))"]
        }
    }
}

extension ResourceSpec.EventRule: ManagedResource {
    package static var recordHolder: AppliedRecord.Holder? { .queue }

    /// The platform writes every tag of its rules: a tag dropped from platform.yaml is removed from them.
    package static var ownsEveryTag: Bool { true }

    /// `ListRules` by the prefix all five rule names share; each rule's target and tags unless its record on the
    /// queue matches.
    ///
    /// The prefix is computed from the names themselves: past 64 characters a name is shortened and hashed
    /// (``StableNames/bounded(prefix:_:suffix:limit:)``), so with a cluster name over 34 characters some rules no
    /// longer start with `Karpenter-<cluster>`. A rule read in full is the platform's only when its
    /// `eksplatform.io/cluster` tag names this cluster (one with the same name owned by another is left alone).
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        let events = scope.session.eventBridge
        let names = scope.names
        let byName = Dictionary(
            Blueprint.interruptionEvents.map { (names.eventRule($0.key), $0.key) },
            uniquingKeysWith: { first, _ in first }
        )
        async let listed = events.listRules(namePrefix: StableNames.commonPrefix(of: byName.keys.sorted()))
        let queueTags = try await ResourceSpec.Queue.find(in: scope)?.tags ?? [:]
        let owned = try await listed.compactMap { rule in byName[rule.name].map { (rule, ResourceID(.eventRule, $0)) } }
        return try await AWSPlatformObserver.concurrently(owned) { rule, id in
            let pattern = PolicyDocument.canonical(rule.eventPattern)
            if try await scope.recordMatches(id, recorded: queueTags[AppliedRecord.tagKey(for: id)]) {
                return ObservedResource(
                    id: id,
                    physicalID: rule.name,
                    properties: [.eventPattern: pattern],
                    status: rule.state,
                    tagsRead: false,
                    record: .matched
                )
            }
            async let targets = events.listTargetsByRule(rule: rule.name)
            var tags: [String: String] = [:]
            if let arn = rule.arn { tags = try await events.listTagsForResource(resourceARN: arn) }
            guard tags[PlatformTags.cluster] == scope.cluster else { return nil }
            let target = try await targets.first { $0.id == Blueprint.interruptionTargetID }
            return ObservedResource(
                id: id,
                physicalID: rule.name,
                properties: [.eventPattern: pattern, .target: target.map { "\($0.id)->\($0.arn)" } ?? ""],
                tags: tags,
                status: rule.state,
                record: try await scope.stateAfterFullRead(id)
            )
        }
    }

    /// `PutRule` and `PutTargets` are idempotent: creating and updating are the same calls. PutRule's tags only
    /// count when it creates the rule (EventBridge ignores them for an existing one), so the tags are then brought
    /// in line with `TagResource` and `UntagResource`.
    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let events = context.session.eventBridge
        let arn = try await events.putRule(
            name: ruleName,
            eventPattern: eventPattern,
            state: "ENABLED",
            description: "Karpenter interruption events for \(context.cluster)",
            tags: resource.tags
        )
        let failed = try await events.putTargets(
            rule: ruleName,
            targets: [EventBridgeTarget(id: targetID, arn: context.platform.queueARN(queueName))]
        )
        if let first = failed.first {
            throw AWSClientError(
                .invalidResponse,
                "PutTargets failed for \(ruleName): \(first.errorMessage ?? first.errorCode ?? "")",
                service: "events",
                operation: "PutTargets"
            )
        }
        try await Self.reconcileTags(of: arn, to: resource.tags, events: events)
        await context.registry.record(resource.id, physicalID: ruleName)
        return .done("rule \(ruleName) → queue \(queueName)")
    }

    /// Makes the tags of the rule `arn` exactly `desired` (AWS's own `aws:` tags are not the platform's to touch).
    static func reconcileTags(of arn: String, to desired: [String: String], events: EventBridgeClient) async throws {
        let have = try await events.listTagsForResource(resourceARN: arn)
        let changed = desired.filter { have[$0.key] != $0.value }
        let extra = have.keys.filter {
            desired[$0] == nil && !$0.hasPrefix("aws:") && !$0.hasPrefix(AppliedRecord.tagPrefix)
        }
        if !changed.isEmpty { try await events.tagResource(resourceARN: arn, tags: changed) }
        if !extra.isEmpty { try await events.untagResource(resourceARN: arn, tagKeys: extra) }
    }

    /// The record lives in the queue's tags (`ListQueueTags` is read anyway).
    package func recordApplied(
        _ resource: DesiredResource,
        key: String,
        digest: String,
        in context: ResourceContext
    ) async throws {
        let sqs = context.session.sqs
        let queueURL: String
        if let known = await context.registry.physicalID(queue) {
            queueURL = known
        } else {
            queueURL = try await sqs.getQueueUrl(queueName: queueName)
        }
        try await sqs.tagQueue(queueUrl: queueURL, tags: [key: digest])
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        let events = context.session.eventBridge
        _ = try await events.removeTargets(rule: physicalID, ids: [Blueprint.interruptionTargetID])
        try await events.deleteRule(name: physicalID)
    }
}
