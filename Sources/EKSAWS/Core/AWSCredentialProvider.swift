import Foundation

/// Something that hands out credentials: a single source, a chain, or a cache around either.
public protocol AWSCredentialProvider: Sendable {
    /// The credentials to sign the next request with.
    /// - Throws: ``AWSClientError`` `.noCredentials` or `.credentialSource`.
    func credentials() async throws -> AWSCredentials
}

/// Fixed credentials.
public struct StaticCredentialProvider: AWSCredentialProvider {
    /// The credentials.
    public let value: AWSCredentials
    /// Creates a provider that always returns `value`.
    public init(_ value: AWSCredentials) { self.value = value }
    /// Returns the fixed credentials.
    public func credentials() async throws -> AWSCredentials { value }
}

/// Registers every secret its base provider hands out (secret access key, session token) with a ``Redactor``,
/// wherever it came from — environment, profile, `credential_process`, web identity, STS — so that an endpoint that
/// echoes them back in an error body cannot make them appear in output.
public struct RedactingCredentialProvider: AWSCredentialProvider {
    /// Where credentials come from.
    public let base: any AWSCredentialProvider
    /// Where their secrets are registered.
    public let redactor: Redactor

    /// Wraps `base`.
    public init(_ base: any AWSCredentialProvider, redactor: Redactor) {
        self.base = base
        self.redactor = redactor
    }

    /// The base provider's credentials, their secrets registered first.
    public func credentials() async throws -> AWSCredentials {
        let credentials = try await base.credentials()
        redactor.register(secret: credentials.secretAccessKey)
        if let token = credentials.sessionToken { redactor.register(secret: token) }
        return credentials
    }
}

/// Caches credentials in memory and refreshes them a margin before they expire; concurrent callers share one refresh.
public actor CachingCredentialProvider: AWSCredentialProvider {
    private let upstream: any AWSCredentialProvider
    private let refreshMargin: TimeInterval
    private let clock: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var refreshing: Task<AWSCredentials, any Error>?

    /// Wraps `upstream`; credentials are refreshed when they expire within `refreshMargin` seconds.
    public init(
        _ upstream: any AWSCredentialProvider,
        refreshMargin: TimeInterval = 300,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.upstream = upstream
        self.refreshMargin = refreshMargin
        self.clock = clock
    }

    /// Cached credentials, or fresh ones when none are cached or they are about to expire.
    public func credentials() async throws -> AWSCredentials {
        if let cached, !cached.expires(within: refreshMargin, of: clock()) { return cached }
        if let refreshing { return try await refreshing.value }
        let task = Task { try await upstream.credentials() }
        refreshing = task
        defer { refreshing = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh
    }
}

/// Asks the user for an MFA code for a device serial (a terminal prompt, 1Password, or a test).
public typealias MFATokenProvider = @Sendable (_ serialNumber: String) async throws -> String

/// One credential source in a chain. `nil` means "not configured here, try the next one"; a throw means "configured,
/// but failed" and stops the chain, so a broken profile is never silently replaced by other credentials.
public protocol AWSCredentialSource: Sendable {
    /// A short name for the "sources tried" message, e.g. `environment variables`.
    var name: String { get }
    /// Resolves credentials, or `nil` when this source is not configured.
    func resolve() async throws -> AWSCredentials?
}

/// Tries sources in order; the first that is configured wins.
public struct AWSCredentialChain: AWSCredentialProvider {
    /// The sources, in order.
    public let sources: [any AWSCredentialSource]

    /// Creates a chain.
    public init(_ sources: [any AWSCredentialSource]) { self.sources = sources }

    /// Credentials from the first configured source.
    public func credentials() async throws -> AWSCredentials {
        for source in sources {
            if let credentials = try await source.resolve() { return credentials }
        }
        throw AWSClientError(
            .noCredentials,
            "no AWS credentials found; tried: " + sources.map(\.name).joined(separator: ", ")
                + ". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a profile (AWS_PROFILE or the session "
                + "options) that has credentials"
        )
    }
}

/// Everything credential sources need: environment, shared files, and a way to call STS.
public struct AWSCredentialContext: Sendable {
    public var environment: [String: String]
    /// The shared config and credentials files.
    public var shared: AWSSharedConfiguration
    /// The region STS calls go to.
    public var region: AWSRegion
    /// Endpoint rules (STS may be pointed at an emulator).
    public var endpoints: AWSEndpointResolver
    /// The transport for STS calls.
    public var transport: any AWSHTTPTransport
    /// The retry strategy for STS calls.
    public var retry: AWSRetryStrategy
    /// Supplies MFA codes for `mfa_serial`.
    public var mfaTokenProvider: MFATokenProvider?
    public var clock: @Sendable () -> Date

    /// Creates a context.
    public init(
        environment: [String: String],
        shared: AWSSharedConfiguration,
        region: AWSRegion,
        endpoints: AWSEndpointResolver,
        transport: any AWSHTTPTransport,
        retry: AWSRetryStrategy = AWSRetryStrategy(),
        mfaTokenProvider: MFATokenProvider? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.environment = environment
        self.shared = shared
        self.region = region
        self.endpoints = endpoints
        self.transport = transport
        self.retry = retry
        self.mfaTokenProvider = mfaTokenProvider
        self.clock = clock
    }

    /// An STS client that signs with `credentials` (or sends unsigned calls only, when `nil`).
    func sts(_ credentials: AWSCredentials?) -> STSClient {
        let provider: any AWSCredentialProvider =
            credentials.map { StaticCredentialProvider($0) }
            ?? StaticCredentialProvider(AWSCredentials(accessKeyID: "", secretAccessKey: "", source: "none"))
        return STSClient(
            client: AWSClient(
                region: region,
                credentialProvider: provider,
                endpoints: endpoints,
                retry: retry,
                transport: transport,
                clock: clock
            )
        )
    }

    /// The default chain, in the SDKs' order: environment variables, web identity from the environment, the selected
    /// profile, then container credentials (ECS, EKS Pod Identity) and the EC2 instance role (IMDSv2).
    public func defaultChain() -> AWSCredentialChain {
        AWSCredentialChain([
            EnvironmentCredentialSource(environment: environment),
            WebIdentityCredentialSource(context: self),
            ProfileCredentialSource(context: self, profile: shared.profileName),
            ContainerCredentialSource(context: self),
            InstanceMetadataCredentialSource(context: self),
        ])
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`.
public struct EnvironmentCredentialSource: AWSCredentialSource {
    public let environment: [String: String]
    /// `environment variables`.
    public var name: String { "environment variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)" }

    /// Creates the source.
    public init(environment: [String: String]) { self.environment = environment }

    /// Credentials from the environment, or `nil` when the key id is not set.
    public func resolve() async throws -> AWSCredentials? {
        guard let keyID = environment["AWS_ACCESS_KEY_ID"], !keyID.isEmpty else { return nil }
        guard let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            throw AWSClientError(
                .credentialSource,
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset AWS_ACCESS_KEY_ID"
            )
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(
            accessKeyID: keyID,
            secretAccessKey: secret,
            sessionToken: token,
            expiration: environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(ISO8601.parse),
            source: "environment"
        )
    }
}

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`), as CI systems and EKS pods use.
public struct WebIdentityCredentialSource: AWSCredentialSource {
    public let context: AWSCredentialContext
    /// The source name.
    public var name: String { "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN)" }

    /// Creates the source.
    public init(context: AWSCredentialContext) { self.context = context }

    /// Credentials from STS for the token file's token, or `nil` when the variables are not set.
    public func resolve() async throws -> AWSCredentials? {
        let env = context.environment
        guard let tokenFile = env["AWS_WEB_IDENTITY_TOKEN_FILE"], !tokenFile.isEmpty else { return nil }
        guard let roleARN = env["AWS_ROLE_ARN"], !roleARN.isEmpty else {
            throw AWSClientError(
                .credentialSource,
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume"
            )
        }
        return try await Self.assume(
            context: context,
            tokenFile: tokenFile,
            roleARN: roleARN,
            sessionName: env["AWS_ROLE_SESSION_NAME"],
            origin: "AWS_WEB_IDENTITY_TOKEN_FILE"
        )
    }

    static func assume(
        context: AWSCredentialContext,
        tokenFile: String,
        roleARN: String,
        sessionName: String?,
        origin: String
    ) async throws -> AWSCredentials {
        guard let data = FileManager.default.contents(atPath: tokenFile),
            let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !token.isEmpty
        else {
            throw AWSClientError(
                .credentialSource,
                "the web identity token file \(tokenFile) (\(origin)) is missing, unreadable or empty"
            )
        }
        do {
            var result = try await context.sts(nil).assumeRoleWithWebIdentity(
                roleARN: roleARN,
                sessionName: sessionName ?? "platformctl-\(Int(context.clock().timeIntervalSince1970))",
                webIdentityToken: token
            )
            result.credentials.source = "web identity"
            return result.credentials
        } catch let error as AWSServiceError {
            throw AWSClientError(.credentialSource, "web identity: STS refused AssumeRoleWithWebIdentity: \(error)")
        }
    }
}
