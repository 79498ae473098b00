import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl whoami`: who the current AWS credentials belong to.
struct Whoami: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the AWS identity behind the current credentials (account id masked).")

    @OptionGroup var aws: AWSOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() async throws {
        let redactor = Redactor.shared
        redactor.revealsAccountID = aws.showAccountID
        let session = try AWSSession(aws.sessionOptions())
        let identity: STSClient.CallerIdentity
        do {
            identity = try await session.sts.getCallerIdentity()
        } catch {
            try? await session.shutdown()
            throw CLIError(error)
        }
        try? await session.shutdown()
        redactor.register(accountID: identity.account)
        let credentials = try? await session.credentials.credentials()
        let report = WhoamiReport(
            arn: identity.arn, account: identity.account, userID: identity.userID,
            region: session.region.name, credentialSource: credentials?.source ?? "unknown")
        switch outputOptions.output {
        case .json:
            print(redactor.redact(try report.jsonString()))
        case .text:
            print(redactor.redact("\(report.arn)"))
            print(redactor.redact("account: \(report.account)  region: \(report.region)  credentials: \(report.credentialSource)"))
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
