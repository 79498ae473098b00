/// The environment each kind of child process gets: what it needs to run, never the credentials this process holds.
///
/// `op` and a profile's `credential_process` are started with secrets in the parent's environment (the AWS keys of
/// the current session, the keys just read from 1Password); neither needs them, and a hostile or buggy helper should
/// not see them.
package enum ChildEnvironment {
    /// Variables every child may see: where programs and home are, the user, locale, time zone, temp and XDG folders.
    static let common: Set<String> = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "SHELL", "TERM"]
    static let commonPrefixes = ["LC_", "XDG_"]

    /// The AWS variables that carry credentials.
    static let awsSecrets: Set<String> = [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
    ]

    static func keep(_ environment: [String: String], prefixes: [String], names: Set<String> = []) -> [String: String] {
        environment.filter { key, _ in
            common.contains(key) || names.contains(key)
                || (commonPrefixes + prefixes).contains { key.hasPrefix($0) }
        }
    }

    /// For the 1Password CLI: the common variables and its own (`OP_ACCOUNT`, `OP_SERVICE_ACCOUNT_TOKEN`,
    /// `OP_SESSION_*`, `OP_CONNECT_*`, …).
    package static func onePassword(_ environment: [String: String]) -> [String: String] {
        keep(environment, prefixes: ["OP_"])
    }

    /// For a profile's `credential_process`: the common variables and the AWS settings (profile, region, config
    /// files), but no AWS credentials.
    package static func credentialProcess(_ environment: [String: String]) -> [String: String] {
        keep(environment, prefixes: ["AWS_"]).filter { !awsSecrets.contains($0.key) }
    }
}
