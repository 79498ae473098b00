import EKSAWS
import EKSKubernetes
import Foundation

extension PlatformConfig.Operator {
    /// The user-level operator file: `$XDG_CONFIG_HOME/platformctl/config.yaml` or `~/.config/platformctl/config.yaml`.
    public static func userConfigPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return "\(xdg)/platformctl/config.yaml" }
        return "\(environment["HOME"] ?? NSHomeDirectory())/.config/platformctl/config.yaml"
    }

    /// Reads an operator file whose only top-level key is `operator:` (same shape as in platform.yaml).
    /// - Throws: ``ConfigError`` with file, line, column and field path.
    public static func load(contentsOf url: URL) throws -> PlatformConfig.Operator {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigError(
                code: .unreadable,
                file: url.path,
                line: 0,
                column: 0,
                path: "",
                message: "cannot read the file: \(error.localizedDescription)"
            )
        }
        return try PlatformConfigParser(file: url.path).parseOperatorFile(text)
    }

    /// The session duration in seconds.
    public var sessionDurationSeconds: Int { Int(ConfigValidation.durationSeconds(sessionDuration) ?? 3600) }
}

/// Temporary role credentials handed to an operator.
public struct OperatorSession: Sendable {
    /// The short name asked for (e.g. `admin`), or the role name/ARN given directly.
    public var requestedRole: String
    /// The role's ARN.
    public var roleARN: String
    /// The temporary credentials.
    public var credentials: AWSCredentials
    /// The region the session is for.
    public var region: String

    /// When the credentials stop working.
    public var expiration: Date? { credentials.expiration }
}

/// Turns the operator configuration into temporary role credentials: the IAM user's keys from 1Password (or an AWS
/// profile), the account id looked up with STS, the role's ARN built from its short name, MFA when configured, then
/// `AssumeRole`.
public struct OperatorCredentialBroker: Sendable {
    /// The operator settings.
    public var settings: PlatformConfig.Operator
    /// How to reach AWS (region, endpoint, environment); `credentials` is ignored and replaced by the operator's.
    public var sessionOptions: AWSSessionOptions
    /// Reads `op://` references.
    public var onePassword: OnePasswordCLI
    /// Asks a person for an MFA code when no TOTP source is configured (e.g. a terminal prompt); `nil` = never ask.
    public var mfaPrompt: MFATokenProvider?
    /// Accounts other than the caller's whose roles may be assumed without asking (the user's own choice, never
    /// read from the operator file: a cloned repository must not be able to widen it).
    public var trustedAccounts: Set<String> = []
    /// Asked, with the role's ARN, before assuming a role in an account that is neither the caller's nor trusted;
    /// `true` goes ahead. `nil` (no one to ask, e.g. under `credential_process`) refuses.
    public var approveForeignAccount: (@Sendable (_ roleARN: String) async throws -> Bool)?

    /// Creates a broker.
    public init(
        settings: PlatformConfig.Operator,
        sessionOptions: AWSSessionOptions,
        onePassword: OnePasswordCLI? = nil,
        mfaPrompt: MFATokenProvider? = nil
    ) {
        self.settings = settings
        self.sessionOptions = sessionOptions
        self.onePassword =
            onePassword ?? OnePasswordCLI(environment: sessionOptions.environment, redactor: sessionOptions.redactor)
        self.mfaPrompt = mfaPrompt
    }

    /// The role ARN for a short name from `roles:`, a role name, or a role ARN.
    /// - Throws: ``AWSClientError`` `.invalidParameter` for a name that is neither configured nor a valid role name.
    public func roleARN(for requested: String, account: String, partition: String) throws -> String {
        let target = settings.roles[requested] ?? requested
        if target.hasPrefix("arn:") {
            guard ARN(parsing: target)?.service == "iam" else {
                throw AWSClientError(.invalidParameter, "\"\(target)\" is not an IAM role ARN")
            }
            return target
        }
        guard ConfigValidation.isIAMRoleName(target) else {
            let known = settings.roles.keys.sorted().joined(separator: ", ")
            throw AWSClientError(
                .invalidParameter,
                "unknown role \"\(requested)\"; use one of the configured roles (\(known.isEmpty ? "none" : known)), "
                    + "a role name or a role ARN"
            )
        }
        return "arn:\(partition):iam::\(account):role/\(target)"
    }

    /// Assumes `role` (a short name from `roles:`, a role name or an ARN) for `durationSeconds` (default: the
    /// configured session duration).
    public func assume(role: String, durationSeconds: Int? = nil) async throws -> OperatorSession {
        let duration = durationSeconds ?? settings.sessionDurationSeconds
        guard (900...43200).contains(duration) else {
            throw AWSClientError(.invalidParameter, "a session lasts from 15m to 12h; \(duration)s is out of range")
        }
        var options = sessionOptions
        var serial: String?
        var code: String?
        switch settings.source {
        case .user(let user):
            let keyID = try await onePassword.resolve(user.accessKeyID)
            let secret = try await onePassword.resolve(user.secretAccessKey)
            sessionOptions.redactor.register(secret: secret)
            options.credentials = AWSCredentials(
                accessKeyID: keyID,
                secretAccessKey: secret,
                source: "operator user keys"
            )
            // The user's keys replace any profile: a stale AWS_PROFILE must not matter (or fail) here.
            options.profile = nil
            options.environment.removeValue(forKey: "AWS_PROFILE")
            if let mfa = user.mfaSerial {
                serial = try await onePassword.resolve(mfa)
                if let totp = user.totp {
                    code = try await onePassword.oneTimePassword(totp)
                } else if let mfaPrompt, let serial {
                    code = try await mfaPrompt(serial)
                } else {
                    throw AWSClientError(
                        .credentialSource,
                        "an MFA device is configured (operator.user.mfaSerial) but no code source: add operator.user.totp "
                            + "(an op:// reference with ?attribute=otp) or run in a terminal to be asked"
                    )
                }
            }
        case .profile(let profile):
            options.profile = profile
            options.credentials = nil
            options.mfaTokenProvider = options.mfaTokenProvider ?? mfaPrompt
        }
        let session = try AWSSession(options)
        do {
            let result = try await assume(role: role, on: session, duration: duration, serial: serial, code: code)
            try? await session.shutdown()
            return result
        } catch {
            try? await session.shutdown()
            throw error
        }
    }

    /// The STS half of ``assume(role:durationSeconds:)``: who the caller is, then AssumeRole with MFA when set.
    private func assume(
        role: String,
        on session: AWSSession,
        duration: Int,
        serial: String?,
        code: String?
    ) async throws -> OperatorSession {
        let identity = try await session.sts.getCallerIdentity()
        sessionOptions.redactor.register(accountID: identity.account)
        let roleARN = try self.roleARN(
            for: role,
            account: identity.account,
            partition: session.region.partition.id
        )
        try await checkAccount(of: roleARN, callerAccount: identity.account)
        let assumed = try await session.sts.assumeRole(
            roleARN: roleARN,
            sessionName: Self.sessionName(for: identity.arn),
            durationSeconds: duration,
            serialNumber: serial,
            tokenCode: code
        )
        var credentials = assumed.credentials
        credentials.accountID = identity.account
        credentials.source = "platformctl role \(role)"
        sessionOptions.redactor.register(secret: credentials.secretAccessKey)
        if let token = credentials.sessionToken { sessionOptions.redactor.register(secret: token) }
        return OperatorSession(
            requestedRole: role,
            roleARN: roleARN,
            credentials: credentials,
            region: session.region.name
        )
    }

    /// Like ``assume(role:durationSeconds:)``, but first looks in `cache` (credentials valid for more than five
    /// minutes are reused without touching 1Password or STS) and stores fresh ones there. `warn` hears about ignored
    /// cache files; a cache that cannot be written is reported and otherwise ignored.
    public func assume(
        role: String,
        durationSeconds: Int? = nil,
        cache: CredentialProcessCache?,
        warn: (String) -> Void
    ) async throws -> OperatorSession {
        let seconds = durationSeconds ?? settings.sessionDurationSeconds
        let key = cacheKey(role: role, durationSeconds: seconds)
        if let cache, let hit = cache.read(key: key, maxLifetime: TimeInterval(seconds), warn: warn),
            let region = sessionOptions.region
                ?? sessionOptions.environment["AWS_REGION"] ?? sessionOptions.environment["AWS_DEFAULT_REGION"]
        {
            sessionOptions.redactor.register(secret: hit.SecretAccessKey)
            if let token = hit.SessionToken { sessionOptions.redactor.register(secret: token) }
            return OperatorSession(
                requestedRole: role,
                roleARN: hit.RoleArn ?? role,
                credentials: AWSCredentials(
                    accessKeyID: hit.AccessKeyId,
                    secretAccessKey: hit.SecretAccessKey,
                    sessionToken: hit.SessionToken,
                    expiration: hit.Expiration.flatMap(ISO8601.parse),
                    source: "platformctl role \(role) (cached)"
                ),
                region: region
            )
        }
        let session = try await assume(role: role, durationSeconds: seconds)
        if let cache {
            var entry = CredentialProcess.Output(
                accessKeyID: session.credentials.accessKeyID,
                secretAccessKey: session.credentials.secretAccessKey,
                sessionToken: session.credentials.sessionToken,
                expiration: session.expiration
            )
            entry.RoleArn = session.roleARN
            do { try cache.write(entry, key: key) } catch { warn("cannot cache the role credentials: \(error)") }
        }
        return session
    }

    /// A stable key for caching the result of ``assume(role:durationSeconds:)``: the role, where the base credentials
    /// come from (the reference or profile name, never a secret), the roles table, the duration and the endpoint.
    public func cacheKey(role: String, durationSeconds: Int) -> String {
        let source: String
        switch settings.source {
        case .user(let user): source = "user:\(user.accessKeyID)"
        case .profile(let profile): source = "profile:\(profile)"
        }
        let roles = settings.roles.keys.sorted().map { "\($0)=\(settings.roles[$0] ?? "")" }.joined(separator: ",")
        return [
            role, source, roles, String(durationSeconds), sessionOptions.region ?? "",
            sessionOptions.endpointURL?.absoluteString ?? sessionOptions.environment["AWS_ENDPOINT_URL"] ?? "",
        ].joined(separator: "\u{1f}")
    }

    /// Lets a role in the caller's own account or a trusted one through; any other account is named (it is not
    /// masked: only the caller's own account is) and must be approved.
    /// - Throws: ``AWSClientError`` `.untrustedAccount` when nobody approves.
    func checkAccount(of roleARN: String, callerAccount: String) async throws {
        guard let account = ARN(parsing: roleARN)?.account, account != callerAccount, !trustedAccounts.contains(account)
        else { return }
        if let approveForeignAccount, try await approveForeignAccount(roleARN) { return }
        throw AWSClientError(
            .untrustedAccount,
            "the role \(roleARN) is in account \(account), not in the account you are signed in to; a role in another "
                + "account is only assumed when you confirm it or trust that account"
        )
    }

    /// `platformctl-<user>` from the caller's ARN, limited to what STS accepts (`[\w+=,.@-]`, 2–64 characters).
    static func sessionName(for callerARN: String) -> String {
        let user = callerARN.split(separator: "/").last.map(String.init) ?? "operator"
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-")
        let cleaned = String(user.filter { allowed.contains($0) })
        return String(("platformctl-" + (cleaned.isEmpty ? "operator" : cleaned)).prefix(64))
    }
}

/// Finds the operator settings: the `operator:` section of a platform.yaml, or the user's own operator file.
public enum OperatorSettingsLocator {
    /// Where the settings came from and what they say.
    public struct Located: Sendable {
        public var settings: PlatformConfig.Operator
        /// The file they came from.
        public var file: String
        /// The platform's region, when they came from a platform.yaml.
        public var region: String?
    }

    /// Resolves, in order: `explicitPath` (a platform.yaml or an operator file), `$PLATFORMCTL_CONFIG`, then the user
    /// operator file. A `platform.yaml` in `currentDirectory` is never read implicitly: it may come from a cloned
    /// repository, and its `roles:` would decide which role (in which account) receives the user's credentials. When
    /// nothing else is configured and it has an `operator:` section, the error names it so the user can pass it.
    /// - Throws: ``ConfigError`` for a malformed file; ``AWSClientError`` `.malformedConfig` when nothing is configured.
    public static func locate(
        explicitPath: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> Located {
        var candidates: [(String, Bool)] = []
        if let explicitPath { candidates.append((explicitPath, true)) }
        if let fromEnv = environment["PLATFORMCTL_CONFIG"], !fromEnv.isEmpty { candidates.append((fromEnv, true)) }
        candidates.append((PlatformConfig.Operator.userConfigPath(environment: environment), false))
        for (path, required) in candidates {
            guard FileManager.default.fileExists(atPath: path) else {
                if required {
                    throw AWSClientError(.malformedConfig, "the config file \(path) does not exist")
                }
                continue
            }
            let url = URL(fileURLWithPath: path)
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            if text.contains("kind: Platform") || text.contains("apiVersion: eksplatform.io") {
                let config = try PlatformConfig.load(contentsOf: url)
                if let settings = config.operator {
                    return Located(settings: settings, file: path, region: config.spec.region)
                }
                if required {
                    throw AWSClientError(
                        .malformedConfig,
                        "\(path) has no operator: section; add one (see Examples/platform.yaml)"
                    )
                }
                continue
            }
            return Located(settings: try PlatformConfig.Operator.load(contentsOf: url), file: path, region: nil)
        }
        let local = "\(currentDirectory)/platform.yaml"
        let localHasOperator =
            (try? String(contentsOf: URL(fileURLWithPath: local), encoding: .utf8))
            .map { $0.split(separator: "\n").contains { $0.hasPrefix("operator:") } } ?? false
        throw AWSClientError(
            .malformedConfig,
            "no operator configuration found: pass --config platform.yaml (with an operator: section), or write "
                + PlatformConfig.Operator.userConfigPath(environment: environment)
                + (localHasOperator
                    ? "; \(local) has an operator: section but is not read unless you name it (a file from a cloned "
                        + "repository must not choose the roles your credentials go to)"
                    : "")
        )
    }
}
