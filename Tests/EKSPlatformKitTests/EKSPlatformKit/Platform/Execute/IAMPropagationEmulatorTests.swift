import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Synchronization
import Testing

/// `up` while IAM is still propagating the roles it just made, on the AWS emulator (`iamPropagationRequests`: the
/// next N EKS creates naming a role IAM just changed are refused with EKS's own messages).
@Suite("Engine: waiting for IAM propagation on the AWS emulator", .serialized)
struct IAMPropagationEmulatorTests {
    /// Total time the steps slept (the sleeper is injected, so no test waits for real).
    final class SleepLog: Sendable {
        private let total = Mutex<Duration>(.zero)
        var slept: Duration { total.withLock { $0 } }
        func sleep(_ duration: Duration) async throws {
            total.withLock { $0 += duration }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    static func up(
        _ config: PlatformConfig,
        session: AWSSession,
        sleeps: SleepLog,
        events: any EventHandler
    ) async throws -> ExecutionSummary {
        let observer = AWSPlatformObserver(session: session)
        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        return try await Executor(runner: GraphRunner(maxConcurrency: 8) { try await sleeps.sleep($0) })
            .up(
                plan: plan,
                blueprint: blueprint,
                observed: try await observer.observe(config),
                provider: AWSPlatformProvider(session: session),
                events: events
            )
    }

    /// The HTTP status of each logged request for `operation`.
    static func statuses(_ emulator: AWSEmulator, _ operation: String) async throws -> [Int] {
        let text = try await emulator.get("/_emulator/requests")
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let entries = object?["requests"] as? [[String: Any]] ?? []
        return entries.filter { $0["operation"] as? String == operation }.compactMap { $0["status"] as? Int }
    }

    @Test("creates refused while the new roles propagate are retried, reported as waiting for IAM, and succeed")
    func refusedCreatesAreRetried() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        _ = try await emulator.post("/_emulator/config", body: #"{"iamPropagationRequests":2}"#)
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let config = EngineFixtures.config(name: "iam", gitops: false)
        let events = RecordingEvents()
        let summary = try await Self.up(config, session: session, sleeps: SleepLog(), events: events)
        #expect(summary.isSuccess, "\(summary.failed)")

        #expect(try await Self.statuses(emulator, "CreateCluster") == [400, 400, 200])
        #expect(try await Self.statuses(emulator, "CreateNodegroup") == [400, 400, 200])
        #expect(try await Self.statuses(emulator, "CreatePodIdentityAssociation") == [400, 400, 200])
        let waits = events.events.compactMap { event -> String? in
            if case .waiting(_, let on, let status) = event { return "\(on): \(status)" } else { return nil }
        }
        let names = Blueprint.Names(cluster: "iam")
        #expect(waits.contains { $0.hasPrefix("IAM to propagate role \(names.clusterRole): roleArn") })
        #expect(waits.contains { $0.hasPrefix("IAM to propagate role \(names.karpenterControllerRole): Role provided") })
        #expect(!waits.contains { $0.contains("123456789012") }, "the account id stays out of progress: \(waits)")
        try await session.shutdown()
    }

    @Test("after the bound, one error names the role and what to check; the account id stays out")
    func boundedThenOneClearError() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        _ = try await emulator.post("/_emulator/config", body: #"{"iamPropagationRequests":1000}"#)
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let config = EngineFixtures.config(name: "stuck", gitops: false)
        let sleeps = SleepLog()
        let summary = try await Self.up(config, session: session, sleeps: sleeps, events: NullEventHandler())
        let failure = try #require(summary.failed.first { $0.id == "create cluster/main" }, "\(summary.failed)")
        let role = Blueprint.Names(cluster: "stuck").clusterRole
        #expect(failure.message.contains("CreateCluster still refused IAM role \(role) after waiting"), "\(failure.message)")
        #expect(failure.message.contains("trust policy"))
        #expect(!failure.message.contains("123456789012"), "\(failure.message)")
        let attempts = try await Self.statuses(emulator, "CreateCluster")
        #expect(attempts.count > 3 && attempts.allSatisfy { $0 == 400 })
        #expect(sleeps.slept >= IAMPropagation.bound && sleeps.slept < IAMPropagation.bound + .seconds(60))
        try await session.shutdown()
    }
}
