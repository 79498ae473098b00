import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

@Suite(
    "Nothing secret leaks",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct LeakTests {
    /// Examples/platform.yaml without the gitops section (no cluster phase), with its operator section intact.
    static func platformWithoutGitOps() throws -> String {
        let example = try String(
            contentsOf: PackagePaths.root.appendingPathComponent("Examples/platform.yaml"),
            encoding: .utf8
        )
        var lines: [Substring] = []
        var skipping = false
        for line in example.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  gitops:") { skipping = true; continue }
            if skipping, line.hasPrefix("    ") { continue }
            skipping = false
            lines.append(line)
        }
        return lines.joined(separator: "\n").replacingOccurrences(of: "name: demo ", with: "name: leakcheck ")
    }

    @Test("whoami, plan, up, status, token, kubeconfig, shell and down with debug logging print no secret")
    func noSecretsAnywhere() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let fixture = try OperatorFixture(emulator: emulator)
        defer { fixture.remove() }
        let config = fixture.home.appendingPathComponent("platform.yaml")
        try Self.platformWithoutGitOps().write(to: config, atomically: true, encoding: .utf8)
        let kubeconfig = fixture.home.appendingPathComponent("kubeconfig")
        var env = fixture.environment
        env["PLATFORMCTL_LOG_LEVEL"] = "debug"
        env["KUBECONFIG"] = kubeconfig.path
        let c = ["--config", config.path]
        let runs: [[String]] = [
            ["whoami", "--role", "admin"] + c,
            ["plan", "--role", "admin"] + c,
            ["up", "--yes", "--role", "admin"] + c,
            ["status", "--role", "admin"] + c,
            ["token", "--cluster-name", "leakcheck", "--role", "admin"] + c,
            ["kubeconfig", "--cluster-name", "leakcheck", "--role", "admin"] + c,
            ["shell", "admin"] + c + ["--", "true"],
            ["down", "--yes", "--role", "admin"] + c,
        ]
        var captured = ""
        for arguments in runs {
            let run = try await CLI.run(arguments, environment: env)
            #expect(run.status == 0, "\(arguments[0]) failed: \(run.stderr.suffix(800))")
            captured += "\n# \(arguments[0])\n" + run.stdout + run.stderr
        }
        captured += try String(contentsOf: kubeconfig, encoding: .utf8)
        #expect(captured.contains("\"token\":\"k8s-aws-v1."), "the token command printed its ExecCredential")
        #expect(captured.contains("attempt 1: HTTP 200"), "debug logging was on")
        #expect(captured.contains("context leakcheck.us-west-2") || captured.contains("leakcheck.us-west-2"))
        // What must never appear: the account id, the user's keys, and the temporary credentials (read from the
        // role-credential cache the runs shared).
        var secrets = [AWSEmulator.accountID, "AKIAOPERATORUSER0001", "op-secret-value-123456"]
        let cacheDirectory = fixture.home.appendingPathComponent(".cache/platformctl/credentials")
        for file in try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path) {
            let entry = try JSONDecoder().decode(
                CredentialProcess.Output.self,
                from: Data(contentsOf: cacheDirectory.appendingPathComponent(file))
            )
            secrets += [entry.AccessKeyId, entry.SecretAccessKey] + (entry.SessionToken.map { [$0] } ?? [])
        }
        #expect(secrets.count >= 6)
        for secret in secrets {
            #expect(!captured.contains(secret), "leaked: \(secret.prefix(6))…")
        }
        // --show-account-id reveals the account id, and only that.
        let revealed = try await CLI.run(["whoami", "--role", "admin", "--show-account-id"] + c, environment: env)
        #expect(revealed.stdout.contains(AWSEmulator.accountID))
        for secret in secrets.dropFirst() { #expect(!(revealed.stdout + revealed.stderr).contains(secret)) }
    }
}
