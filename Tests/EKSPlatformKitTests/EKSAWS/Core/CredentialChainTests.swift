import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// A temporary HOME with `.aws/config` and `.aws/credentials`.
struct TemporaryHome {
    let url: URL

    init(config: String? = nil, credentials: String? = nil) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        if let config { try config.write(to: url.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8) }
        if let credentials {
            try credentials.write(to: url.appendingPathComponent(".aws/credentials"), atomically: true, encoding: .utf8)
        }
    }

    /// Writes an executable script into the home and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// HOME and PATH only, and no instance role from the machine the tests run on.
    var environment: [String: String] {
        [
            "HOME": url.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite("Credential chain")
struct CredentialChainTests {
    /// Resolves credentials through a session, as the CLI does.
    func resolve(
        _ environment: [String: String],
        profile: String? = nil,
        emulator: AWSEmulator? = nil,
        mfa: MFATokenProvider? = nil
    ) async throws -> AWSCredentials {
        let session = try AWSSession(
            AWSSessionOptions(
                profile: profile,
                region: "us-west-2",
                endpointURL: emulator?.endpoint,
                environment: environment,
                mfaTokenProvider: mfa,
                sleeper: { _ in }
            )
        )
        defer { Task { try? await session.shutdown() } }
        return try await session.credentials.credentials()
    }

    @Test("environment variables win over the default profile")
    func environmentFirst() async throws {
        let home = try TemporaryHome(
            credentials: "[default]\naws_access_key_id = AKIAFROMFILE00000001\naws_secret_access_key = file\n"
        )
        defer { home.remove() }
        var env = home.environment
        #expect(try await resolve(env).accessKeyID == "AKIAFROMFILE00000001")
        env["AWS_ACCESS_KEY_ID"] = "AKIAFROMENV000000001"
        env["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        env["AWS_SESSION_TOKEN"] = "env-token"
        let fromEnv = try await resolve(env)
        #expect(fromEnv.accessKeyID == "AKIAFROMENV000000001" && fromEnv.sessionToken == "env-token")
        #expect(fromEnv.source == "environment")
    }

    @Test("[profile x] in config, [x] in credentials; credentials file wins; AWS_PROFILE selects")
    func profileSections() async throws {
        let home = try TemporaryHome(
            config: """
                [profile dev]
                region = eu-west-1
                aws_access_key_id = AKIACONFIGDEV0000001
                aws_secret_access_key = config-secret
                # a comment
                [dev]
                aws_access_key_id = AKIAIGNOREDSECTION01
                """,
            credentials: """
                ; credentials file
                [dev]
                aws_access_key_id = AKIACREDSDEV00000001
                aws_secret_access_key = creds-secret
                [other]
                aws_access_key_id=AKIAOTHER00000000001
                aws_secret_access_key=other   # inline comment
                """
        )
        defer { home.remove() }
        var env = home.environment
        env["AWS_PROFILE"] = "dev"
        #expect(try await resolve(env).accessKeyID == "AKIACREDSDEV00000001")
        let other = try await resolve(env, profile: "other")
        #expect(other.accessKeyID == "AKIAOTHER00000000001" && other.secretAccessKey == "other")
        let missing = await #expect(throws: AWSClientError.self) { try await resolve(env, profile: "nope") }
        #expect(missing?.message.contains("profile \"nope\" is not defined") == true)
    }

    @Test("a malformed file is reported with its name and line")
    func malformedFile() async throws {
        let home = try TemporaryHome(config: "[default]\nregion = us-west-2\nthis line has no equals sign\n")
        defer { home.remove() }
        let error = await #expect(throws: AWSClientError.self) { try await resolve(home.environment) }
        #expect(error?.code == .malformedConfig)
        #expect(error?.message.contains(".aws/config:3:") == true)
        let unterminated = try TemporaryHome(credentials: "[default\n")
        defer { unterminated.remove() }
        let second = await #expect(throws: AWSClientError.self) { try await resolve(unterminated.environment) }
        #expect(second?.message.contains("credentials:1:") == true)
    }

    @Test("no credentials anywhere: one message listing the sources tried")
    func noCredentials() async throws {
        let home = try TemporaryHome()
        defer { home.remove() }
        let error = await #expect(throws: AWSClientError.self) { try await resolve(home.environment) }
        #expect(error?.code == .noCredentials)
        #expect(error?.message.contains("environment variables") == true)
        #expect(error?.message.contains("web identity") == true)
        #expect(error?.message.contains("profile \"default\"") == true)
    }

    @Test("credential_process: JSON read, stderr quoted on failure, stdout never shown")
    func credentialProcess() async throws {
        let home = try TemporaryHome()
        defer { home.remove() }
        let good = try home.script(
            "good.sh",
            #"echo '{"Version": 1, "AccessKeyId": "ASIAPROCESS000000001", "SecretAccessKey": "proc-secret", "SessionToken": "tok", "Expiration": "2031-01-01T00:00:00Z"}'"#
        )
        let failing = try home.script("fail.sh", "echo 'LEAKED-SECRET-ON-STDOUT'\necho 'op: not signed in' >&2\nexit 3")
        let garbage = try home.script("garbage.sh", "echo 'LEAKED-SECRET-ON-STDOUT'\necho 'warning: odd' >&2")
        let stale = try home.script(
            "stale.sh",
            #"echo '{"Version": 1, "AccessKeyId": "ASIASTALE00000000001", "SecretAccessKey": "s", "Expiration": "2020-01-01T00:00:00Z"}'"#
        )
        try """
        [default]
        credential_process = \(good) --flag "quoted arg"
        [profile failing]
        credential_process = \(failing)
        [profile garbage]
        credential_process = \(garbage)
        [profile stale]
        credential_process = \(stale)
        """.write(to: home.url.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8)
        let credentials = try await resolve(home.environment)
        #expect(credentials.accessKeyID == "ASIAPROCESS000000001" && credentials.sessionToken == "tok")
        #expect(credentials.expiration == ISO8601.parse("2031-01-01T00:00:00Z"))
        let failure = await #expect(throws: AWSClientError.self) { try await resolve(home.environment, profile: "failing") }
        #expect(failure?.message.contains("exited with status 3: op: not signed in") == true)
        #expect(failure?.message.contains("LEAKED") == false)
        let invalid = await #expect(throws: AWSClientError.self) { try await resolve(home.environment, profile: "garbage") }
        #expect(invalid?.message.contains("did not print the expected JSON") == true)
        #expect(invalid?.message.contains("warning: odd") == true)
        #expect(invalid?.message.contains("LEAKED") == false)
        // Issue 16: an answer that has already expired is refused where it comes from, not by AWS later.
        let expired = await #expect(throws: AWSClientError.self) { try await resolve(home.environment, profile: "stale") }
        #expect(expired?.message.contains("returned credentials that expired at 2020-01-01T00:00:00Z") == true)
    }

    @Test("role_arn + source_profile (+ external_id, session name, duration, MFA) through STS on the emulator")
    func assumeRoleProfile() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let home = try TemporaryHome(
            config: """
                [profile admin]
                role_arn = arn:aws:iam::123456789012:role/PlatformAdmin
                source_profile = base
                role_session_name = alice
                duration_seconds = 1800
                external_id = ext-1
                mfa_serial = arn:aws:iam::123456789012:mfa/alice
                """,
            credentials: "[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = base-secret\n"
        )
        defer { home.remove() }
        let asked = LockedBox<[String]>([])
        let credentials = try await resolve(home.environment, profile: "admin", emulator: emulator) { serial in
            asked.mutate { $0.append(serial) }
            return "123456"
        }
        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(credentials.sessionToken?.isEmpty == false)
        #expect(credentials.source == "profile admin (assume role)")
        #expect(asked.value == ["arn:aws:iam::123456789012:mfa/alice"])
        let expiresIn = try #require(credentials.expiration).timeIntervalSinceNow
        #expect(expiresIn > 1700 && expiresIn <= 1800)
        // The assumed credentials work and act as the role session.
        let session = try AWSSession(emulator.sessionOptions(credentials: credentials))
        let identity = try await session.sts.getCallerIdentity()
        try await session.shutdown()
        #expect(identity.arn.hasSuffix(":assumed-role/PlatformAdmin/alice"))
    }

    @Test("a source_profile loop is reported")
    func sourceProfileLoop() async throws {
        let home = try TemporaryHome(
            config: """
                [profile a]
                role_arn = arn:aws:iam::123456789012:role/A
                source_profile = b
                [profile b]
                role_arn = arn:aws:iam::123456789012:role/B
                source_profile = a
                """
        )
        defer { home.remove() }
        let error = await #expect(throws: AWSClientError.self) { try await resolve(home.environment, profile: "a") }
        #expect(error?.message.contains("source_profile loop: a → b → a") == true)
    }

    @Test("web identity from the environment through STS on the emulator")
    func webIdentity() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let home = try TemporaryHome()
        defer { home.remove() }
        let tokenFile = home.url.appendingPathComponent("token")
        try "eyJhbGciOiJSUzI1NiJ9.e30.sig".write(to: tokenFile, atomically: true, encoding: .utf8)
        var env = home.environment
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile.path
        env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/ci-deployer"
        env["AWS_ROLE_SESSION_NAME"] = "github-actions"
        let credentials = try await resolve(env, emulator: emulator)
        #expect(credentials.accessKeyID.hasPrefix("ASIA") && credentials.source == "web identity")
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = home.url.appendingPathComponent("missing").path
        let error = await #expect(throws: AWSClientError.self) { try await resolve(env, emulator: emulator) }
        #expect(error?.message.contains("missing, unreadable or empty") == true)
    }

    @Test("cached temporary credentials are refreshed before they expire")
    func cachingRefreshes() async throws {
        let calls = LockedBox(0)
        let now = LockedBox(Date(timeIntervalSince1970: 1_000_000))
        struct Counting: AWSCredentialProvider {
            let calls: LockedBox<Int>
            let now: LockedBox<Date>
            func credentials() async throws -> AWSCredentials {
                calls.mutate { $0 += 1 }
                return AWSCredentials(
                    accessKeyID: "ASIA\(calls.value)",
                    secretAccessKey: "s",
                    sessionToken: "t",
                    expiration: now.value.addingTimeInterval(3600)
                )
            }
        }
        let cache = CachingCredentialProvider(
            Counting(calls: calls, now: now),
            refreshMargin: 300,
            clock: { now.value }
        )
        #expect(try await cache.credentials().accessKeyID == "ASIA1")
        now.mutate { $0 = $0.addingTimeInterval(3000) }
        #expect(try await cache.credentials().accessKeyID == "ASIA1")
        now.mutate { $0 = $0.addingTimeInterval(400) }
        #expect(try await cache.credentials().accessKeyID == "ASIA2")
        #expect(calls.value == 2)
    }
}

/// A value behind a lock, for test bookkeeping across tasks.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func mutate(_ change: (inout T) -> Void) { lock.withLock { change(&stored) } }
}
