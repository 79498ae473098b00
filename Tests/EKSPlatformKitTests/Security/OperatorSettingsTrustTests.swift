import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// Issue 15 item 3: a `platform.yaml` in the current folder (a cloned repository, say) cannot choose which roles the
/// user's credentials go to, and a role in another account is never assumed without the user's say-so.
@Suite("Operator settings come from the user, foreign accounts are confirmed")
struct OperatorSettingsTrustTests {
    /// A folder holding a platform.yaml whose operator section names a role in someone else's account.
    static func hostileCheckout() throws -> URL {
        let folder = try URL(fileURLWithPath: makeTemporaryDirectory("cloned-repo"))
        try """
        apiVersion: eksplatform.io/v1alpha1
        kind: Platform
        metadata: { name: cloned }
        spec:
          region: us-west-2
        operator:
          profile: default
          roles: { admin: "arn:aws:iam::210987654321:role/Admin" }
        """.write(to: folder.appendingPathComponent("platform.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test("./platform.yaml is not read implicitly; the error names it")
    func currentFolderIsNotTrusted() throws {
        let folder = try Self.hostileCheckout()
        let home = try makeTemporaryDirectory("empty-home")
        #expect {
            _ = try OperatorSettingsLocator.locate(
                explicitPath: nil,
                environment: ["HOME": home],
                currentDirectory: folder.path
            )
        } throws: { error in
            guard let error = error as? AWSClientError, error.code == .malformedConfig else { return false }
            return error.message.contains("\(folder.path)/platform.yaml has an operator: section but is not read")
        }
        // Named explicitly, the same file is used.
        let named = try OperatorSettingsLocator.locate(
            explicitPath: folder.appendingPathComponent("platform.yaml").path,
            environment: ["HOME": home],
            currentDirectory: "/"
        )
        #expect(named.settings.roles["admin"] == "arn:aws:iam::210987654321:role/Admin")
        // The user's own operator file wins over the current folder.
        let userFile = URL(fileURLWithPath: home).appendingPathComponent(".config/platformctl/config.yaml")
        try FileManager.default.createDirectory(
            at: userFile.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try "operator:\n  profile: mine\n  roles: { admin: PlatformAdmin }\n".write(
            to: userFile,
            atomically: true,
            encoding: .utf8
        )
        let own = try OperatorSettingsLocator.locate(
            explicitPath: nil,
            environment: ["HOME": home],
            currentDirectory: folder.path
        )
        #expect(own.file == userFile.path)
        #expect(own.settings.roles["admin"] == "PlatformAdmin")
    }

    @Test(
        "a role in another account is refused without a terminal, shown unmasked, and allowed when trusted",
        .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
    )
    func foreignAccountNeedsConsent() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let fixture = try OperatorFixture(emulator: emulator, mfa: false)
        defer { fixture.remove() }
        // The user's own operator file, with one role in their account and one in another.
        try """
        operator:
          user:
            accessKeyID: "op://Private/aws-iam-user/access key id"
            secretAccessKey: "op://Private/aws-iam-user/secret access key"
          roles: { admin: PlatformAdmin, partner: "arn:aws:iam::210987654321:role/Admin" }
        """.write(to: fixture.config, atomically: true, encoding: .utf8)
        let own = try await CLI.run(
            ["credential-process", "admin", "--no-cache", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(own.status == 0, "\(own.stderr)")

        let refused = try await CLI.run(
            ["credential-process", "partner", "--no-cache", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(refused.status != 0)
        #expect(refused.stdout.isEmpty, "no credentials printed")
        #expect(refused.stderr.contains("account 210987654321"), "the foreign account is pointed out: \(refused.stderr)")
        #expect(refused.stderr.contains("--trust-account"))
        #expect(!refused.stderr.contains(AWSEmulator.accountID), "the caller's own account stays masked")

        let trusted = try await CLI.run(
            ["credential-process", "partner", "--no-cache", "--trust-account", "210987654321", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout.contains("\"AccessKeyId\""))
        var env = fixture.environment
        env["PLATFORMCTL_TRUSTED_ACCOUNTS"] = "111111111111, 210987654321"
        let viaEnvironment = try await CLI.run(
            ["shell", "partner", "--config", fixture.config.path, "--", "true"],
            environment: env
        )
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")

        let garbled = try await CLI.run(
            ["credential-process", "partner", "--trust-account", "2109", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(garbled.status != 0)
        #expect(garbled.stderr.contains("not a 12-digit AWS account id"))
    }
}
