import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

@Suite(
    "platformctl token",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct TokenCommandTests {
    static let keys = ["AWS_ACCESS_KEY_ID": "AKIATOKENCLITEST0001", "AWS_SECRET_ACCESS_KEY": "token-cli-secret-value"]

    static func parse(_ stdout: String) throws -> (apiVersion: String, token: String, expiration: String) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "ExecCredential")
        let status = try #require(object["status"] as? [String: Any])
        return (
            object["apiVersion"] as? String ?? "", status["token"] as? String ?? "",
            status["expirationTimestamp"] as? String ?? ""
        )
    }

    @Test func coldThenWarmFromTheCache() async throws {
        let cacheHome = try makeTemporaryDirectory("cli-cache")
        var env = Self.keys
        env["XDG_CACHE_HOME"] = cacheHome
        let cold = try await CLI.run(["token", "--cluster-name", "demo", "--region", "us-west-2"], environment: env)
        #expect(cold.status == 0, "\(cold.stderr)")
        #expect(cold.stderr.isEmpty, "\(cold.stderr)")
        let first = try Self.parse(cold.stdout)
        #expect(first.apiVersion == ExecCredential.v1beta1)
        #expect(AuthenticatorTokenVerifier.verify(first.token, clusterID: "demo", now: Date()) == nil)
        #expect(!cold.stdout.contains("token-cli-secret-value"))
        let files = try FileManager.default.contentsOfDirectory(atPath: cacheHome + "/platformctl/tokens")
        try #require(files.count == 1)
        #expect(try permissions(cacheHome + "/platformctl/tokens/" + files[0]) == 0o600)

        env["KUBERNETES_EXEC_INFO"] =
            #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#
        let warm = try await CLI.run(["token", "--cluster-name", "demo", "--region", "us-west-2"], environment: env)
        #expect(warm.status == 0, "\(warm.stderr)")
        let second = try Self.parse(warm.stdout)
        #expect(second.token == first.token && second.expiration == first.expiration)
        #expect(second.apiVersion == ExecCredential.v1)

        // Another cluster is another cache entry.
        let other = try await CLI.run(["token", "--cluster-name", "other", "--region", "us-west-2"], environment: env)
        #expect(try Self.parse(other.stdout).token != first.token)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cacheHome + "/platformctl/tokens").count == 2)

        env["KUBERNETES_EXEC_INFO"] = #"{"apiVersion":"client.authentication.k8s.io/v9"}"#
        let unknown = try await CLI.run(["token", "--cluster-name", "demo", "--region", "us-west-2"], environment: env)
        #expect(try Self.parse(unknown.stdout).apiVersion == ExecCredential.v1beta1)
        #expect(unknown.stderr.contains("unrecognised apiVersion"))
        #expect(!unknown.stderr.contains("k8s-aws-v1."))
    }

    @Test func corruptAndLooseCacheFilesAreReplacedWithAWarning() async throws {
        let cacheHome = try makeTemporaryDirectory("cli-bad-cache")
        var env = Self.keys
        env["XDG_CACHE_HOME"] = cacheHome
        let args = ["token", "--cluster-name", "demo", "--region", "us-west-2"]
        let first = try await CLI.run(args, environment: env)
        #expect(first.status == 0)
        let directory = cacheHome + "/platformctl/tokens"
        let file = directory + "/" + (try FileManager.default.contentsOfDirectory(atPath: directory).first ?? "")
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: file))
        let corrupt = try await CLI.run(args, environment: env)
        #expect(corrupt.status == 0)
        #expect(corrupt.stderr.contains("corrupt token cache file"))
        #expect(try Self.parse(corrupt.stdout).token.hasPrefix("k8s-aws-v1."))
        #expect(try permissions(file) == 0o600)
        let again = try await CLI.run(args, environment: env)
        #expect(again.stderr.isEmpty, "rewritten file is used without warnings: \(again.stderr)")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let loose = try await CLI.run(args, environment: env)
        #expect(loose.status == 0)
        #expect(loose.stderr.contains("permissions are 644"))
        #expect(try permissions(file) == 0o600)
        #expect(!loose.stderr.contains("k8s-aws-v1."))
    }

    @Test func roleARNAssumesTheRoleFirst() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        var env = Self.keys
        env["XDG_CACHE_HOME"] = try makeTemporaryDirectory("cli-role")
        let result = try await CLI.run(
            [
                "token", "--cluster-name", "demo", "--region", "us-west-2", "--endpoint-url",
                emulator.endpoint.absoluteString, "--role-arn", "arn:aws:iam::\(AWSEmulator.accountID):role/eks-admin",
            ],
            environment: env
        )
        #expect(result.status == 0, "\(result.stderr)")
        let token = try Self.parse(result.stdout).token
        #expect(AuthenticatorTokenVerifier.verify(token, clusterID: "demo", now: Date()) == nil)
        let url = String(decoding: EKSToken.decodeBase64URL(String(token.dropFirst(11))) ?? [], as: UTF8.self)
        // Signed with the role's temporary credentials, not the user's keys.
        #expect(url.contains("X-Amz-Security-Token="))
        #expect(!url.contains("AKIATOKENCLITEST0001"))
        #expect(!result.stderr.contains(AWSEmulator.accountID))
    }

    /// `platformctl kubeconfig` writes a role in the caller's own account by name; the token command turns it back
    /// into the ARN with one GetCallerIdentity and then assumes it.
    @Test func roleNameResolvesInTheCallersAccount() async throws {
        // Its own emulator: the request log must hold this test's calls only.
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        var env = Self.keys
        env["XDG_CACHE_HOME"] = try makeTemporaryDirectory("cli-role-name")
        let result = try await CLI.run(
            [
                "token", "--cluster-name", "demo", "--region", "us-west-2", "--endpoint-url",
                emulator.endpoint.absoluteString, "--role-arn", "team/eks-admin",
            ],
            environment: env
        )
        #expect(result.status == 0, "\(result.stderr)")
        let url = String(
            decoding: EKSToken.decodeBase64URL(String(try Self.parse(result.stdout).token.dropFirst(11))) ?? [],
            as: UTF8.self
        )
        #expect(url.contains("X-Amz-Security-Token="))
        #expect(try await EngineEmulatorTests.operations(emulator) == ["GetCallerIdentity", "AssumeRole"])
    }

    @Test func badInputFailsClearly() async throws {
        let noRegion = try await CLI.run(["token", "--cluster-name", "demo", "--no-cache"], environment: Self.keys)
        #expect(noRegion.status != 0)
        #expect(noRegion.stderr.contains("no AWS region configured"))
        let noKeys = try await CLI.run(["token", "--cluster-name", "demo", "--region", "us-west-2", "--no-cache"])
        #expect(noKeys.status != 0)
        #expect(noKeys.stderr.contains("no AWS credentials found"))
        #expect(noKeys.stdout.isEmpty)
        let badRole = try await CLI.run(
            ["token", "--cluster-name", "demo", "--region", "us-west-2", "--no-cache", "--role-arn", "eks admin!"],
            environment: Self.keys
        )
        #expect(badRole.status != 0)
        #expect(badRole.stderr.contains("neither an IAM role ARN"))
    }
}
