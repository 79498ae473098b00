import EKSPlatformKit

/// The arguments of a plain `platformctl token` call, as the exec stanza of `platformctl kubeconfig` writes them:
/// `--cluster-name NAME` and optionally `--region R`, `--role-arn ARN`, `--profile P` (each also as `--flag=value`).
///
/// kubectl starts the exec plugin for every command, so a cache hit should cost process start-up and one file read,
/// not a full command-line parse. ``parse(_:)`` accepts only these flags, each at most once, with non-empty values;
/// for anything else (other flags, `--help`, a repeated flag) it returns `nil` and `main` runs ArgumentParser, which
/// also reports every error.
struct TokenFastPathRequest: Sendable, Equatable {
    var clusterName: String
    var region: String?
    var roleARN: String?
    var profile: String?

    init(clusterName: String, region: String? = nil, roleARN: String? = nil, profile: String? = nil) {
        self.clusterName = clusterName
        self.region = region
        self.roleARN = roleARN
        self.profile = profile
    }

    /// Parses the arguments that follow `token`; `nil` when they are anything but the plain form.
    static func parse(_ arguments: [String]) -> TokenFastPathRequest? {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let flag: String
            let value: String
            if let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
                index += 1
            } else {
                guard index + 1 < arguments.count else { return nil }
                flag = argument
                value = arguments[index + 1]
                index += 2
            }
            guard ["--cluster-name", "--region", "--role-arn", "--profile"].contains(flag), values[flag] == nil,
                !value.isEmpty, !value.hasPrefix("-")
            else { return nil }
            values[flag] = value
        }
        guard let clusterName = values["--cluster-name"] else { return nil }
        return TokenFastPathRequest(
            clusterName: clusterName,
            region: values["--region"],
            roleARN: values["--role-arn"],
            profile: values["--profile"]
        )
    }

    /// The token provider options these arguments stand for.
    func options(environment: [String: String]) -> EKSTokenProvider.Options {
        EKSTokenProvider.Options(
            clusterName: clusterName,
            region: region,
            roleARN: roleARN,
            profile: profile,
            environment: environment
        )
    }
}
