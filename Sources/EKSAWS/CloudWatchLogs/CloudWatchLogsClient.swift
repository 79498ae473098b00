import Foundation

/// Amazon CloudWatch Logs over JSON 1.1 (`X-Amz-Target: Logs_20140328.*`): the log group EKS writes the control
/// plane's logs to. Shapes and member names follow botocore's `logs/2014-03-28/service-2.json`.
public struct CloudWatchLogsClient: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.cloudWatchLogs

    /// Creates a CloudWatch Logs client on `client`.
    public init(client: AWSClient) { self.client = client }

    /// `CreateLogGroup`, with tags (a group that exists is `ResourceAlreadyExistsException`).
    public func createLogGroup(name: String, tags: [String: String] = [:]) async throws {
        struct Input: Encodable {
            var logGroupName: String
            var tags: [String: String]?
        }
        let _: Empty = try await send("CreateLogGroup", Input(logGroupName: name, tags: tags.isEmpty ? nil : tags))
    }

    /// `DescribeLogGroups` as pages, by name prefix.
    public func describeLogGroupsPages(namePrefix: String? = nil, limit: Int? = nil) -> AWSPaginator<CloudWatchLogGroup> {
        struct Input: Encodable {
            var logGroupNamePrefix: String?
            var nextToken: String?
            var limit: Int?
        }
        struct Output: Decodable {
            var logGroups: [CloudWatchLogGroup]?
            var nextToken: String?
        }
        return AWSPaginator(operation: "DescribeLogGroups") { token in
            let out: Output = try await send(
                "DescribeLogGroups",
                Input(logGroupNamePrefix: namePrefix, nextToken: token, limit: limit),
                mutating: false
            )
            return AWSPage(items: out.logGroups ?? [], nextToken: out.nextToken)
        }
    }

    /// `DescribeLogGroups`, all pages.
    public func describeLogGroups(namePrefix: String? = nil) async throws -> [CloudWatchLogGroup] {
        try await describeLogGroupsPages(namePrefix: namePrefix).allItems()
    }

    /// The log group named exactly `name`, or `nil` (a prefix read, filtered).
    public func logGroup(named name: String) async throws -> CloudWatchLogGroup? {
        try await describeLogGroups(namePrefix: name).first { $0.logGroupName == name }
    }

    /// `PutRetentionPolicy`: CloudWatch Logs takes 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    /// 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days (``retentionDays``).
    public func putRetentionPolicy(logGroupName: String, retentionInDays: Int) async throws {
        struct Input: Encodable {
            var logGroupName: String
            var retentionInDays: Int
        }
        let _: Empty = try await send(
            "PutRetentionPolicy",
            Input(logGroupName: logGroupName, retentionInDays: retentionInDays)
        )
    }

    /// `DeleteRetentionPolicy`: events never expire.
    public func deleteRetentionPolicy(logGroupName: String) async throws {
        struct Input: Encodable { var logGroupName: String }
        let _: Empty = try await send("DeleteRetentionPolicy", Input(logGroupName: logGroupName))
    }

    /// `DeleteLogGroup`, with every stream and event in it.
    public func deleteLogGroup(name: String) async throws {
        struct Input: Encodable { var logGroupName: String }
        let _: Empty = try await send("DeleteLogGroup", Input(logGroupName: name))
    }

    /// `ListTagsForResource` on a log group's ARN (without the `:*` that `DescribeLogGroups`' `arn` ends with).
    public func listTagsForResource(resourceARN: String) async throws -> [String: String] {
        struct Input: Encodable { var resourceArn: String }
        struct Output: Decodable { var tags: [String: String]? }
        let out: Output = try await send("ListTagsForResource", Input(resourceArn: resourceARN), mutating: false)
        return out.tags ?? [:]
    }

    /// `TagResource`.
    public func tagResource(resourceARN: String, tags: [String: String]) async throws {
        struct Input: Encodable {
            var resourceArn: String
            var tags: [String: String]
        }
        let _: Empty = try await send("TagResource", Input(resourceArn: resourceARN, tags: tags))
    }

    /// `UntagResource`.
    public func untagResource(resourceARN: String, tagKeys: [String]) async throws {
        struct Input: Encodable {
            var resourceArn: String
            var tagKeys: [String]
        }
        let _: Empty = try await send("UntagResource", Input(resourceArn: resourceARN, tagKeys: tagKeys.sorted()))
    }

    /// The retention periods CloudWatch Logs accepts, in days (botocore's `Days` shape).
    public static let retentionDays: Set<Int> = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]

    struct Empty: Decodable {}

    func send<Input: Encodable, Output: Decodable>(
        _ operation: String,
        _ input: Input,
        mutating: Bool = true
    ) async throws -> Output {
        try await client.json(operation, input, service: Self.service, mutating: mutating)
    }
}

/// A `LogGroup`.
public struct CloudWatchLogGroup: Codable, Sendable, Equatable {
    public var logGroupName: String
    /// Days events are kept; `nil`: forever.
    public var retentionInDays: Int?
    /// The ARN ending in `:*` (for IAM policies).
    public var arn: String?
    /// The ARN without `:*` (for tagging).
    public var logGroupArn: String?
    /// Milliseconds since 1970.
    public var creationTime: Double?
    public var kmsKeyId: String?

    /// Creates a log group value.
    public init(logGroupName: String, retentionInDays: Int? = nil, arn: String? = nil, logGroupArn: String? = nil) {
        self.logGroupName = logGroupName
        self.retentionInDays = retentionInDays
        self.arn = arn
        self.logGroupArn = logGroupArn
    }
}
