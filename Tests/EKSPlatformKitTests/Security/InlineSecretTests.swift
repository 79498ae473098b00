import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSPlatformKit

/// Issue 15, item 11: platform.yaml is meant for git, so a literal SSH key or secret key in it is refused, with the
/// fix, before anything else happens.
@Suite("Security: no inline secrets in platform.yaml")
struct InlineSecretTests {
    static func example() throws -> String {
        try String(contentsOf: PackagePaths.root.appendingPathComponent("Examples/platform.yaml"), encoding: .utf8)
    }

    @Test("a literal deploy key or secret access key is refused at its line; references and files are accepted")
    func literalSecretsAreRefused() throws {
        let text = try Self.example()
        _ = try PlatformConfig.parse(text, file: "platform.yaml")

        let literalKey = text.replacingOccurrences(
            of: #"sshPrivateKey: "op://Platform/flux-deploy-key/private key""#,
            with: #"sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----""#
        )
        #expect(literalKey != text)
        let keyError = #expect(throws: ConfigError.self) { _ = try PlatformConfig.parse(literalKey, file: "platform.yaml") }
        #expect(keyError?.path.hasSuffix("sshPrivateKey") == true, "\(String(describing: keyError))")
        #expect(keyError?.message.contains("op://") == true && keyError?.message.contains("file:") == true)
        #expect(keyError?.line ?? 0 > 0)
        #expect(keyError?.description.contains("BEGIN OPENSSH") == false, "the error must not echo the secret")

        let literalSecret = text.replacingOccurrences(
            of: #"secretAccessKey: "op://Private/aws-iam-user/secret access key""#,
            with: #"secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY""#
        )
        #expect(literalSecret != text)
        let secretError = #expect(throws: ConfigError.self) {
            _ = try PlatformConfig.parse(literalSecret, file: "platform.yaml")
        }
        #expect(secretError?.path.hasSuffix("secretAccessKey") == true, "\(String(describing: secretError))")
        #expect(secretError?.description.contains("EXAMPLEKEY") == false, "the error must not echo the secret")

        let file = text.replacingOccurrences(
            of: #"sshPrivateKey: "op://Platform/flux-deploy-key/private key""#,
            with: "file: ~/.ssh/flux"
        )
        #expect(try PlatformConfig.parse(file, file: "platform.yaml").spec.gitops?.credentials == .file("~/.ssh/flux"))
    }
}
