// Who am I in AWS? The smallest useful program on EKSAWS alone: resolve credentials the way the AWS CLI does
// (environment, profiles, SSO-less role chains, credential_process, web identity), call STS GetCallerIdentity, and
// print the caller with the account id masked.
// Usage: swift run Whoami [--show-account-id]
// Region and endpoint come from the usual environment (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, …).
import EKSAWS
import Foundation

let reveal = CommandLine.arguments.dropFirst().contains("--show-account-id")
let redactor = Redactor()
redactor.revealsAccountID = reveal

do {
    let session = try AWSSession(AWSSessionOptions(redactor: redactor))
    do {
        let identity = try await session.sts.getCallerIdentity()
        redactor.register(accountID: identity.account)
        print(redactor.redact(identity.arn))
        print(redactor.redact("account \(identity.account) in \(session.region.name) (region from \(session.regionSource))"))
        try await session.shutdown()
    } catch {
        try? await session.shutdown()
        throw error
    }
} catch {
    FileHandle.standardError.write(Data(redactor.redact("error: \(error)\n").utf8))
    exit(1)
}
