import EKSAWS
import EKSKubernetes
import Foundation

/// An IAM (or SQS) policy document, held as a JSON value and written as canonical JSON (sorted keys, no spaces)
/// so that desired and observed documents compare byte for byte.
public struct PolicyDocument: Sendable, Equatable {
    /// The document.
    public var value: JSONValue

    /// Creates a document with `Version: 2012-10-17` and `statements`.
    public init(statements: [JSONValue]) {
        self.value = .object(["Version": "2012-10-17", "Statement": .array(statements)])
    }

    /// Wraps an existing document (e.g. one read back from IAM).
    public init(value: JSONValue) { self.value = value }

    public var statements: [JSONValue] { value["Statement"]?.arrayValue ?? [] }

    /// The statement with `Sid` = `sid`, if any.
    public func statement(sid: String) -> JSONValue? {
        statements.first { $0["Sid"]?.stringValue == sid }
    }

    /// Canonical JSON: keys sorted, no insignificant whitespace, slashes unescaped.
    public var json: String { Self.canonicalJSON(value) }

    /// Canonical JSON of any value.
    public static func canonicalJSON(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else { return "" }
        return text
    }

    /// `text` in canonical JSON when it is JSON, else unchanged (`nil` counts as empty): how observed and desired
    /// documents (policies, patterns, add-on configuration) are compared.
    public static func canonical(_ text: String?) -> String {
        let value = text ?? ""
        return PolicyDocument(json: value)?.json ?? value
    }

    /// Parses a document (IAM returns it URL-encoded; decode that first); `nil` when it is not JSON.
    public init?(json: String) {
        guard let data = json.data(using: .utf8), let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return nil
        }
        self.value = value
    }

    /// A statement allowing `actions` for `principal` (a `{Service: …}` / `{AWS: …}` map) to assume the role.
    public static func trust(service: String, actions: [String]) -> PolicyDocument {
        PolicyDocument(statements: [
            .object([
                "Effect": "Allow",
                "Principal": .object(["Service": .string(service)]),
                "Action": actions.count == 1 ? .string(actions[0]) : .array(actions.map { .string($0) }),
            ])
        ])
    }
}

/// A policy whose text depends on run-time facts (partition, account id); rendered with ``render(in:)`` at apply
/// time so no account-specific document is ever stored.
public enum PolicyTemplate: Sendable, Equatable {
    /// A fixed document.
    case fixed(PolicyDocument)
    /// The scoped Karpenter v1 controller policy (domain.md §2.2).
    case karpenterController(KarpenterControllerPolicy)
    /// The interruption queue policy: `SqsWrite` from EventBridge/SQS, `DenyHTTP`.
    case interruptionQueue(queueName: String)

    /// The document for `context`.
    public func render(in context: PlatformContext) -> PolicyDocument {
        switch self {
        case .fixed(let document):
            return document
        case .karpenterController(let policy):
            return policy.document(in: context)
        case .interruptionQueue(let queueName):
            let arn = JSONValue.string(context.queueARN(queueName))
            return PolicyDocument(statements: [
                .object([
                    "Sid": "SqsWrite",
                    "Effect": "Allow",
                    "Principal": .object([
                        "Service": .array(
                            [context.servicePrincipal("events"), context.servicePrincipal("sqs")].map { .string($0) }
                        )
                    ]),
                    "Action": "sqs:SendMessage",
                    "Resource": arn,
                ]),
                .object([
                    "Sid": "DenyHTTP",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*",
                    "Resource": arn,
                    "Condition": .object(["Bool": .object(["aws:SecureTransport": "false"])]),
                ]),
            ])
        }
    }
}
