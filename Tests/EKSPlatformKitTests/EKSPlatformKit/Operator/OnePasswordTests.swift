import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("1Password source")
struct OnePasswordTests {
    static let values = [
        "op://Private/aws-iam-user/access key id": "AKIAOPERATORUSER0001",
        "op://Private/aws-iam-user/secret access key": "op-secret-value-123456",
    ]

    func cli(_ fake: FakeOnePassword, extra: [String: String] = [:]) -> OnePasswordCLI {
        var env = ["PATH": fake.path()]
        env.merge(extra) { _, new in new }
        return OnePasswordCLI(environment: env, redactor: Redactor())
    }

    @Test func referencesParse() throws {
        let full = try #require(OnePasswordReference("op://Private/aws user/section/one-time password?attribute=otp"))
        #expect(full.vault == "Private" && full.item == "aws user" && full.section == "section")
        #expect(full.field == "one-time password" && full.isOneTimePassword)
        #expect(OnePasswordReference("op://vault/item") == nil)
        #expect(OnePasswordReference("AKIA…") == nil)
    }

    @Test("reads values with op read, honours OP_ACCOUNT, and registers them for redaction")
    func readsValues() async throws {
        let fake = try FakeOnePassword(values: Self.values)
        defer { fake.remove() }
        let op = cli(fake, extra: ["OP_ACCOUNT": "acme.1password.com"])
        #expect(try await op.read("op://Private/aws-iam-user/secret access key") == "op-secret-value-123456")
        #expect(try await op.resolve("literal-value") == "literal-value")
        #expect(op.redactor.redact("key=op-secret-value-123456") == "key=****")
        #expect(
            try fake.calls() == [
                ["read", "--no-newline", "--account=acme.1password.com", "--", "op://Private/aws-iam-user/secret access key"]
            ]
        )
    }

    @Test("TOTP from an ?attribute=otp reference or from `op item get --otp`")
    func oneTimePasswords() async throws {
        let fake = try FakeOnePassword(values: Self.values)
        defer { fake.remove() }
        let op = cli(fake)
        #expect(try await op.oneTimePassword("op://Private/aws-iam-user/one-time password?attribute=otp") == "246810")
        #expect(try await op.oneTimePassword("aws-iam-user") == "246810")
        #expect(try await op.oneTimePassword("op://Private/aws-iam-user") == "246810")
        let calls = try fake.calls()
        #expect(calls[1] == ["item", "get", "--otp", "--", "aws-iam-user"])
        #expect(calls[2] == ["item", "get", "--otp", "--vault=Private", "--", "aws-iam-user"])
    }

    @Test("a value that would be an option never reaches op as one (issue 15, item 8)")
    func noArgumentInjection() async throws {
        let fake = try FakeOnePassword(values: Self.values)
        defer { fake.remove() }
        let op = cli(fake)
        for source in ["--session=X --config=/tmp/y", "-v", "op://--vault=x/item", "op://Private/--session=X"] {
            let error = await #expect(throws: OnePasswordError.self, "\(source)") { try await op.oneTimePassword(source) }
            #expect(error?.code == .invalidReference, "\(source): \(String(describing: error))")
        }
        // Nothing was run for them; a reference whose parts look like options stays one positional argument.
        #expect(try fake.calls().isEmpty)
        _ = try? await op.read("op://--config/x/y")
        #expect(try fake.calls().last?.suffix(2) == ["--", "op://--config/x/y"])
    }

    @Test("each failure mode says what to do")
    func failureModes() async throws {
        let fake = try FakeOnePassword(values: Self.values)
        defer { fake.remove() }
        let signedOut = await #expect(throws: OnePasswordError.self) {
            try await cli(fake, extra: ["OP_FAKE_MODE": "signed-out"]).read("op://Private/aws-iam-user/access key id")
        }
        #expect(signedOut?.code == .signedOut)
        #expect(signedOut?.message.contains("op signin") == true)
        let item = await #expect(throws: OnePasswordError.self) { try await cli(fake).read("op://Private/nope/field") }
        #expect(item?.code == .itemNotFound)
        #expect(item?.message.contains("item \"nope\" was not found in vault \"Private\"") == true)
        let field = await #expect(throws: OnePasswordError.self) {
            try await cli(fake).read("op://Private/aws-iam-user/password")
        }
        #expect(field?.code == .fieldNotFound)
        #expect(field?.message.contains("has no field \"password\"") == true)
        let missing = await #expect(throws: OnePasswordError.self) {
            try await OnePasswordCLI(environment: ["PATH": "/nonexistent"], redactor: Redactor())
                .read("op://Private/aws-iam-user/access key id")
        }
        #expect(missing?.code == .notInstalled)
        let malformed = await #expect(throws: OnePasswordError.self) { try await cli(fake).read("op://just-a-vault") }
        #expect(malformed?.code == .invalidReference)
    }
}
