import Foundation

/// Amazon EventBridge over JSON 1.1 (`X-Amz-Target: AWSEvents.*`): the rules that feed Karpenter's interruption queue.
public struct EventBridgeClient: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.eventBridge

    /// Creates an EventBridge client on `client`.
    public init(client: AWSClient) { self.client = client }

    /// `PutRule` (create or update); returns the rule ARN.
    ///
    /// `tags` only apply when the call creates the rule: EventBridge ignores them for a rule that exists, whose tags
    /// change with ``tagResource(resourceARN:tags:)`` and ``untagResource(resourceARN:tagKeys:)``.
    public func putRule(
        name: String,
        eventPattern: String? = nil,
        scheduleExpression: String? = nil,
        state: String? = nil,
        description: String? = nil,
        tags: [String: String] = [:]
    ) async throws -> String {
        struct Input: Encodable {
            var Name: String
            var ScheduleExpression: String?
            var EventPattern: String?
            var State: String?
            var Description: String?
            var Tags: [EventBridgeTag]?
        }
        struct Output: Decodable { var RuleArn: String }
        let out: Output = try await send(
            "PutRule",
            Input(
                Name: name,
                ScheduleExpression: scheduleExpression,
                EventPattern: eventPattern,
                State: state,
                Description: description,
                Tags: tags.isEmpty ? nil : EventBridgeTag.from(tags)
            )
        )
        return out.RuleArn
    }

    /// `DescribeRule`.
    public func describeRule(name: String) async throws -> EventBridgeRule {
        struct Input: Encodable { var Name: String }
        return try await send("DescribeRule", Input(Name: name), mutating: false)
    }

    /// `ListRules` as pages, optionally by name prefix.
    public func listRulesPages(namePrefix: String? = nil, limit: Int? = nil) -> AWSPaginator<EventBridgeRule> {
        struct Input: Encodable {
            var NamePrefix: String?
            var NextToken: String?
            var Limit: Int?
        }
        struct Output: Decodable {
            var Rules: [EventBridgeRule]?
            var NextToken: String?
        }
        return AWSPaginator(operation: "ListRules") { token in
            let out: Output = try await send(
                "ListRules",
                Input(NamePrefix: namePrefix, NextToken: token, Limit: limit),
                mutating: false
            )
            return AWSPage(items: out.Rules ?? [], nextToken: out.NextToken)
        }
    }

    /// `ListRules`, all pages.
    public func listRules(namePrefix: String? = nil) async throws -> [EventBridgeRule] {
        try await listRulesPages(namePrefix: namePrefix).allItems()
    }

    /// `PutTargets`; returns the entries that failed (empty when all succeeded).
    public func putTargets(rule: String, targets: [EventBridgeTarget]) async throws -> [EventBridgeFailedEntry] {
        struct Input: Encodable {
            var Rule: String
            var Targets: [EventBridgeTarget]
        }
        let out: FailedEntries = try await send("PutTargets", Input(Rule: rule, Targets: targets))
        return out.FailedEntries ?? []
    }

    /// `ListTargetsByRule` as pages.
    public func listTargetsByRulePages(rule: String, limit: Int? = nil) -> AWSPaginator<EventBridgeTarget> {
        struct Input: Encodable {
            var Rule: String
            var NextToken: String?
            var Limit: Int?
        }
        struct Output: Decodable {
            var Targets: [EventBridgeTarget]?
            var NextToken: String?
        }
        return AWSPaginator(operation: "ListTargetsByRule") { token in
            let out: Output = try await send(
                "ListTargetsByRule",
                Input(Rule: rule, NextToken: token, Limit: limit),
                mutating: false
            )
            return AWSPage(items: out.Targets ?? [], nextToken: out.NextToken)
        }
    }

    /// `ListTargetsByRule`, all pages.
    public func listTargetsByRule(rule: String) async throws -> [EventBridgeTarget] {
        try await listTargetsByRulePages(rule: rule).allItems()
    }

    /// `RemoveTargets`; returns the entries that failed.
    @discardableResult
    public func removeTargets(rule: String, ids: [String]) async throws -> [EventBridgeFailedEntry] {
        struct Input: Encodable {
            var Rule: String
            var Ids: [String]
        }
        let out: FailedEntries = try await send("RemoveTargets", Input(Rule: rule, Ids: ids))
        return out.FailedEntries ?? []
    }

    /// `DeleteRule` (remove its targets first).
    public func deleteRule(name: String) async throws {
        struct Input: Encodable { var Name: String }
        let _: Empty = try await send("DeleteRule", Input(Name: name))
    }

    /// `TagResource`.
    public func tagResource(resourceARN: String, tags: [String: String]) async throws {
        struct Input: Encodable {
            var ResourceARN: String
            var Tags: [EventBridgeTag]
        }
        let _: Empty = try await send("TagResource", Input(ResourceARN: resourceARN, Tags: EventBridgeTag.from(tags)))
    }

    /// `UntagResource`: removes the tags `keys` (keys the resource does not have are ignored).
    public func untagResource(resourceARN: String, tagKeys: [String]) async throws {
        struct Input: Encodable {
            var ResourceARN: String
            var TagKeys: [String]
        }
        let _: Empty = try await send("UntagResource", Input(ResourceARN: resourceARN, TagKeys: tagKeys.sorted()))
    }

    /// `ListTagsForResource`.
    public func listTagsForResource(resourceARN: String) async throws -> [String: String] {
        struct Input: Encodable { var ResourceARN: String }
        struct Output: Decodable { var Tags: [EventBridgeTag]? }
        let out: Output = try await send("ListTagsForResource", Input(ResourceARN: resourceARN), mutating: false)
        return Dictionary((out.Tags ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    }

    struct Empty: Decodable {}
    struct FailedEntries: Decodable {
        var FailedEntryCount: Int?
        var FailedEntries: [EventBridgeFailedEntry]?
    }

    func send<Input: Encodable, Output: Decodable>(
        _ operation: String,
        _ input: Input,
        mutating: Bool = true
    ) async throws -> Output {
        try await client.json(operation, input, service: Self.service, mutating: mutating)
    }
}
