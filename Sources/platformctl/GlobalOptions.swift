import ArgumentParser
import EKSPlatformKit
import Foundation

/// Output formats every command supports.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options shared by every command that talks to AWS.
struct AWSOptions: ParsableArguments {
    @Option(help: "The AWS profile to use (default: AWS_PROFILE or `default`).")
    var profile: String?

    @Option(help: "The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's region).")
    var region: String?

    @Option(
        name: .customLong("endpoint-url"),
        help: "Send every AWS request to this URL (e.g. the local emulator).")
    var endpointURL: String?

    @Flag(help: "Show the AWS account id instead of masking it.")
    var showAccountID = false

    @Flag(help: "Log every AWS request and retry to stderr (secrets masked). Same as PLATFORMCTL_LOG_LEVEL=debug.")
    var debug = false

    func validate() throws {
        if let endpointURL {
            guard let url = URL(string: endpointURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else {
                throw ValidationError("--endpoint-url \"\(endpointURL)\" is not an http(s) URL with a host")
            }
        }
    }

    /// Session options from the flags (and `--debug` applied to logging).
    func sessionOptions() -> AWSSessionOptions {
        if debug { RedactingLogHandler.threshold.value = .debug }
        Redactor.shared.revealsAccountID = showAccountID
        return AWSSessionOptions(
            profile: profile, region: region, endpointURL: endpointURL.flatMap(URL.init(string:)))
    }
}

/// Options for how results are printed.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text
}
