import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// `down`'s sweeps of what Karpenter leaves behind, against the AWS emulator (which answers as AWS does where moto
/// would be kinder: `ListInstanceProfiles` returns no tags).
@Suite("Engine: teardown sweeps on the AWS emulator")
struct SweepEmulatorTests {
    @Test("the instance-profile sweep finds Karpenter's profile by its tag, which only GetInstanceProfile returns")
    func instanceProfileSweepReadsTags() async throws {
        // Its own emulator: tests on the shared one inject one-shot faults into the calls this test makes.
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let cluster = "sweep-\(UUID().uuidString.prefix(8).lowercased())"
        let iam = session.iam
        let role = "\(cluster)-karpenter-node"
        _ = try await iam.createRole(
            roleName: role,
            assumeRolePolicyDocument: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
                + #""Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        )
        let karpenters = "\(cluster)_1234567890"
        let someoneElses = "\(cluster)-other"
        _ = try await iam.createInstanceProfile(
            instanceProfileName: karpenters,
            tags: [IAMTag(key: "kubernetes.io/cluster/\(cluster)", value: "owned")]
        )
        try await iam.addRoleToInstanceProfile(instanceProfileName: karpenters, roleName: role)
        _ = try await iam.createInstanceProfile(instanceProfileName: someoneElses, tags: [IAMTag(key: "team", value: "a")])
        let listed = try await iam.listInstanceProfiles().first { $0.instanceProfileName == karpenters }
        #expect(listed?.tags == [], "the emulator lists profiles without tags, as IAM does")

        let config = EngineFixtures.config(name: cluster, gitops: false)
        let teardown = TeardownPlan(
            stages: TeardownPlan(blueprint: try EngineFixtures.blueprint(config)).stages
                .filter { $0.name == "sweep-compute" }
        )
        let down = try await Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })
            .down(
                teardown: teardown,
                config: config,
                observed: ObservedState(
                    context: EngineFixtures.context,
                    availableZones: EngineFixtures.zones,
                    resources: [],
                    clusterEndpoint: nil
                ),
                provider: AWSTeardownProvider(session: session, kube: nil),
                events: NullEventHandler()
            )
        #expect(down.isSuccess, "\(down.failed)")
        let left = try await iam.listInstanceProfiles().map(\.instanceProfileName)
        #expect(!left.contains(karpenters), "Karpenter's profile is swept")
        #expect(left.contains(someoneElses), "a profile without the cluster tag is left alone")
        try await iam.deleteInstanceProfile(instanceProfileName: someoneElses)
        try await iam.deleteRole(roleName: role)
    }
}
