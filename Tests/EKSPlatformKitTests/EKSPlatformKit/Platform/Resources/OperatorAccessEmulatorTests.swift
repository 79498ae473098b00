import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// The identity running `up` must be able to use the cluster it creates: the cluster is made without EKS's creator
/// entry (`bootstrapClusterCreatorAdminPermissions: false`), so one missing from `access.admins` gets its own.
@Suite("Engine: access for the identity running up, on the AWS emulator")
struct OperatorAccessEmulatorTests {
    static let adminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

    @Test("an assumed-role caller missing from admins ends with an admin entry for its role ARN, path included")
    func callerMissingFromAdminsGetsAnEntry() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"#
            + #""Action":"sts:AssumeRole"}]}"#
        let role = try await session.iam.createRole(roleName: "OpsAdmin", assumeRolePolicyDocument: trust, path: "/team/")
        #expect(role.arn.hasSuffix(":role/team/OpsAdmin"))
        let assumed = try await session.sts.assumeRole(roleARN: role.arn, sessionName: "alice")
        let operatorSession = try AWSSession(
            emulator.sessionOptions(region: "us-west-2", credentials: assumed.credentials)
        )
        #expect(try await operatorSession.sts.getCallerIdentity().arn.hasSuffix(":assumed-role/OpsAdmin/alice"))

        let config = EngineFixtures.config(name: "ops", gitops: false)
        #expect(config.spec.access.admins == [.role("PlatformAdmin")])
        let engine = PlatformEngine(config: config, session: operatorSession, parallelism: 8)
        let planned = try await engine.plan()
        let entry = ResourceID(.accessEntry, Blueprint.operatorEntryName(role.arn))
        #expect(planned.plan.changes.first { $0.id == entry }?.action == .create)
        let summary = try await engine.apply(planned, events: NullEventHandler())
        #expect(summary.isSuccess, "\(summary.failed)")

        let entries = try await session.eks.listAccessEntries(clusterName: "ops")
        #expect(entries.contains(role.arn), "\(entries)")
        let policies = try await session.eks.listAssociatedAccessPolicies(clusterName: "ops", principalArn: role.arn)
        #expect(policies.map(\.policyArn) == [Self.adminPolicy])
        #expect(!(try await engine.plan().plan.hasChanges))

        // Someone else runs plan: they would get an entry of their own, and the first operator's is kept.
        let other = try await PlatformEngine(config: config, session: session, parallelism: 8).plan()
        let changes = other.plan.changes.filter { $0.action != .noop }.map { "\($0.action.rawValue) \($0.id)" }
        #expect(changes == ["create accessEntry/\(Blueprint.operatorEntryName("arn:aws:iam::123456789012:user/moto"))"])
        try await operatorSession.shutdown()
        try await session.shutdown()
    }

    @Test("admins cover the caller by role name or by ARN, with or without the role's path")
    func adminsCoverTheCaller() {
        let caller = "arn:aws:iam::111122223333:role/team/OpsAdmin"
        #expect(Blueprint.admins([.role("OpsAdmin")], cover: caller))
        #expect(Blueprint.admins([.arn(caller)], cover: caller))
        #expect(Blueprint.admins([.arn("arn:aws:iam::111122223333:role/OpsAdmin")], cover: caller))
        #expect(!Blueprint.admins([.role("PlatformAdmin")], cover: caller))
        #expect(!Blueprint.admins([], cover: "arn:aws:iam::111122223333:user/alice"))
        let blueprint = try? Blueprint(config: EngineFixtures.config(), zones: EngineFixtures.zones, callerARN: caller)
        #expect(blueprint?.resources.contains { $0.id.name.hasPrefix(Blueprint.operatorEntryPrefix) } == true)
        let covered = try? Blueprint(
            config: EngineFixtures.config(),
            zones: EngineFixtures.zones,
            callerARN: "arn:aws:iam::111122223333:role/PlatformAdmin"
        )
        #expect(covered?.resources.contains { $0.id.name.hasPrefix(Blueprint.operatorEntryPrefix) } == false)
    }
}
