import ArgumentParser
import EKSPlatformKit
import Foundation

/// Where the operator settings come from.
struct OperatorOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help:
            "A platform.yaml with an operator: section, or an operator file (default: $PLATFORMCTL_CONFIG, then ~/.config/platformctl/config.yaml; ./platform.yaml only when named)."
    )
    var configPath: String?

    @Option(
        name: .customLong("trust-account"),
        help: "Assume roles in this other AWS account without asking (repeatable; also PLATFORMCTL_TRUSTED_ACCOUNTS)."
    )
    var trustAccounts: [String] = []

    func validate() throws { try validateTrustedAccounts(trustAccounts) }

    /// Settings, region fallback and a broker for them.
    func broker(aws: AWSOptions, environment: [String: String]) throws -> OperatorCredentialBroker {
        let located = try OperatorSettingsLocator.locate(explicitPath: configPath, environment: environment)
        var options = aws.sessionOptions()
        options.environment = environment
        if options.region == nil, environment["AWS_REGION"] == nil, environment["AWS_DEFAULT_REGION"] == nil {
            options.region = located.region
        }
        var broker = OperatorCredentialBroker(
            settings: located.settings,
            sessionOptions: options,
            mfaPrompt: TerminalPrompt.mfaCode
        )
        broker.trustedAccounts = trustedAccounts(flags: trustAccounts, environment: environment)
        broker.approveForeignAccount = TerminalPrompt.approveForeignAccount
        return broker
    }
}

/// The accounts the user trusts for cross-account roles: `--trust-account` values and `PLATFORMCTL_TRUSTED_ACCOUNTS`
/// (comma-separated).
func trustedAccounts(flags: [String], environment: [String: String]) -> Set<String> {
    let fromEnvironment = (environment["PLATFORMCTL_TRUSTED_ACCOUNTS"] ?? "").split(separator: ",")
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return Set(flags + fromEnvironment)
}

/// `--trust-account` takes 12-digit AWS account ids only.
func validateTrustedAccounts(_ accounts: [String]) throws {
    for account in accounts where account.count != 12 || !account.allSatisfy(\.isASCII) || !account.allSatisfy(\.isNumber) {
        throw ValidationError("--trust-account \"\(account)\" is not a 12-digit AWS account id")
    }
}

/// Asks on the controlling terminal, if there is one.
enum TerminalPrompt {
    /// One line typed on `tty` (byte by byte, so nothing after the newline is consumed), spaces trimmed.
    static func readLine(from tty: FileHandle) -> String {
        var line: [UInt8] = []
        while true {
            let byte = tty.readData(ofLength: 1)
            guard let first = byte.first, first != UInt8(ascii: "\n") else { break }
            line.append(first)
        }
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    /// "Assume a role in account X?" — `false` without a terminal, so non-interactive runs refuse.
    static let approveForeignAccount: @Sendable (String) async throws -> Bool = { roleARN in
        guard let tty = FileHandle(forUpdatingAtPath: "/dev/tty") else { return false }
        let account = ARN(parsing: roleARN)?.account ?? "?"
        tty.write(
            Data(
                ("The role \(roleARN) is in AWS account \(account), which is not the account you are signed in to.\n"
                    + "Assume it with your credentials? [y/N] ").utf8
            )
        )
        let answer = readLine(from: tty).lowercased()
        return answer == "y" || answer == "yes"
    }

    static let mfaCode: MFATokenProvider = { serial in
        guard let tty = FileHandle(forUpdatingAtPath: "/dev/tty") else {
            throw CLIError(message: "an MFA code is needed for \(serial) but there is no terminal to ask on")
        }
        tty.write(Data("MFA code for \(Console.redactor.redact(serial)): ".utf8))
        let code = readLine(from: tty)
        guard code.count == 6, code.allSatisfy(\.isNumber) else { throw CLIError(message: "an MFA code is six digits") }
        return code
    }
}

/// Parses `1h`, `90m`, `1h30m` (the same duration grammar as platform.yaml) into seconds, 15m to 12h.
func parseDuration(_ text: String?) throws -> Int? {
    guard let text else { return nil }
    guard let seconds = ConfigValidation.durationSeconds(text), (900...43200).contains(seconds) else {
        throw ValidationError("--duration \"\(text)\" must be from 15m to 12h, e.g. 1h or 90m")
    }
    return Int(seconds)
}

/// `platformctl shell`: a shell (or one command) with temporary role credentials.
struct Shell: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start $SHELL (or run a command) with temporary credentials for an operator role.",
        discussion: """
            The IAM user's keys are read from 1Password (op://… references) or an AWS profile, the role is assumed \
            with STS (with MFA when configured), and the shell gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, \
            AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION, AWS_CREDENTIAL_EXPIRATION and PLATFORMCTL_ROLE.
            Examples: `platformctl shell admin`, `platformctl shell readonly -- aws s3 ls`.
            """
    )

    @Argument(help: "The role: a short name from operator.roles, a role name, or a role ARN (default: admin).")
    var role: String = "admin"

    @Option(help: "How long the credentials last, 15m to 12h (default: operator.sessionDuration).")
    var duration: String?

    @Flag(help: "Start even inside another platformctl shell.")
    var force = false

    @OptionGroup var operatorOptions: OperatorOptions
    @OptionGroup var aws: AWSOptions

    @Argument(parsing: .postTerminator, help: "The command to run instead of $SHELL (after --).")
    var command: [String] = []

    func validate() throws { _ = try parseDuration(duration) }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        Console.redactor.revealsAccountID = aws.showAccountID
        do {
            try TemporaryCredentialShell.checkNesting(parent: environment, force: force)
            let broker = try operatorOptions.broker(aws: aws, environment: environment)
            let session = try await broker.assume(role: role, durationSeconds: try parseDuration(duration))
            let childEnvironment = TemporaryCredentialShell.environment(parent: environment, session: session)
            let program = command.isEmpty ? [environment["SHELL"] ?? "/bin/sh"] : command
            let note =
                "platformctl: role \(role) (\(session.roleARN)) in \(session.region); "
                + TemporaryCredentialShell.describeExpiry(session.expiration)
            FileHandle.standardError.write(Data((Console.redactor.redact(note) + "\n").utf8))
            try TemporaryCredentialShell.exec(program, environment: childEnvironment)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(error)
        }
    }
}

/// `platformctl credential-process`: the JSON an AWS profile's `credential_process` expects.
struct CredentialProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential-process",
        abstract: "Print temporary role credentials as credential_process JSON (for ~/.aws/config, Terraform, kubectl).",
        discussion: """
            In ~/.aws/config:
              [profile platform-admin]
              credential_process = platformctl credential-process admin --config /path/to/platform.yaml
            """
    )

    @Argument(help: "The role: a short name from operator.roles, a role name, or a role ARN.")
    var role: String

    @Option(help: "How long the credentials last, 15m to 12h (default: operator.sessionDuration).")
    var duration: String?

    @Flag(help: "Do not read or write the on-disk cache of the STS result.")
    var noCache = false

    @OptionGroup var operatorOptions: OperatorOptions
    @OptionGroup var aws: AWSOptions

    func validate() throws { _ = try parseDuration(duration) }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        do {
            let broker = try operatorOptions.broker(aws: aws, environment: environment)
            let seconds = try parseDuration(duration) ?? broker.settings.sessionDurationSeconds
            let cache =
                noCache
                ? nil : CredentialProcessCache(directory: CredentialProcessCache.defaultDirectory(environment: environment))
            let warn: (String) -> Void = { FileHandle.standardError.write(Data("platformctl: warning: \($0)\n".utf8)) }
            let session = try await broker.assume(role: role, durationSeconds: seconds, cache: cache, warn: warn)
            let output = CredentialProcess.Output(
                accessKeyID: session.credentials.accessKeyID,
                secretAccessKey: session.credentials.secretAccessKey,
                sessionToken: session.credentials.sessionToken,
                expiration: session.expiration
            )
            print(try Self.json(output))
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(error)
        }
    }

    static func json(_ output: CredentialProcess.Output) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
