import EKSAWS
import Foundation
import Synchronization

extension EKSTokenProvider {
    /// The arguments of a plain `platformctl token` call, as the exec stanza of `platformctl kubeconfig` writes them:
    /// `--cluster-name NAME` and optionally `--region R`, `--role-arn ARN`, `--profile P` (each also as `--flag=value`).
    ///
    /// kubectl starts the exec plugin for every command, so a cache hit should cost process start-up and one file
    /// read, not a full command-line parse. ``parse(_:)`` accepts only these flags, each at most once, with non-empty
    /// values; for anything else (other flags, `--help`, a repeated flag) it returns `nil` and the caller runs its
    /// full parser, which also reports every error.
    public struct CommandLineRequest: Sendable, Equatable {
        /// `--cluster-name`.
        public var clusterName: String
        /// `--region`.
        public var region: String?
        /// `--role-arn`.
        public var roleARN: String?
        /// `--profile`.
        public var profile: String?

        /// Creates a request.
        public init(clusterName: String, region: String? = nil, roleARN: String? = nil, profile: String? = nil) {
            self.clusterName = clusterName
            self.region = region
            self.roleARN = roleARN
            self.profile = profile
        }

        /// Parses the arguments that follow `token`; `nil` when they are anything but the plain form.
        public static func parse(_ arguments: [String]) -> CommandLineRequest? {
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
            return CommandLineRequest(
                clusterName: clusterName,
                region: values["--region"],
                roleARN: values["--role-arn"],
                profile: values["--profile"]
            )
        }
    }

    /// The ExecCredential JSON for `request` from the token cache, or `nil` on a miss or on anything that deserves a
    /// message (a malformed `KUBERNETES_EXEC_INFO`, a corrupt or loosely-permitted cache file, a broken profile): the
    /// caller then runs the full command, which says what is wrong. Reads files only; no signing, no network.
    public static func cachedExecCredentialJSON(
        for request: CommandLineRequest,
        environment: [String: String],
        now: Date = Date()
    ) -> String? {
        let warned = Mutex(false)
        let note: @Sendable (String) -> Void = { _ in warned.withLock { $0 = true } }
        let apiVersion = ExecCredential.negotiatedAPIVersion(execInfo: environment["KUBERNETES_EXEC_INFO"], warn: note)
        guard
            let provider = try? EKSTokenProvider(
                Options(
                    clusterName: request.clusterName,
                    region: request.region,
                    roleARN: request.roleARN,
                    profile: request.profile,
                    environment: environment
                ),
                warn: note,
                clock: { now }
            ),
            let token = provider.cachedToken(),
            !warned.withLock({ $0 })
        else { return nil }
        return ExecCredential(apiVersion: apiVersion, token: token.value, expiration: token.expiration).json()
    }
}
