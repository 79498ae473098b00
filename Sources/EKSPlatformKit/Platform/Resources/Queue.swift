import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An SQS queue (with its policy).
    public static let sqsQueue = ResourceKind(declaring: "sqsQueue")
}

extension PropertyKey {
    /// The queue's `MessageRetentionPeriod` attribute, in seconds.
    public static let messageRetentionPeriod = PropertyKey("MessageRetentionPeriod")
    /// The queue's `SqsManagedSseEnabled` attribute.
    public static let sqsManagedSseEnabled = PropertyKey("SqsManagedSseEnabled")
    /// The queue's `Policy` attribute (canonical JSON).
    public static let policy = PropertyKey("Policy")
}

extension ResourceSpec {
    /// Karpenter's interruption queue: EventBridge delivers spot interruptions, rebalance recommendations, instance
    /// state changes and scheduled health events there.
    public struct Queue: Sendable, Equatable, ResourceSpecification {
        public var queueName: String
        /// `MessageRetentionPeriod` in seconds.
        public var messageRetentionSeconds: Int
        /// `SqsManagedSseEnabled`.
        public var sqsManagedSSE: Bool
        /// The queue policy (EventBridge and SQS may send to it).
        public var policy: PolicyTemplate

        /// Registered as `sqsQueue` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .sqsQueue }
        /// The name AWS knows it by (used in messages and look-ups by name).
        public var awsName: String? { queueName }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            attributes(in: context).reduce(into: [:]) { properties, attribute in
                properties[PropertyKey(attribute.key)] = attribute.value
            }
        }

        /// The queue attributes, as `CreateQueue` and `SetQueueAttributes` take them.
        func attributes(in context: PlatformContext) -> [String: String] {
            [
                PropertyKey.messageRetentionPeriod.name: String(messageRetentionSeconds),
                PropertyKey.sqsManagedSseEnabled.name: PropertyValue.flag(sqsManagedSSE),
                PropertyKey.policy.name: policy.render(in: context).json,
            ]
        }
    }
}

extension ResourceSpec.Queue: ManagedResource {
    /// The queue is the platform's alone: a tag dropped from platform.yaml is removed from it (the rules' records
    /// it holds are not tags of platform.yaml and are kept).
    package static var ownsEveryTag: Bool { true }

    /// The queue found by name: URL, attributes and tags (read once; the rules' records live in its tags).
    package struct Found: Sendable {
        package var resource: ObservedResource
        package var tags: [String: String]
    }

    /// `GetQueueUrl`, then `GetQueueAttributes` and `ListQueueTags`, made once per observation.
    package static func find(in scope: ObservationScope) async throws -> Found? {
        try await scope.shared("sqs.interruptionQueue") {
            let sqs = scope.session.sqs
            guard let url = try await ifExists({ try await sqs.getQueueUrl(queueName: scope.names.interruptionQueue) })
            else { return nil }
            async let tagList = sqs.listQueueTags(queueUrl: url)
            let attributes = try await sqs.getQueueAttributes(queueUrl: url)
            var properties: ResourceProperties = [:]
            properties[.messageRetentionPeriod] = attributes[PropertyKey.messageRetentionPeriod.name]
            properties[.sqsManagedSseEnabled] = attributes[PropertyKey.sqsManagedSseEnabled.name]
            if let policy = attributes[PropertyKey.policy.name] { properties[.policy] = PolicyDocument.canonical(policy) }
            let tags = try await tagList
            let resource = ObservedResource(
                id: ResourceID(.sqsQueue, "interruption"),
                physicalID: url,
                properties: properties,
                tags: tags
            )
            return Found(resource: resource, tags: tags)
        }
    }

    /// Observed even when disabled, so turning the queue off plans its deletion.
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        try await find(in: scope).map { [$0.resource] } ?? []
    }

    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        let url = try await context.session.sqs.createQueue(
            queueName: queueName,
            attributes: attributes(in: context.platform),
            tags: resource.tags
        )
        await context.registry.record(resource.id, physicalID: url)
        return .done("queue \(queueName)")
    }

    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        let sqs = context.session.sqs
        try await sqs.setQueueAttributes(queueUrl: physicalID, attributes: attributes(in: context.platform))
        try await sqs.tagQueue(queueUrl: physicalID, tags: resource.tags)
        let extra = try await sqs.listQueueTags(queueUrl: physicalID).keys.filter {
            resource.tags[$0] == nil && !$0.hasPrefix("aws:") && !$0.hasPrefix(AppliedRecord.tagPrefix)
        }
        if !extra.isEmpty { try await sqs.untagQueue(queueUrl: physicalID, tagKeys: extra) }
        return .done("updated queue \(queueName)")
    }

    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {
        try await context.session.sqs.deleteQueue(queueUrl: physicalID)
    }
}
