import Foundation

/// An EventBridge `Tag`.
public struct EventBridgeTag: Codable, Sendable, Equatable {
    /// The key.
    public var Key: String
    /// The value.
    public var Value: String

    /// Creates a tag.
    public init(key: String, value: String) {
        self.Key = key
        self.Value = value
    }

    /// Tags from a dictionary, sorted by key.
    public static func from(_ tags: [String: String]) -> [EventBridgeTag] {
        tags.keys.sorted().map { EventBridgeTag(key: $0, value: tags[$0] ?? "") }
    }
}

/// A `Rule` (as `DescribeRule` and `ListRules` return it).
public struct EventBridgeRule: Codable, Sendable, Equatable {
    /// The name.
    public var Name: String
    /// The ARN.
    public var Arn: String?
    /// The event pattern (JSON).
    public var EventPattern: String?
    /// `ENABLED` or `DISABLED`.
    public var State: String?
    /// The description.
    public var Description: String?
    /// A schedule expression.
    public var ScheduleExpression: String?
    /// The bus.
    public var EventBusName: String?
}

/// A `Target`.
public struct EventBridgeTarget: Codable, Sendable, Equatable {
    /// The id, unique per rule.
    public var Id: String
    /// The target ARN (an SQS queue for interruption events).
    public var Arn: String
    /// A role for the target, when needed.
    public var RoleArn: String?
    /// Constant JSON input instead of the event.
    public var Input: String?

    /// Creates a target.
    public init(id: String, arn: String, roleArn: String? = nil, input: String? = nil) {
        self.Id = id
        self.Arn = arn
        self.RoleArn = roleArn
        self.Input = input
    }
}

/// A failed entry of `PutTargets` / `RemoveTargets`.
public struct EventBridgeFailedEntry: Codable, Sendable, Equatable {
    /// The target id.
    public var TargetId: String?
    /// The error code.
    public var ErrorCode: String?
    /// The error message.
    public var ErrorMessage: String?
}
