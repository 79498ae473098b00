import Foundation
import Logging
import Synchronization

/// Options a user gives on the command line (or a program in code) for reaching AWS.
public struct AWSSessionOptions: Sendable {
    public var profile: String?
    public var region: String?
    /// `--endpoint-url`, for every service.
    public var endpointURL: URL?
    /// Overrides `AWS_MAX_ATTEMPTS` / profile `max_attempts`.
    public var maxAttempts: Int?
    /// The environment (injected by tests).
    public var environment: [String: String]
    /// Asks for MFA codes.
    public var mfaTokenProvider: MFATokenProvider?
    /// Explicit credentials that replace the chain (e.g. from `platformctl shell` logic or 1Password).
    public var credentials: AWSCredentials?
    /// The sleeper for retries.
    public var sleeper: AWSSleeper?
    /// Called after each HTTP attempt.
    public var observer: (@Sendable (AWSAttemptRecord) -> Void)?
    /// Masks secrets and the account id in what the session and the code using it print; what the session learns
    /// (the caller's account id, credentials it resolves) is registered here. Share one between the sessions and
    /// the output of one program.
    public var redactor: Redactor
    /// The HTTP transport to use; `nil` makes the session create (and, in ``AWSSession/shutdown()``, close) its own.
    public var transport: (any AWSHTTPTransport)?
    /// Allow plain-http endpoints that are not this machine (see ``AWSEndpointResolver/allowInsecureHTTP``).
    public var allowInsecureHTTP: Bool

    /// Creates options.
    public init(
        profile: String? = nil,
        region: String? = nil,
        endpointURL: URL? = nil,
        maxAttempts: Int? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        mfaTokenProvider: MFATokenProvider? = nil,
        credentials: AWSCredentials? = nil,
        sleeper: AWSSleeper? = nil,
        observer: (@Sendable (AWSAttemptRecord) -> Void)? = nil,
        redactor: Redactor = Redactor(),
        transport: (any AWSHTTPTransport)? = nil,
        allowInsecureHTTP: Bool = false
    ) {
        self.profile = profile
        self.region = region
        self.endpointURL = endpointURL
        self.maxAttempts = maxAttempts
        self.environment = environment
        self.mfaTokenProvider = mfaTokenProvider
        self.credentials = credentials
        self.sleeper = sleeper
        self.observer = observer
        self.redactor = redactor
        self.transport = transport
        self.allowInsecureHTTP = allowInsecureHTTP
    }
}

/// A resolved way to reach AWS: region, endpoints, cached credentials, retries, an HTTP transport and a redactor.
///
/// A session owns the transport it creates: call ``shutdown()`` when done with it (a forgotten call leaks nothing,
/// see ``AsyncHTTPTransport``). Nothing here is process-wide: two sessions never share state they did not both get
/// from their options.
public final class AWSSession: Sendable {
    public let region: AWSRegion
    /// Where the region came from (for messages), e.g. `--region` or `AWS_REGION`.
    public let regionSource: String
    /// The shared files.
    public let shared: AWSSharedConfiguration
    /// Endpoint rules.
    public let endpoints: AWSEndpointResolver
    /// The cached credential provider.
    public let credentials: any AWSCredentialProvider
    /// The one client every service client uses.
    public let client: AWSClient
    /// Masks the account id and secrets in output about this session (the caller's account id is registered by the
    /// code that looks it up).
    public let redactor: Redactor
    /// The HTTP transport every request of this session goes through.
    public let transport: any AWSHTTPTransport
    /// The transport to close in ``shutdown()``: the one the session made itself.
    private let ownedTransport: AsyncHTTPTransport?
    /// The caller's identity once asked for (credentials do not change identity within a session).
    private let identity = Mutex<STSClient.CallerIdentity?>(nil)

    /// Resolves everything from `options` and the environment.
    /// - Throws: ``AWSClientError`` for a malformed config file, a missing or unknown region, a bad endpoint.
    public init(_ options: AWSSessionOptions, logger: Logger = Logger(label: "eksplatform.aws")) throws {
        var env = options.environment
        // Explicit credentials replace any profile, so a stale AWS_PROFILE must not matter (or fail) here.
        if options.credentials != nil, options.profile == nil { env.removeValue(forKey: "AWS_PROFILE") }
        let shared = try AWSSharedConfiguration(profile: options.profile, environment: env)
        let endpoints = AWSEndpointResolver(
            explicitEndpoint: options.endpointURL,
            environment: env,
            shared: shared,
            allowInsecureHTTP: options.allowInsecureHTTP
        )
        let candidates: [(String?, String)] = [
            (options.region, "--region"),
            (env["AWS_REGION"], "AWS_REGION"),
            (env["AWS_DEFAULT_REGION"], "AWS_DEFAULT_REGION"),
            (shared.value("region"), "region of profile \(shared.profileName)"),
        ]
        guard let (name, source) = candidates.first(where: { !($0.0 ?? "").isEmpty }).map({ ($0.0 ?? "", $0.1) }) else {
            throw AWSClientError(
                .invalidRegion,
                "no AWS region configured; set AWS_REGION, add `region = …` to the profile, or give one in the options"
            )
        }
        let custom = endpoints.hasCustomEndpoint(for: .sts) || endpoints.hasCustomEndpoint(for: .ec2)
        let region: AWSRegion
        do {
            region = try AWSRegion(name, allowUnknown: custom)
        } catch let error as AWSClientError {
            throw AWSClientError(error.code, error.message + " (the region came from \(source))")
        }
        var attempts = 3
        if let raw = env["AWS_MAX_ATTEMPTS"] ?? shared.value("max_attempts") {
            guard let value = Int(raw), value >= 1 else {
                throw AWSClientError(.malformedConfig, "max attempts \"\(raw)\" must be a whole number of at least 1")
            }
            attempts = value
        }
        if let explicit = options.maxAttempts { attempts = max(1, explicit) }
        let quota = AWSRetryQuota()
        let retry =
            options.sleeper.map { AWSRetryStrategy(maxAttempts: attempts, quota: quota, sleeper: $0) }
            ?? AWSRetryStrategy(maxAttempts: attempts, quota: quota)
        let owned = options.transport == nil ? AsyncHTTPTransport() : nil
        let transport: any AWSHTTPTransport = options.transport ?? owned ?? AsyncHTTPTransport()
        let context = AWSCredentialContext(
            environment: env,
            shared: shared,
            region: region,
            endpoints: endpoints,
            transport: transport,
            retry: retry,
            mfaTokenProvider: options.mfaTokenProvider
        )
        let provider = RedactingCredentialProvider(
            options.credentials.map { StaticCredentialProvider($0) } ?? CachingCredentialProvider(context.defaultChain()),
            redactor: options.redactor
        )
        self.region = region
        self.redactor = options.redactor
        self.transport = transport
        self.ownedTransport = owned
        self.regionSource = source
        self.shared = shared
        self.endpoints = endpoints
        self.credentials = provider
        self.client = AWSClient(
            region: region,
            credentialProvider: provider,
            endpoints: endpoints,
            retry: retry,
            transport: transport,
            observer: options.observer,
            logger: logger
        )
    }

    /// Closes the HTTP transport the session created (a transport passed in options is the caller's to close).
    /// Requests after this fail.
    public func shutdown() async throws {
        try await ownedTransport?.shutdown()
    }

    /// An STS client.
    public var sts: STSClient { STSClient(client: client) }

    /// Who the session's credentials belong to: one `GetCallerIdentity`, then remembered, so a front end that names
    /// the account before planning and the engine that needs it for ARNs share one request. The account id is
    /// registered with the redactor.
    public func callerIdentity() async throws -> STSClient.CallerIdentity {
        if let known = identity.withLock({ $0 }) { return known }
        let fresh = try await sts.getCallerIdentity()
        redactor.register(accountID: fresh.account)
        identity.withLock { $0 = fresh }
        return fresh
    }
}
