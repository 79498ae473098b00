import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// EC2 Spot's service-linked role on the AWS emulator (which names it and refuses a second one as IAM does).
@Suite("Engine: the EC2 Spot service-linked role on the AWS emulator")
struct ServiceLinkedRoleEmulatorTests {
    @Test("spot in the NodePool's capacity types ensures AWSServiceRoleForEC2Spot; 'has been taken' is success; down keeps it")
    func spotServiceLinkedRole() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let observer = AWSPlatformObserver(session: session)
        var config = EngineFixtures.config(name: "spot", gitops: false)
        config.spec.karpenter.nodePool.capacityTypes = ["on-demand", "spot"]
        let id = ResourceID(.serviceLinkedRole, "spot")

        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        #expect(plan.changes.first { $0.id == id }?.action == .create)
        let executor = Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })
        func up(_ changes: [Plan.Change]) async throws -> ExecutionSummary {
            try await executor.up(
                plan: Plan(cluster: config.name, changes: changes),
                blueprint: blueprint,
                observed: try await observer.observe(config),
                provider: AWSPlatformProvider(session: session),
                events: NullEventHandler()
            )
        }
        let created = try await up(plan.changes.filter { $0.id == id })
        #expect(created.isSuccess, "\(created.failed)")
        let role = try await session.iam.getRole(roleName: "AWSServiceRoleForEC2Spot")
        #expect(role.path == "/aws-service-role/spot.amazonaws.com/")
        let (_, settled) = try await Planner.plan(config, observer: observer)
        #expect(settled.changes.first { $0.id == id }?.action == .noop)

        // A run that did not see the role (another tool made it meanwhile) is told the name "has been taken": done.
        let again = try await up([Plan.Change(id: id, action: .create, reasons: ["does not exist"])])
        #expect(again.isSuccess, "\(again.failed)")

        // Never the platform's to delete: not in the teardown, and not an orphan once spot is dropped.
        #expect(!TeardownPlan(blueprint: blueprint).actions.contains(.deleteResource(id)))
        var onDemand = config
        onDemand.spec.karpenter.nodePool.capacityTypes = ["on-demand"]
        let (_, dropped) = try await Planner.plan(onDemand, observer: observer)
        #expect(dropped.changes.contains { $0.id == id } == false)
        #expect(try await session.iam.getRole(roleName: "AWSServiceRoleForEC2Spot").roleName == "AWSServiceRoleForEC2Spot")
    }
}
