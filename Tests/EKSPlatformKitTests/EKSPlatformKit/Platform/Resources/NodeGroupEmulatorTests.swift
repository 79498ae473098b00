import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// The system node group's taint and labels changed in platform.yaml, on the AWS emulator (whose
/// `UpdateNodegroupConfig` only adds or updates what `addOrUpdate*` names and only removes what `remove*` names).
@Suite("Engine: node group updates on the AWS emulator")
struct NodeGroupEmulatorTests {
    @Test("a new taint key replaces the old taint, and a dropped label is removed")
    func taintKeyAndLabelChangesReplaceTheOldOnes() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "taints", gitops: false)
        let first = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        let created = try await PlatformEngine(config: config, session: session, parallelism: 8)
            .apply(first, events: NullEventHandler())
        #expect(created.isSuccess, "\(created.failed)")

        config.spec.systemNodeGroup.taint = SystemTaint(key: "dedicated", value: "system", effect: .noSchedule)
        config.spec.systemNodeGroup.labels = ["role": "system"]
        let engine = PlatformEngine(config: config, session: session, parallelism: 8)
        let planned = try await engine.plan()
        let change = try #require(planned.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") })
        #expect(change.action == .update, "\(change.reasons)")
        let updated = try await engine.apply(planned, events: NullEventHandler())
        #expect(updated.isSuccess, "\(updated.failed)")

        let group = try await session.eks.describeNodegroup(clusterName: "taints", nodegroupName: "system")
        #expect(group.taints == [EKSTaint(key: "dedicated", value: "system", effect: "NO_SCHEDULE")])
        #expect(group.labels == ["role": "system"])
        let settled = try await engine.plan()
        #expect(settled.plan.changes.first { $0.id == ResourceID(.nodeGroup, "system") }?.action == .noop)
        try await session.shutdown()
    }
}
