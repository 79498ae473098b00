import Foundation

/// Amazon SQS over the JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.*`): the interruption queue Karpenter reads.
public struct SQSClient: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.sqs

    /// Creates an SQS client on `client`.
    public init(client: AWSClient) { self.client = client }

    /// Queue attribute names the platform sets or reads.
    public enum Attribute {
        /// `MessageRetentionPeriod` (seconds, 60–1209600).
        public static let messageRetentionPeriod = "MessageRetentionPeriod"
        /// `SqsManagedSseEnabled` (`true`/`false`).
        public static let sqsManagedSseEnabled = "SqsManagedSseEnabled"
        /// `Policy` (a JSON document).
        public static let policy = "Policy"
        /// `QueueArn` (read only).
        public static let queueArn = "QueueArn"
    }

    /// `CreateQueue`; returns the queue URL. The same name with the same attributes is idempotent.
    public func createQueue(
        queueName: String,
        attributes: [String: String] = [:],
        tags: [String: String] = [:]
    ) async throws -> String {
        struct Input: Encodable {
            var QueueName: String
            var Attributes: [String: String]?
            var tags: [String: String]?
        }
        struct Output: Decodable { var QueueUrl: String }
        let out: Output = try await send(
            "CreateQueue",
            Input(QueueName: queueName, Attributes: attributes.isEmpty ? nil : attributes, tags: tags.isEmpty ? nil : tags)
        )
        return out.QueueUrl
    }

    /// `GetQueueUrl`.
    public func getQueueUrl(queueName: String) async throws -> String {
        struct Input: Encodable { var QueueName: String }
        struct Output: Decodable { var QueueUrl: String }
        let out: Output = try await send("GetQueueUrl", Input(QueueName: queueName), mutating: false)
        return out.QueueUrl
    }

    /// `GetQueueAttributes` (`All` unless names are given).
    public func getQueueAttributes(queueUrl: String, attributeNames: [String] = ["All"]) async throws -> [String: String] {
        struct Input: Encodable {
            var QueueUrl: String
            var AttributeNames: [String]
        }
        struct Output: Decodable { var Attributes: [String: String]? }
        let out: Output = try await send(
            "GetQueueAttributes",
            Input(QueueUrl: queueUrl, AttributeNames: attributeNames),
            mutating: false
        )
        return out.Attributes ?? [:]
    }

    /// `SetQueueAttributes` (e.g. the `Policy` that lets EventBridge send).
    public func setQueueAttributes(queueUrl: String, attributes: [String: String]) async throws {
        struct Input: Encodable {
            var QueueUrl: String
            var Attributes: [String: String]
        }
        let _: Empty = try await send("SetQueueAttributes", Input(QueueUrl: queueUrl, Attributes: attributes))
    }

    /// `TagQueue`.
    public func tagQueue(queueUrl: String, tags: [String: String]) async throws {
        struct Input: Encodable {
            var QueueUrl: String
            var Tags: [String: String]
        }
        let _: Empty = try await send("TagQueue", Input(QueueUrl: queueUrl, Tags: tags))
    }

    /// `UntagQueue`: removes the tags `tagKeys` (keys the queue does not have are ignored).
    public func untagQueue(queueUrl: String, tagKeys: [String]) async throws {
        struct Input: Encodable {
            var QueueUrl: String
            var TagKeys: [String]
        }
        let _: Empty = try await send("UntagQueue", Input(QueueUrl: queueUrl, TagKeys: tagKeys.sorted()))
    }

    /// `ListQueueTags`.
    public func listQueueTags(queueUrl: String) async throws -> [String: String] {
        struct Input: Encodable { var QueueUrl: String }
        struct Output: Decodable { var Tags: [String: String]? }
        let out: Output = try await send("ListQueueTags", Input(QueueUrl: queueUrl), mutating: false)
        return out.Tags ?? [:]
    }

    /// `DeleteQueue`.
    public func deleteQueue(queueUrl: String) async throws {
        struct Input: Encodable { var QueueUrl: String }
        let _: Empty = try await send("DeleteQueue", Input(QueueUrl: queueUrl))
    }

    struct Empty: Decodable {}

    func send<Input: Encodable, Output: Decodable>(
        _ operation: String,
        _ input: Input,
        mutating: Bool = true
    ) async throws -> Output {
        try await client.json(operation, input, service: Self.service, mutating: mutating)
    }
}
