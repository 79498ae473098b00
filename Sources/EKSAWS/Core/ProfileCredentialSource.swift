import Foundation

/// Credentials from a profile of the shared files, as the AWS CLI resolves them:
/// `role_arn` (with `source_profile` or `credential_source`, `mfa_serial`, `role_session_name`, `duration_seconds`,
/// `external_id`) → `web_identity_token_file` → static keys in the credentials file → `credential_process` → static
/// keys in the config file.
public struct ProfileCredentialSource: AWSCredentialSource {
    public let context: AWSCredentialContext
    /// The profile to read.
    public let profile: String

    /// The source name.
    public var name: String { "profile \"\(profile)\" in the shared config/credentials files" }

    /// Creates the source.
    public init(context: AWSCredentialContext, profile: String) {
        self.context = context
        self.profile = profile
    }

    /// Credentials for the profile, or `nil` when the profile does not exist or holds no credential settings.
    public func resolve() async throws -> AWSCredentials? {
        guard context.shared.settings(for: profile) != nil else { return nil }
        return try await resolve(profile: profile, visited: [])
    }

    private func resolve(profile: String, visited: [String]) async throws -> AWSCredentials? {
        let shared = context.shared
        guard let settings = shared.settings(for: profile) else {
            throw AWSClientError(
                .credentialSource,
                "profile \"\(visited.last ?? profile)\" names source_profile \"\(profile)\", which is not defined; "
                    + "add [profile \(profile)] to \(shared.config?.path ?? "~/.aws/config")"
            )
        }
        let file = shared.file(defining: profile)
        if visited.contains(profile) {
            throw AWSClientError(
                .credentialSource,
                "source_profile loop: " + (visited + [profile]).joined(separator: " → ") + " (in \(file))"
            )
        }
        if let roleARN = settings["role_arn"] {
            return try await assumeRole(roleARN: roleARN, settings: settings, profile: profile, visited: visited)
        }
        if let sso = try SSOProfile(profile: profile, settings: settings, shared: shared) {
            return try await sso.credentials(context: context)
        }
        if let tokenFile = settings["web_identity_token_file"] {
            guard let roleARN = settings["role_arn"] else {
                throw AWSClientError(.credentialSource, "profile \"\(profile)\": web_identity_token_file needs role_arn")
            }
            return try await WebIdentityCredentialSource.assume(
                context: context,
                tokenFile: tokenFile,
                roleARN: roleARN,
                sessionName: settings["role_session_name"],
                origin: "profile \(profile)"
            )
        }
        if let fromCredentialsFile = shared.credentials?.profiles[profile], fromCredentialsFile["aws_access_key_id"] != nil {
            return try staticKeys(fromCredentialsFile, profile: profile, file: shared.credentials?.path ?? file)
        }
        if let command = settings["credential_process"] {
            var credentials = try await CredentialProcess.run(command, environment: context.environment)
            credentials.source = "profile \(profile) (credential_process)"
            return credentials
        }
        if settings["aws_access_key_id"] != nil {
            return try staticKeys(settings, profile: profile, file: file)
        }
        if visited.isEmpty { return nil }
        throw AWSClientError(
            .credentialSource,
            "profile \"\(profile)\" (source_profile of \"\(visited.last ?? "")\") has no credentials: "
                + "add aws_access_key_id/aws_secret_access_key, credential_process or role_arn to it in \(file)"
        )
    }

    private func staticKeys(_ settings: SharedConfigFile.Section, profile: String, file: String) throws -> AWSCredentials {
        guard let keyID = settings["aws_access_key_id"], let secret = settings["aws_secret_access_key"], !secret.isEmpty
        else {
            throw AWSClientError(
                .credentialSource,
                "profile \"\(profile)\" in \(file) has aws_access_key_id but no aws_secret_access_key; add it"
            )
        }
        return AWSCredentials(
            accessKeyID: keyID,
            secretAccessKey: secret,
            sessionToken: settings["aws_session_token"],
            source: "profile \(profile)"
        )
    }

    private func assumeRole(
        roleARN: String,
        settings: SharedConfigFile.Section,
        profile: String,
        visited: [String]
    ) async throws -> AWSCredentials {
        let base: AWSCredentials
        if let source = settings["source_profile"] {
            if source == profile, settings["aws_access_key_id"] != nil {
                base = try staticKeys(settings, profile: profile, file: context.shared.file(defining: profile))
            } else {
                guard let resolved = try await resolve(profile: source, visited: visited + [profile]) else {
                    throw AWSClientError(.credentialSource, "source_profile \"\(source)\" has no credentials")
                }
                base = resolved
            }
        } else if let credentialSource = settings["credential_source"] {
            guard credentialSource == "Environment",
                let fromEnvironment = try await EnvironmentCredentialSource(environment: context.environment).resolve()
            else {
                throw AWSClientError(
                    .credentialSource,
                    "profile \"\(profile)\": credential_source \"\(credentialSource)\" is not available here; "
                        + "only Environment is supported (EC2 instance metadata and ECS are not)"
                )
            }
            base = fromEnvironment
        } else {
            throw AWSClientError(
                .credentialSource,
                "profile \"\(profile)\" has role_arn but neither source_profile nor credential_source; add one of them"
            )
        }
        var tokenCode: String?
        let serial = settings["mfa_serial"]
        if let serial {
            guard let mfa = context.mfaTokenProvider else {
                throw AWSClientError(
                    .credentialSource,
                    "profile \"\(profile)\" needs an MFA code for \(serial), but no way to ask for one is available "
                        + "(run in a terminal, or configure a TOTP source)"
                )
            }
            tokenCode = try await mfa(serial)
        }
        var duration: Int?
        if let raw = settings["duration_seconds"] {
            guard let value = Int(raw), (900...43200).contains(value) else {
                throw AWSClientError(
                    .malformedConfig,
                    "profile \"\(profile)\": duration_seconds \"\(raw)\" must be a number of seconds from 900 to 43200"
                )
            }
            duration = value
        }
        let sessionName = settings["role_session_name"] ?? "platformctl-\(Int(context.clock().timeIntervalSince1970))"
        do {
            var result = try await context.sts(base).assumeRole(
                roleARN: roleARN,
                sessionName: sessionName,
                durationSeconds: duration,
                externalID: settings["external_id"],
                serialNumber: serial,
                tokenCode: tokenCode
            )
            result.credentials.source = "profile \(profile) (assume role)"
            return result.credentials
        } catch let error as AWSServiceError {
            throw AWSClientError(
                .credentialSource,
                "profile \"\(profile)\": STS refused AssumeRole for \(roleARN): \(error)"
            )
        }
    }
}

/// Runs a `credential_process` command and reads its JSON.
public enum CredentialProcess {
    /// The JSON contract of `credential_process`.
    public struct Output: Codable, Sendable, Equatable {
        /// Must be 1.
        public var Version: Int
        /// The access key id.
        public var AccessKeyId: String
        public var SecretAccessKey: String
        /// The session token of temporary credentials.
        public var SessionToken: String?
        /// ISO 8601 expiry; absent for long-term credentials.
        public var Expiration: String?
        /// The account id, when known.
        public var AccountId: String?
        /// Not part of the AWS contract (SDKs ignore it): the role the credentials are for, kept by platformctl's cache.
        public var RoleArn: String?

        /// Creates an output value.
        public init(
            accessKeyID: String,
            secretAccessKey: String,
            sessionToken: String?,
            expiration: Date?,
            accountID: String? = nil
        ) {
            self.Version = 1
            self.AccessKeyId = accessKeyID
            self.SecretAccessKey = secretAccessKey
            self.SessionToken = sessionToken
            self.Expiration = expiration.map(ISO8601.format)
            self.AccountId = accountID
        }
    }

    /// Runs `command` (split like a shell would, but not run through one) and parses its output.
    /// - Throws: ``AWSClientError`` quoting the process's stderr — never its stdout, which may hold secrets.
    public static func run(
        _ command: String,
        environment: [String: String],
        now: @Sendable () -> Date = { Date() }
    ) async throws -> AWSCredentials {
        let words = try ShellWords.split(command)
        guard !words.isEmpty else {
            throw AWSClientError(.credentialSource, "credential_process is empty; give it a command to run")
        }
        let result = try await Subprocess.run(words, environment: ChildEnvironment.credentialProcess(environment))
        let stderr = String(decoding: result.stderr.prefix(2000), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0 else {
            throw AWSClientError(
                .credentialSource,
                "credential_process `\(words[0])` exited with status \(result.status)"
                    + (stderr.isEmpty ? " and printed nothing on stderr" : ": \(stderr)")
            )
        }
        let output: Output
        do {
            output = try JSONDecoder().decode(Output.self, from: Data(result.stdout))
        } catch {
            throw AWSClientError(
                .credentialSource,
                "credential_process `\(words[0])` did not print the expected JSON "
                    + "({\"Version\": 1, \"AccessKeyId\", \"SecretAccessKey\", …})"
                    + (stderr.isEmpty ? "" : "; its stderr: \(stderr)")
            )
        }
        guard output.Version == 1 else {
            throw AWSClientError(
                .credentialSource,
                "credential_process `\(words[0])` printed Version \(output.Version); only 1 is supported"
            )
        }
        var expiration: Date?
        if let raw = output.Expiration {
            guard let date = ISO8601.parse(raw) else {
                throw AWSClientError(
                    .credentialSource,
                    "credential_process `\(words[0])` printed an Expiration that is not ISO 8601"
                )
            }
            // Expired on arrival: signing with it would only get ExpiredToken from AWS, far from the cause.
            guard date > now() else {
                throw AWSClientError(
                    .credentialSource,
                    "credential_process `\(words[0])` returned credentials that expired at \(raw); fix or refresh "
                        + "what the process reads (an SSO login, a cache) and try again"
                )
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyID: output.AccessKeyId,
            secretAccessKey: output.SecretAccessKey,
            sessionToken: output.SessionToken,
            expiration: expiration,
            accountID: output.AccountId,
            source: "credential_process"
        )
    }
}
