import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// The control-plane log group on the AWS emulator, whose EKS creates `/aws/eks/<name>/cluster` without retention
/// when the platform has not made it first, and leaves it after the cluster is deleted.
@Suite("Engine: the control-plane log group on the AWS emulator")
struct LogGroupEmulatorTests {
    func up(
        _ config: PlatformConfig,
        session: AWSSession
    ) async throws -> (Blueprint, ExecutionSummary) {
        let observer = AWSPlatformObserver(session: session)
        let executor = Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })
        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        let summary = try await executor.up(
            plan: plan,
            blueprint: blueprint,
            observed: try await observer.observe(config),
            provider: AWSPlatformProvider(session: session),
            events: NullEventHandler()
        )
        return (blueprint, summary)
    }

    func down(_ config: PlatformConfig, blueprint: Blueprint, session: AWSSession) async throws -> ExecutionSummary {
        let executor = Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })
        return try await executor.down(
            teardown: TeardownPlan(blueprint: blueprint),
            config: config,
            observed: try await AWSPlatformObserver(session: session).observe(config),
            provider: AWSTeardownProvider(session: session, kube: nil),
            events: NullEventHandler()
        )
    }

    @Test("up makes /aws/eks/<name>/cluster with 90 days before the cluster (api, audit, authenticator); down deletes it")
    func logGroupLifecycle() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let config = EngineFixtures.config(name: "logs", gitops: false)
        let (blueprint, summary) = try await up(config, session: session)
        #expect(summary.isSuccess, "\(summary.failed)")
        guard summary.isSuccess else { return }

        let logs = session.cloudWatchLogs
        let group = try #require(try await logs.logGroup(named: "/aws/eks/logs/cluster"))
        #expect(group.retentionInDays == 90, "EKS would have made it without retention")
        let tags = try await logs.listTagsForResource(resourceARN: try #require(group.logGroupArn))
        #expect(tags["eksplatform.io/cluster"] == "logs" && tags["team"] == "platform")
        let cluster = try await session.eks.describeCluster(name: "logs")
        let enabled = (cluster.logging?.clusterLogging ?? []).filter { $0.enabled == true }.flatMap { $0.types ?? [] }
        #expect(enabled.sorted() == ["api", "audit", "authenticator"])

        // A retention changed outside platformctl is planned back.
        try await logs.putRetentionPolicy(logGroupName: "/aws/eks/logs/cluster", retentionInDays: 7)
        let (_, drift) = try await Planner.plan(config, observer: AWSPlatformObserver(session: session))
        let change = try #require(drift.changes.first { $0.id == ResourceID(.logGroup, "cluster") })
        #expect(change.action == .update)
        #expect(change.reasons == ["retentionInDays differs: 7 → 90"])

        let removed = try await down(config, blueprint: blueprint, session: session)
        #expect(removed.isSuccess, "\(removed.failed)")
        #expect(try await logs.describeLogGroups(namePrefix: "/aws/eks/logs/").isEmpty, "EKS leaves the group behind")
    }

    @Test("the group's record rides on CreateCluster: a settled plan skips its tags, a tag dropped from platform.yaml still goes")
    func recordOnTheCluster() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "logrec", interruptionQueue: false, gitops: false)
        config.spec.tags = ["team": "platform", "cost-center": "42"]
        let (_, summary) = try await up(config, session: session)
        #expect(summary.isSuccess, "\(summary.failed)")
        guard summary.isSuccess else { return }
        // The group's step ran before the cluster existed; the record is there all the same.
        let cluster = try await session.eks.describeCluster(name: "logrec")
        #expect(cluster.tags?["eksplatform.io/applied/logGroup/cluster"]?.isEmpty == false, "\(cluster.tags ?? [:])")
        let observed = try await AWSPlatformObserver(session: session).observe(config)
        let group = try #require(observed.resource(ResourceID(.logGroup, "cluster")))
        #expect(!group.tagsRead && group.record == .matched)
        #expect(group.properties[.retentionInDays] == "90", "retention is read on every plan")

        config.spec.tags = ["team": "platform"]
        let (_, plan) = try await Planner.plan(config, observer: AWSPlatformObserver(session: session))
        let change = try #require(plan.changes.first { $0.id == ResourceID(.logGroup, "cluster") })
        #expect(change.action == .update)
        #expect(change.reasons == ["tags differ: cost-center=42 → cost-center (removed)"])
        let (_, again) = try await up(config, session: session)
        #expect(again.isSuccess, "\(again.failed)")
        let arn = try #require(try await session.cloudWatchLogs.logGroup(named: "/aws/eks/logrec/cluster")?.logGroupArn)
        #expect(try await session.cloudWatchLogs.listTagsForResource(resourceARN: arn)["cost-center"] == nil)
        let (_, settled) = try await Planner.plan(config, observer: AWSPlatformObserver(session: session))
        #expect(settled.changes.first { $0.id == ResourceID(.logGroup, "cluster") }?.action == .noop)
    }

    @Test("keepOnDown leaves the group; the next up takes it over; retention and log types come from platform.yaml")
    func keptLogGroup() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "kept", interruptionQueue: false, gitops: false)
        config.spec.controlPlaneLogs.keepOnDown = true
        config.spec.controlPlaneLogs.retentionDays = 365
        config.spec.controlPlaneLogs.types = ["audit"]
        let (blueprint, summary) = try await up(config, session: session)
        #expect(summary.isSuccess, "\(summary.failed)")
        guard summary.isSuccess else { return }
        let cluster = try await session.eks.describeCluster(name: "kept")
        let enabled = (cluster.logging?.clusterLogging ?? []).filter { $0.enabled == true }.flatMap { $0.types ?? [] }
        #expect(enabled == ["audit"])
        #expect(!TeardownPlan(blueprint: blueprint).actions.contains(.deleteResource(ResourceID(.logGroup, "cluster"))))

        let removed = try await down(config, blueprint: blueprint, session: session)
        #expect(removed.isSuccess, "\(removed.failed)")
        let kept = try #require(try await session.cloudWatchLogs.logGroup(named: "/aws/eks/kept/cluster"))
        #expect(kept.retentionInDays == 365)

        let (_, again) = try await up(config, session: session)
        #expect(again.isSuccess, "\(again.failed)")
        let (_, settled) = try await Planner.plan(config, observer: AWSPlatformObserver(session: session))
        #expect(settled.changes.first { $0.id == ResourceID(.logGroup, "cluster") }?.action == .noop)
    }
}
