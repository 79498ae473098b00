import EKSPlatformKit
import Foundation

/// The Kubernetes API for the cluster phase: `PLATFORMCTL_KUBE_API` (a loopback API server, how `scripts/demo` runs
/// against kube-fake), else the platform's EKS cluster once it exists.
func clusterConnection(session: AWSSession, platform: PlatformConfig, aws: AWSOptions) throws -> ClusterConnection {
    if let local = try localKubeConfiguration() {
        return ClusterConnection(session: session, clusterName: platform.name, target: .server(local))
    }
    return ClusterConnection(
        session: session,
        clusterName: platform.name,
        profile: aws.profile,
        endpointURL: aws.endpointURL.flatMap(URL.init(string:)),
        allowInsecureHTTP: insecureHTTPAllowed(flag: aws.allowInsecureHTTP)
    )
}

/// `PLATFORMCTL_KUBE_API` as a client configuration (loopback http only), or `nil` when it is not set.
func localKubeConfiguration(
    environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> KubeClientConfiguration? {
    guard let value = environment["PLATFORMCTL_KUBE_API"], !value.isEmpty else { return nil }
    guard let url = URL(string: value), let host = url.host, LoopbackHost.contains(host),
        url.scheme == "http" || url.scheme == "https"
    else {
        throw CLIError(
            message: "PLATFORMCTL_KUBE_API=\(value) is refused: only a loopback API server (http://127.0.0.1:PORT) may be "
                + "used this way"
        )
    }
    return KubeClientConfiguration(server: url)
}

/// Runs `body` with the engine for platform.yaml at `path` (session from the flags, cluster connection), then closes
/// the connection and the session whether `body` succeeded or not.
func withEngine<T>(
    config path: String,
    aws: AWSOptions,
    role: RoleOptions,
    parallelism: Int = 8,
    fullRefresh: Bool = false,
    nodeAMIReleases: PlatformEngine.NodeAMIReleasePolicy = .keep,
    header command: String? = nil,
    observer: (@Sendable (AWSAttemptRecord) -> Void)? = nil,
    _ body: (PlatformEngine) async throws -> T
) async throws -> T {
    let platform = try loadPlatformConfig(path)
    let session = try await platformSession(aws, config: platform, role: role, path: path, observer: observer)
    if let command {
        do {
            try await printHeader(command, platform: platform, session: session, aws: aws, role: role)
        } catch {
            try? await session.shutdown()
            throw CLIError(error)
        }
    }
    let cluster: ClusterConnection
    do {
        cluster = try clusterConnection(session: session, platform: platform, aws: aws)
    } catch {
        try? await session.shutdown()
        throw error
    }
    let engine = PlatformEngine(
        config: platform,
        session: session,
        cluster: cluster,
        parallelism: parallelism,
        fullRefresh: fullRefresh,
        nodeAMIReleases: nodeAMIReleases
    )
    do {
        let result = try await body(engine)
        await cluster.shutdown()
        try? await session.shutdown()
        return result
    } catch {
        await cluster.shutdown()
        try? await session.shutdown()
        throw error
    }
}

/// One line on stderr before anything else: which cluster, region, account (masked) and identity the command acts
/// as, so nobody plans or destroys in the wrong place by accident. The identity lookup is the session's one
/// `GetCallerIdentity`, which the engine then reuses.
func printHeader(
    _ command: String,
    platform: PlatformConfig,
    session: AWSSession,
    aws: AWSOptions,
    role: RoleOptions
) async throws {
    let identity = try await session.callerIdentity()
    var who = identity.arn
    if let role = role.role {
        who += " (operator role \(role))"
    } else if let profile = aws.profile {
        who += " (profile \(profile))"
    }
    FileHandle.standardError.write(
        Data(
            Console.redactor.redact(
                "platformctl \(command) · cluster \(platform.name) · region \(session.region.name) · account "
                    + "\(identity.account) · identity \(who)\n"
            ).utf8
        )
    )
}

/// Runs `body` holding the platform's run lock: removes a stale lock first with `--force-unlock`, waits up to
/// `--lock-timeout` for another run, and says on stderr whose lock it waited for, removed or took over.
func withPlatformLock<T: Sendable>(
    _ engine: PlatformEngine,
    command: String,
    options: LockOptions,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let lock = engine.lock()
    @Sendable func say(_ line: String) {
        FileHandle.standardError.write(Data((Console.redactor.redact(line) + "\n").utf8))
    }
    do {
        if options.forceUnlock, let removed = try await lock.forceUnlock() {
            say("removed the run lock held by \(removed.summary)")
        }
        let wait = try options.wait
        return try await lock.withLock(
            command: command,
            wait: wait,
            waiting: { say("waiting up to \(options.lockTimeout) for the run lock held by \($0.summary)") },
            tookOver: { say("took over a stale run lock (its lease ran out, or its process is gone): \($0.summary)") },
            body
        )
    } catch let error as PlatformLockError {
        throw CLIError(error)
    }
}

/// `PLATFORMCTL_INSIDE_VPC=1`: this machine reaches the cluster's private endpoint (a runner in the VPC, or a VPN),
/// so a platform without a public endpoint is not a preflight finding.
func runsInsideVPC(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    environment["PLATFORMCTL_INSIDE_VPC"] == "1"
}
