import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("SQS and EventBridge clients against the emulator")
struct QueueAndRuleIntegrationTests {
    @Test func interruptionQueueLifecycle() async throws {
        let (_, session) = try await ClientTests.session(region: "ca-central-1")
        let sqs = session.sqs
        let name = "interruption-\(ClientTests.unique())"
        let url = try await sqs.createQueue(
            queueName: name,
            attributes: [SQSClient.Attribute.messageRetentionPeriod: "300", SQSClient.Attribute.sqsManagedSseEnabled: "true"],
            tags: ["eksplatform.io/cluster": "demo"]
        )
        #expect(url.hasSuffix("/\(name)"))
        #expect(try await sqs.getQueueUrl(queueName: name) == url)
        var attributes = try await sqs.getQueueAttributes(queueUrl: url)
        #expect(attributes["MessageRetentionPeriod"] == "300")
        #expect(attributes["SqsManagedSseEnabled"] == "true")
        let arn = try #require(attributes["QueueArn"])
        let policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
            + #""Principal":{"Service":["events.amazonaws.com","sqs.amazonaws.com"]},"#
            + #""Action":"sqs:SendMessage","Resource":"\#(arn)"}]}"#
        try await sqs.setQueueAttributes(queueUrl: url, attributes: [SQSClient.Attribute.policy: policy])
        attributes = try await sqs.getQueueAttributes(queueUrl: url, attributeNames: ["Policy"])
        #expect(attributes["Policy"]?.contains("events.amazonaws.com") == true)
        try await sqs.tagQueue(queueUrl: url, tags: ["team": "platform"])
        #expect(try await sqs.listQueueTags(queueUrl: url) == ["eksplatform.io/cluster": "demo", "team": "platform"])
        try await sqs.deleteQueue(queueUrl: url)
        let gone = await ClientTests.error(AWSServiceError.self) { _ = try await sqs.getQueueUrl(queueName: name) }
        #expect(gone?.code == "QueueDoesNotExist" && gone?.service == "sqs" && gone?.operation == "GetQueueUrl")
    }

    @Test func interruptionRulesLifecycle() async throws {
        let (_, session) = try await ClientTests.session(region: "ca-central-1")
        let events = session.eventBridge
        let prefix = "eksp-\(ClientTests.unique())"
        let pattern = #"{"source":["aws.ec2"],"detail-type":["EC2 Spot Instance Interruption Warning"]}"#
        let arn = try await events.putRule(
            name: "\(prefix)-spot",
            eventPattern: pattern,
            state: "ENABLED",
            description: "spot interruptions",
            tags: ["eksplatform.io/cluster": "demo"]
        )
        _ = try await events.putRule(name: "\(prefix)-health", eventPattern: #"{"source":["aws.health"]}"#)
        #expect(arn.hasSuffix(":rule/\(prefix)-spot"))
        let rule = try await events.describeRule(name: "\(prefix)-spot")
        #expect(rule.arn == arn && rule.state == "ENABLED" && rule.description == "spot interruptions")
        #expect(rule.eventPattern?.contains("aws.ec2") == true)
        #expect(Set(try await events.listRules(namePrefix: prefix).map(\.name)) == ["\(prefix)-spot", "\(prefix)-health"])

        let queue = "arn:aws:sqs:ca-central-1:123456789012:\(prefix)"
        let failed = try await events.putTargets(
            rule: "\(prefix)-spot",
            targets: [EventBridgeTarget(id: "KarpenterInterruptionQueueTarget", arn: queue)]
        )
        #expect(failed.isEmpty)
        let targets = try await events.listTargetsByRule(rule: "\(prefix)-spot")
        #expect(targets == [EventBridgeTarget(id: "KarpenterInterruptionQueueTarget", arn: queue)])
        let withTargets = await ClientTests.error(AWSServiceError.self) { try await events.deleteRule(name: "\(prefix)-spot") }
        #expect(withTargets?.code == "ValidationException")

        try await events.tagResource(resourceARN: arn, tags: ["team": "platform"])
        #expect(try await events.listTagsForResource(resourceARN: arn) == ["eksplatform.io/cluster": "demo", "team": "platform"])
        #expect(try await events.removeTargets(rule: "\(prefix)-spot", ids: ["KarpenterInterruptionQueueTarget"]).isEmpty)
        #expect(try await events.listTargetsByRule(rule: "\(prefix)-spot").isEmpty)
        try await events.deleteRule(name: "\(prefix)-spot")
        try await events.deleteRule(name: "\(prefix)-health")
        #expect(try await events.listRules(namePrefix: prefix).isEmpty)
        let missing = await ClientTests.error(AWSServiceError.self) { _ = try await events.describeRule(name: "\(prefix)-spot") }
        #expect(missing?.code == "ResourceNotFoundException")
    }
}
