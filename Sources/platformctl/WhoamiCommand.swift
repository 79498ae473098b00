import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl whoami`: who the current AWS credentials belong to.
struct Whoami: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the AWS identity behind the current credentials (account id masked)."
    )

    @OptionGroup var aws: AWSOptions
    @OptionGroup var role: RoleOptions

    @Option(
        name: .customLong("config"),
        help: "Operator settings for --role (default: ./platform.yaml, then ~/.config/platformctl/config.yaml)."
    )
    var operatorConfig: String?
    @OptionGroup var outputOptions: OutputOptions

    func run() async throws {
        let redactor = Console.redactor
        redactor.revealsAccountID = aws.showAccountID
        let identity: STSClient.CallerIdentity
        let session: AWSSession
        do {
            session = try AWSSession(try await role.apply(to: aws.sessionOptions(), operatorConfig: operatorConfig))
        } catch {
            throw CLIError(error)
        }
        do {
            identity = try await session.sts.getCallerIdentity()
        } catch {
            try? await session.shutdown()
            throw CLIError(error)
        }
        redactor.register(accountID: identity.account)
        let credentials = try? await session.credentials.credentials()
        try? await session.shutdown()
        let report = WhoamiReport(
            arn: identity.arn,
            account: identity.account,
            userID: identity.userID,
            region: session.region.name,
            credentialSource: credentials?.source ?? "unknown"
        )
        switch outputOptions.output {
        case .json:
            print(redactor.redact(try report.jsonString()))
        case .text:
            print(redactor.redact("\(report.arn)"))
            print(
                redactor.redact("account: \(report.account)  region: \(report.region)  credentials: \(report.credentialSource)")
            )
        }
    }
}

/// What `whoami` prints.
struct WhoamiReport: Encodable {
    var arn: String
    var account: String
    var userID: String
    var region: String
    var credentialSource: String

    func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
