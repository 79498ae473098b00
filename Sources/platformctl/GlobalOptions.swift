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
        help: "Send every AWS request to this URL (e.g. the local emulator)."
    )
    var endpointURL: String?

    @Flag(help: "Show the AWS account id instead of masking it.")
    var showAccountID = false

    @Flag(help: "Log every AWS request and retry to stderr (secrets masked). Same as PLATFORMCTL_LOG_LEVEL=debug.")
    var debug = false

    @Flag(
        name: .customLong("allow-insecure-http"),
        help: ArgumentHelp(
            "Allow a plain-http endpoint that is not this machine (signed requests and credentials cross the network "
                + "unencrypted). Same as PLATFORMCTL_ALLOW_INSECURE_HTTP=1."
        )
    )
    var allowInsecureHTTP = false

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
        if debug { Console.logLevel.value = .debug }
        Console.redactor.revealsAccountID = showAccountID
        return AWSSessionOptions(
            profile: profile,
            region: region,
            endpointURL: endpointURL.flatMap(URL.init(string:)),
            redactor: Console.redactor,
            allowInsecureHTTP: insecureHTTPAllowed(flag: allowInsecureHTTP)
        )
    }
}

/// Options for how results are printed.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text
}

/// `--role NAME`: act as an operator role (temporary credentials from the operator settings) instead of the ambient
/// AWS credentials.
struct RoleOptions: ParsableArguments {
    @Option(help: "Use temporary credentials for this operator role (a short name from operator.roles, a role name or ARN).")
    var role: String?

    @Option(
        name: .customLong("trust-account"),
        help: "With --role: assume roles in this other AWS account without asking (repeatable)."
    )
    var trustAccounts: [String] = []

    init() {}

    func validate() throws { try validateTrustedAccounts(trustAccounts) }

    /// Options naming `role` directly (for commands that declare their own `--role`).
    init(role: String?) {
        self.role = role
        self.trustAccounts = []
    }

    /// `options` with the role's credentials when `--role` is given (cached like `credential-process`).
    /// - Parameter operatorConfig: where the operator settings are (a platform.yaml or operator file), if known.
    func apply(to options: AWSSessionOptions, operatorConfig: String?) async throws -> AWSSessionOptions {
        guard let role else { return options }
        let environment = options.environment
        let located = try OperatorSettingsLocator.locate(explicitPath: operatorConfig, environment: environment)
        var brokerOptions = options
        if brokerOptions.region == nil, environment["AWS_REGION"] == nil, environment["AWS_DEFAULT_REGION"] == nil {
            brokerOptions.region = located.region
        }
        var broker = OperatorCredentialBroker(
            settings: located.settings,
            sessionOptions: brokerOptions,
            mfaPrompt: TerminalPrompt.mfaCode
        )
        broker.trustedAccounts = trustedAccounts(flags: trustAccounts, environment: environment)
        broker.approveForeignAccount = TerminalPrompt.approveForeignAccount
        let session = try await broker.assume(
            role: role,
            cache: CredentialProcessCache(directory: CredentialProcessCache.defaultDirectory(environment: environment)),
            warn: { FileHandle.standardError.write(Data("platformctl: warning: \($0)\n".utf8)) }
        )
        var result = options
        result.credentials = session.credentials
        result.profile = nil
        if result.region == nil { result.region = session.region }
        return result
    }
}

/// How many steps `up` and `down` run at once.
struct ParallelismOptions: ParsableArguments {
    @Option(help: "How many steps may run at once (1-64).")
    var parallelism: Int = 8

    func validate() throws {
        guard (1...64).contains(parallelism) else {
            throw ValidationError("--parallelism \(parallelism) is out of range; give a number from 1 to 64 (default 8)")
        }
    }
}

/// Whether plain http to another host is allowed: `--allow-insecure-http` or `PLATFORMCTL_ALLOW_INSECURE_HTTP=1`.
func insecureHTTPAllowed(
    flag: Bool,
    environment: [String: String] = ProcessInfo.processInfo.environment
) -> Bool {
    flag || ["1", "true", "yes"].contains(environment["PLATFORMCTL_ALLOW_INSECURE_HTTP"]?.lowercased() ?? "")
}

/// `up` and `down` take the platform's run lock (``PlatformLock``) before they read or write anything.
struct LockOptions: ParsableArguments {
    @Option(
        name: .customLong("lock-timeout"),
        help: "How long to wait for another run's lock before stopping (e.g. 0, 90s, 5m; default 0)."
    )
    var lockTimeout: String = "0"

    @Flag(
        name: .customLong("force-unlock"),
        help: "Remove the platform's run lock first, whoever holds it (only when that run is known to be gone)."
    )
    var forceUnlock = false

    /// `lockTimeout` as a duration.
    var wait: Duration {
        get throws {
            guard let duration = Self.parseDuration(lockTimeout) else {
                throw ValidationError(
                    "--lock-timeout \"\(lockTimeout)\" is not a duration; give seconds or a number with s, m or h "
                        + "(e.g. 90s, 5m), at most 24h"
                )
            }
            return duration
        }
    }

    func validate() throws { _ = try wait }

    /// `"90"`, `"90s"`, `"5m"`, `"1h"` → a duration of at most a day; anything else is `nil`.
    static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var digits = Substring(trimmed)
        var unit = 1
        if let last = trimmed.last, let scale = ["s": 1, "m": 60, "h": 3600][String(last)] {
            unit = scale
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int(digits), value >= 0,
            value <= 86_400 / unit
        else { return nil }
        return .seconds(value * unit)
    }
}
