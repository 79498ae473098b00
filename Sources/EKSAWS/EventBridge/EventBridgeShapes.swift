import Foundation

/// An EventBridge `Tag`.
public struct EventBridgeTag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    /// Creates a tag.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Tags from a dictionary, sorted by key.
    public static func from(_ tags: [String: String]) -> [EventBridgeTag] {
        tags.keys.sorted().map { EventBridgeTag(key: $0, value: tags[$0] ?? "") }
    }

    enum CodingKeys: String, CodingKey {
        case key = "Key", value = "Value"
    }
}

/// A `Rule` (as `DescribeRule` and `ListRules` return it).
public struct EventBridgeRule: Codable, Sendable, Equatable {
    public var name: String
    public var arn: String?
    /// The event pattern (JSON).
    public var eventPattern: String?
    /// `ENABLED` or `DISABLED`.
    public var state: String?
    /// What the rule is for.
    public var description: String?
    /// A schedule expression (rules that run on a schedule instead of matching events).
    public var scheduleExpression: String?
    /// The event bus the rule belongs to.
    public var eventBusName: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name", arn = "Arn", eventPattern = "EventPattern", state = "State", description = "Description"
        case scheduleExpression = "ScheduleExpression", eventBusName = "EventBusName"
    }
}

/// EventBridge's `Target` shape as the API returns it: the members this library reads.
public struct EventBridgeTarget: Codable, Sendable, Equatable {
    /// The id, unique per rule.
    public var id: String
    /// The target ARN (an SQS queue for interruption events).
    public var arn: String
    /// A role for the target, when needed.
    public var roleArn: String?
    /// Constant JSON input instead of the event.
    public var input: String?

    /// Creates a target.
    public init(id: String, arn: String, roleArn: String? = nil, input: String? = nil) {
        self.id = id
        self.arn = arn
        self.roleArn = roleArn
        self.input = input
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", arn = "Arn", roleArn = "RoleArn", input = "Input"
    }
}

/// A failed entry of `PutTargets` / `RemoveTargets`.
public struct EventBridgeFailedEntry: Codable, Sendable, Equatable {
    public var targetId: String?
    public var errorCode: String?
    public var errorMessage: String?

    enum CodingKeys: String, CodingKey {
        case targetId = "TargetId", errorCode = "ErrorCode", errorMessage = "ErrorMessage"
    }
}
