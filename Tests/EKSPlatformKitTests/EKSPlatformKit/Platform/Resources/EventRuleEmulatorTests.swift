import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// The interruption queue's EventBridge rules on the AWS emulator, which (like EventBridge) ignores PutRule's tags
/// for a rule that exists.
@Suite("Engine: EventBridge rules on the AWS emulator")
struct EventRuleEmulatorTests {
    /// Creates only the interruption queue and its five rules for `config` (nothing else of the platform).
    static func upQueueAndRules(_ config: PlatformConfig, session: AWSSession) async throws -> ExecutionSummary {
        let observer = AWSPlatformObserver(session: session)
        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        let changes = plan.changes.filter { [.sqsQueue, .eventRule].contains($0.id.kind) && $0.action != .noop }
        return try await Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })
            .up(
                plan: Plan(cluster: config.name, changes: changes),
                blueprint: blueprint,
                observed: try await observer.observe(config),
                provider: AWSPlatformProvider(session: session),
                events: NullEventHandler()
            )
    }

    /// The tags of the rule `name`.
    static func tags(ofRule name: String, _ session: AWSSession) async throws -> [String: String] {
        let arn = try #require(try await session.eventBridge.describeRule(name: name).arn)
        return try await session.eventBridge.listTagsForResource(resourceARN: arn)
    }

    @Test("a cluster name over 34 characters: every rule (some with hashed names) is observed, and down deletes all")
    func longClusterNameRulesAreObservedAndDeleted() async throws {
        // Its own emulator: tests on the shared one inject one-shot faults into the calls this test makes.
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let name = "long-\(UUID().uuidString.prefix(8).lowercased())-cluster-name-of-forty-char"
        #expect(name.count == 40)
        let config = EngineFixtures.config(name: name, gitops: false)
        let names = Blueprint.Names(cluster: name)
        let ruleNames = Blueprint.interruptionEvents.map { names.eventRule($0.key) }
        #expect(ruleNames.contains { !$0.hasPrefix("Karpenter-\(name)") }, "some names are shortened and hashed")

        let up = try await Self.upQueueAndRules(config, session: session)
        #expect(up.isSuccess, "\(up.failed)")
        let observed = try await AWSPlatformObserver(session: session).observe(config)
        #expect(
            Set(observed.resources.filter { $0.id.kind == .eventRule }.map(\.id.name))
                == Set(Blueprint.interruptionEvents.map(\.key))
        )

        let blueprint = try EngineFixtures.blueprint(config)
        let down = try await Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })
            .down(
                teardown: TeardownPlan(stages: TeardownPlan(blueprint: blueprint).stages.filter { $0.name == "karpenter-aws" }),
                config: config,
                observed: observed,
                provider: AWSTeardownProvider(session: session, kube: nil),
                events: NullEventHandler()
            )
        #expect(down.isSuccess, "\(down.failed)")
        let left = try await session.eventBridge.listRules(namePrefix: "Karpenter-long-").map(\.name)
        #expect(left.filter { ruleNames.contains($0) } == [], "down leaves no rule behind")
    }

    @Test("tags changed or removed in platform.yaml are changed or removed on the rules (PutRule ignores them) and queue")
    func ruleTagsFollowPlatformYAML() async throws {
        // Its own emulator: tests on the shared one inject one-shot faults into the calls this test makes.
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let name = "tags-\(UUID().uuidString.prefix(8).lowercased())"
        var config = EngineFixtures.config(name: name, gitops: false)
        config.spec.tags = ["team": "platform", "cost-center": "42"]
        let first = try await Self.upQueueAndRules(config, session: session)
        #expect(first.isSuccess, "\(first.failed)")
        let rule = Blueprint.Names(cluster: name).eventRule("SpotInterrupt")
        #expect(try await Self.tags(ofRule: rule, session)["cost-center"] == "42")

        config.spec.tags = ["team": "infra"]
        let (_, plan) = try await Planner.plan(config, observer: AWSPlatformObserver(session: session))
        let ruleChange = try #require(plan.changes.first { $0.id == ResourceID(.eventRule, "SpotInterrupt") })
        #expect(ruleChange.action == .update)
        #expect(ruleChange.reasons == ["tags differ: team=platform, cost-center=42 → team=infra, cost-center (removed)"])
        let queueChange = try #require(plan.changes.first { $0.id == ResourceID(.sqsQueue, "interruption") })
        #expect(queueChange.reasons == ["tags differ: team=platform, cost-center=42 → team=infra, cost-center (removed)"])
        let second = try await Self.upQueueAndRules(config, session: session)
        #expect(second.isSuccess, "\(second.failed)")
        let tags = try await Self.tags(ofRule: rule, session)
        #expect(tags["team"] == "infra")
        #expect(tags["cost-center"] == nil)
        #expect(tags["eksplatform.io/cluster"] == name)
        let queueURL = try await session.sqs.getQueueUrl(queueName: Blueprint.Names(cluster: name).interruptionQueue)
        let queueTags = try await session.sqs.listQueueTags(queueUrl: queueURL)
        #expect(queueTags["team"] == "infra" && queueTags["cost-center"] == nil, "\(queueTags)")
        #expect(queueTags.keys.contains { $0.hasPrefix("eksplatform.io/applied/") }, "the rules' records stay")
        let (_, settled) = try await Planner.plan(config, observer: AWSPlatformObserver(session: session))
        #expect(settled.changes.filter { [.sqsQueue, .eventRule].contains($0.id.kind) && $0.action != .noop }.isEmpty)
    }
}
