import EKSAWS
import EKSKubernetes
import Foundation

/// Builds the environment of a `platformctl shell` and replaces the current process with the shell or command.
public enum TemporaryCredentialShell {
    /// Variables removed from the child's environment: they would make SDKs pick other credentials.
    public static let removedVariables = [
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME", "AWS_CREDENTIAL_EXPIRATION",
    ]

    /// The environment variable that marks a platformctl shell (its value is the role).
    public static let marker = "PLATFORMCTL_ROLE"

    /// The child's environment: the parent's, minus ``removedVariables``, plus the session's credentials, region and
    /// ``marker``.
    public static func environment(parent: [String: String], session: OperatorSession) -> [String: String] {
        var env = parent
        for name in removedVariables { env.removeValue(forKey: name) }
        env["AWS_ACCESS_KEY_ID"] = session.credentials.accessKeyID
        env["AWS_SECRET_ACCESS_KEY"] = session.credentials.secretAccessKey
        env["AWS_SESSION_TOKEN"] = session.credentials.sessionToken
        env["AWS_REGION"] = session.region
        env["AWS_DEFAULT_REGION"] = session.region
        if let expiration = session.expiration { env["AWS_CREDENTIAL_EXPIRATION"] = ISO8601.format(expiration) }
        env[marker] = session.requestedRole
        return env
    }

    /// Refuses to start inside another platformctl shell unless forced.
    /// - Throws: ``AWSClientError`` `.invalidParameter` naming the active role and its expiry.
    public static func checkNesting(parent: [String: String], force: Bool) throws {
        guard !force, let active = parent[marker], !active.isEmpty else { return }
        let until = parent["AWS_CREDENTIAL_EXPIRATION"].map { " (credentials until \($0))" } ?? ""
        throw AWSClientError(
            .invalidParameter,
            "already inside a platformctl shell for role \"\(active)\"\(until); exit it first, or pass --force to nest"
        )
    }

    /// "expires 14:05:00 UTC, in 59m 59s".
    public static func describeExpiry(_ expiration: Date?, now: Date = Date()) -> String {
        guard let expiration else { return "no expiry" }
        let seconds = max(0, Int(expiration.timeIntervalSince(now).rounded()))
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        let h = seconds / 3600
        let m = (seconds % 3600) / 60
        let s = seconds % 60
        let length = h > 0 ? "\(h)h \(m)m" : "\(m)m \(s)s"
        return "expires \(formatter.string(from: expiration)) UTC, in \(length)"
    }

    /// Replaces this process with `arguments` (looked up on the new `PATH`), so signals reach the child directly and
    /// its exit status is the shell's. Returns only on failure.
    /// - Throws: ``SubprocessError`` when the program cannot be found or started.
    public static func exec(_ arguments: [String], environment: [String: String]) throws -> Never {
        guard let program = arguments.first else { throw SubprocessError(message: "no command to run") }
        guard let path = Subprocess.locate(program, path: environment["PATH"]) else {
            throw SubprocessError(message: "`\(program)` was not found on PATH")
        }
        fflush(nil)  // flush every C stream before the process image is replaced
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(path, argv, envp)
        let reason = String(cString: strerror(errno))
        throw SubprocessError(message: "cannot run \(path): \(reason)")
    }
}
