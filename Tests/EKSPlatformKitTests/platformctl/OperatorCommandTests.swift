import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// An operator set-up on disk: a fake `op`, a config file, a HOME, and the environment to run platformctl with.
struct OperatorFixture {
    let fake: FakeOnePassword
    let home: URL
    let config: URL
    let environment: [String: String]

    init(emulator: AWSEmulator, mfa: Bool = true) throws {
        fake = try FakeOnePassword(values: [
            "op://Private/aws-iam-user/access key id": "AKIAOPERATORUSER0001",
            "op://Private/aws-iam-user/secret access key": "op-secret-value-123456",
            "op://Private/aws-iam-user/mfa serial": "arn:aws:iam::123456789012:mfa/operator",
        ])
        home = FileManager.default.temporaryDirectory.appendingPathComponent("op-home-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        config = home.appendingPathComponent("operator.yaml")
        try """
        operator:
          user:
            accessKeyID: "op://Private/aws-iam-user/access key id"
            secretAccessKey: "op://Private/aws-iam-user/secret access key"
        \(mfa ? """
                mfaSerial: "op://Private/aws-iam-user/mfa serial"
                totp: "op://Private/aws-iam-user/one-time password?attribute=otp"
            """ : "")
          roles: { admin: PlatformAdmin, readonly: PlatformReadOnly }
          sessionDuration: 1h
        """.write(to: config, atomically: true, encoding: .utf8)
        environment = [
            "PATH": fake.path(), "HOME": home.path, "SHELL": "/bin/sh", "AWS_ENDPOINT_URL": emulator.endpoint.absoluteString,
            "AWS_REGION": "us-west-2", "AWS_PROFILE": "should-be-removed", "KEEP_ME": "kept value",
        ]
    }

    func remove() {
        fake.remove()
        try? FileManager.default.removeItem(at: home)
    }

    static func parseEnv(_ text: String) -> [String: String] {
        var env: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            env[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return env
    }
}

@Suite(
    "platformctl shell and credential-process",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct OperatorCommandTests {
    @Test("the shell gets exactly the expected environment; MFA from 1Password; expiry printed")
    func shellEnvironment() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let fixture = try OperatorFixture(emulator: emulator)
        defer { fixture.remove() }
        let run = try await CLI.run(
            ["shell", "admin", "--config", fixture.config.path, "--", "env"],
            environment: fixture.environment
        )
        #expect(run.status == 0, "\(run.stderr)")
        let env = OperatorFixture.parseEnv(run.stdout)
        var expected = fixture.environment
        expected.removeValue(forKey: "AWS_PROFILE")
        // AWS_EC2_METADATA_DISABLED comes from CLI.run's base environment (and passes through, like KEEP_ME).
        let added = Set(env.keys).subtracting(expected.keys).subtracting(["AWS_EC2_METADATA_DISABLED"])
        #expect(
            added == [
                "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION",
                "AWS_CREDENTIAL_EXPIRATION", "PLATFORMCTL_ROLE",
            ]
        )
        for (key, value) in expected where key != "AWS_REGION" { #expect(env[key] == value, "\(key)") }
        #expect(env["AWS_PROFILE"] == nil)
        #expect(env["AWS_ACCESS_KEY_ID"]?.hasPrefix("ASIA") == true)
        #expect(env["AWS_REGION"] == "us-west-2" && env["AWS_DEFAULT_REGION"] == "us-west-2")
        #expect(env["PLATFORMCTL_ROLE"] == "admin")
        let expiry = try #require(env["AWS_CREDENTIAL_EXPIRATION"].flatMap(ISO8601.parse))
        #expect(abs(expiry.timeIntervalSinceNow - 3600) < 120)
        #expect(run.stderr.contains("platformctl: role admin (arn:aws:iam::************:role/PlatformAdmin)"))
        #expect(run.stderr.contains("in 59m") || run.stderr.contains("in 1h"))
        #expect(!run.stderr.contains("123456789012") && !run.stderr.contains("op-secret-value"))
        let calls = try fixture.fake.calls().map { $0.last ?? "" }
        #expect(
            calls == [
                "op://Private/aws-iam-user/access key id", "op://Private/aws-iam-user/secret access key",
                "op://Private/aws-iam-user/mfa serial", "op://Private/aws-iam-user/one-time password?attribute=otp",
            ]
        )
        // The session really acts as the role.
        let whoami = try await CLI.run(
            ["shell", "readonly", "--config", fixture.config.path, "--duration", "30m", "--", CLI.binary, "whoami"],
            environment: fixture.environment
        )
        #expect(whoami.stdout.contains(":assumed-role/PlatformReadOnly/platformctl-"), "\(whoami.stderr)")
    }

    @Test("exit status is the child's; nesting is refused unless --force")
    func exitStatusAndNesting() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let fixture = try OperatorFixture(emulator: emulator, mfa: false)
        defer { fixture.remove() }
        let failing = try await CLI.run(
            ["shell", "admin", "--config", fixture.config.path, "--", "sh", "-c", "exit 7"],
            environment: fixture.environment
        )
        #expect(failing.status == 7)
        var nested = fixture.environment
        nested["PLATFORMCTL_ROLE"] = "readonly"
        let refused = try await CLI.run(["shell", "admin", "--config", fixture.config.path, "--", "true"], environment: nested)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("already inside a platformctl shell for role \"readonly\""))
        #expect(try fixture.fake.calls().count == 2, "a refused shell reads nothing from 1Password")
        let forced = try await CLI.run(
            ["shell", "admin", "--force", "--config", fixture.config.path, "--", "sh", "-c", "echo $PLATFORMCTL_ROLE"],
            environment: nested
        )
        #expect(forced.status == 0 && forced.stdout == "admin\n")
    }

    @Test("1Password failures give their message and a non-zero exit")
    func failures() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let fixture = try OperatorFixture(emulator: emulator)
        defer { fixture.remove() }
        var signedOut = fixture.environment
        signedOut["OP_FAKE_MODE"] = "signed-out"
        let run = try await CLI.run(["shell", "admin", "--config", fixture.config.path, "--", "true"], environment: signedOut)
        #expect(run.status != 0)
        #expect(run.stderr.contains("1Password: not signed in"))
        var noOp = fixture.environment
        noOp["PATH"] = "/usr/bin:/bin"
        let missing = try await CLI.run(["credential-process", "admin", "--config", fixture.config.path], environment: noOp)
        #expect(missing.status != 0 && missing.stdout.isEmpty)
        #expect(missing.stderr.contains("the 1Password CLI `op` is not installed"))
        let unknownRole = try await CLI.run(
            ["credential-process", "root!", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(unknownRole.stderr.contains("unknown role \"root!\"; use one of the configured roles (admin, readonly)"))
    }

    @Test("credential-process prints the AWS JSON contract and caches it 0600 until near expiry")
    func credentialProcess() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let fixture = try OperatorFixture(emulator: emulator)
        defer { fixture.remove() }
        let first = try await CLI.run(
            ["credential-process", "admin", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(first.status == 0, "\(first.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(object["Version"] as? Int == 1)
        #expect((object["AccessKeyId"] as? String)?.hasPrefix("ASIA") == true)
        #expect(object["SecretAccessKey"] is String && object["SessionToken"] is String)
        #expect((object["Expiration"] as? String).flatMap(ISO8601.parse) != nil)
        let cacheDir = fixture.home.appendingPathComponent(".cache/platformctl/credentials")
        let files = try FileManager.default.contentsOfDirectory(atPath: cacheDir.path).filter { $0.hasSuffix(".json") }
        #expect(files.count == 1)
        let cacheFile = cacheDir.appendingPathComponent(files[0]).path
        let mode = try FileManager.default.attributesOfItem(atPath: cacheFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let opCalls = try fixture.fake.calls().count
        let second = try await CLI.run(
            ["credential-process", "admin", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(second.stdout == first.stdout, "served from the cache")
        #expect(try fixture.fake.calls().count == opCalls, "no 1Password or STS work on a cache hit")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: cacheFile)
        let loose = try await CLI.run(
            ["credential-process", "admin", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(loose.stderr.contains("permissions are 644 (want 600)"))
        #expect(loose.stdout != first.stdout, "fresh credentials after ignoring the loose file")
        #expect(try FileManager.default.attributesOfItem(atPath: cacheFile)[.posixPermissions] as? Int == 0o600)
        let uncached = try await CLI.run(
            ["credential-process", "admin", "--no-cache", "--config", fixture.config.path],
            environment: fixture.environment
        )
        #expect(uncached.stdout != loose.stdout)
    }

    @Test(
        "botocore's process provider accepts it",
        .enabled(if: botocoreAvailable(), "python3 with botocore is needed")
    )
    func botocoreAcceptsIt() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let fixture = try OperatorFixture(emulator: emulator)
        defer { fixture.remove() }
        let awsConfig = fixture.home.appendingPathComponent("aws-config")
        try """
        [profile platform-admin]
        region = us-west-2
        credential_process = \(CLI.binary) credential-process admin --no-cache --config \(fixture.config.path)
        """.write(to: awsConfig, atomically: true, encoding: .utf8)
        let script = """
            import boto3, os
            session = boto3.Session(profile_name="platform-admin")
            creds = session.get_credentials()
            assert creds.method == "custom-process", creds.method
            sts = session.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
            print(sts.get_caller_identity()["Arn"])
            """
        var env = fixture.environment
        env.removeValue(forKey: "AWS_PROFILE")
        env["AWS_CONFIG_FILE"] = awsConfig.path
        env["AWS_SHARED_CREDENTIALS_FILE"] = fixture.home.appendingPathComponent("none").path
        let result = try await Subprocess.run(["python3", "-c", script], environment: env)
        let out = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        #expect(out.contains(":assumed-role/PlatformAdmin/platformctl-"))
    }
}
