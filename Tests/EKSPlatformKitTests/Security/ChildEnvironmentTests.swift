import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSPlatformKit

/// Issue 15, item 10: `op` and `credential_process` get an allow-listed environment, never the AWS credentials or
/// other secrets of the parent.
@Suite("Security: child processes get an allow-list, not the whole environment", .serialized)
struct ChildEnvironmentTests {
    static let parent: [String: String] = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/root",
        "AWS_ACCESS_KEY_ID": "AKIAPARENTKEY0000001", "AWS_SECRET_ACCESS_KEY": "parent-secret-key",
        "AWS_SESSION_TOKEN": "parent-session-token", "OP_ACCOUNT": "acme.1password.com",
        "OP_SERVICE_ACCOUNT_TOKEN": "ops_parent", "GITHUB_TOKEN": "ghp_parent", "AWS_REGION": "us-west-2",
    ]

    @Test("op sees PATH, HOME and its OP_ variables; no AWS credentials, no other tokens")
    func onePassword() async throws {
        let fake = try FakeOnePassword(values: ["op://Private/item/field": "value-1234567890"])
        defer { fake.remove() }
        var environment = Self.parent
        environment["PATH"] = fake.path(after: environment["PATH"])
        _ = try await OnePasswordCLI(environment: environment, redactor: Redactor()).read("op://Private/item/field")
        let seen = Set(try #require(fake.environments().first))
        #expect(seen.isSuperset(of: ["PATH", "HOME", "OP_ACCOUNT", "OP_SERVICE_ACCOUNT_TOKEN"]), "\(seen)")
        for secret in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN", "AWS_REGION"] {
            #expect(!seen.contains(secret), "op saw \(secret)")
        }
    }

    @Test("credential_process sees the AWS settings but no AWS credentials and no unrelated tokens")
    func credentialProcess() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dump = directory.appendingPathComponent("env.txt").path
        let script = directory.appendingPathComponent("creds.sh").path
        try """
        #!/bin/sh
        env | cut -d= -f1 | sort > \(dump)
        echo '{"Version": 1, "AccessKeyId": "AKIACHILDENV00000001", "SecretAccessKey": "child-secret"}'
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        var environment = Self.parent
        environment["AWS_ACCESS_KEY_ID"] = nil  // so the chain reaches the profile; the token stays in the parent
        environment["AWS_SECRET_ACCESS_KEY"] = nil
        environment["AWS_PROFILE"] = "child"
        let credentials = try await CredentialProcess.run(script, environment: environment)
        #expect(credentials.accessKeyID == "AKIACHILDENV00000001")
        let seen = Set(try String(contentsOfFile: dump, encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(seen.isSuperset(of: ["PATH", "HOME", "AWS_REGION", "AWS_PROFILE"]), "\(seen)")
        for secret in ["AWS_SESSION_TOKEN", "OP_SERVICE_ACCOUNT_TOKEN", "GITHUB_TOKEN", "OP_ACCOUNT"] {
            #expect(!seen.contains(secret), "credential_process saw \(secret)")
        }
    }
}
