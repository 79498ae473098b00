import EKSAWS
import Foundation
import Synchronization

/// Makes EKS tokens for one cluster: from the on-disk cache when a good one is there, otherwise by signing with the
/// current AWS credentials (after assuming a role when asked). Used by `platformctl token` and by ``KubeClient``.
///
/// The cache lookup touches no network and creates no HTTP client: the region and the signing identity are worked
/// out from flags, the environment and the shared AWS files only.
public final class EKSTokenProvider: Sendable {
    /// What the token is for and how to get credentials.
    public struct Options: Sendable {
        /// The cluster name (signed as `x-k8s-aws-id`).
        public var clusterName: String
        /// The region; otherwise `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region.
        public var region: String?
        /// Assume this role first (session name `EKSGetTokenAuth`): an IAM role ARN, or the name (with any path) of
        /// a role in the signing identity's own account — the form a kubeconfig can carry without the account id.
        public var roleARN: String?
        public var profile: String?
        /// An endpoint for STS calls (assume role); the token itself always names the regional STS host.
        public var endpointURL: URL?
        /// Allow a plain-http STS endpoint that is not this machine (see ``AWSEndpointResolver/allowInsecureHTTP``).
        public var allowInsecureHTTP: Bool
        /// Use the on-disk cache.
        public var useCache: Bool
        /// The cache directory; `nil` means the default one.
        public var cacheDirectory: String?
        public var environment: [String: String]
        /// Explicit credentials (skip the chain), e.g. from code.
        public var credentials: AWSCredentials?

        /// Creates options.
        public init(
            clusterName: String,
            region: String? = nil,
            roleARN: String? = nil,
            profile: String? = nil,
            endpointURL: URL? = nil,
            useCache: Bool = true,
            cacheDirectory: String? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment,
            credentials: AWSCredentials? = nil,
            allowInsecureHTTP: Bool = false
        ) {
            self.clusterName = clusterName
            self.region = region
            self.roleARN = roleARN
            self.profile = profile
            self.endpointURL = endpointURL
            self.useCache = useCache
            self.cacheDirectory = cacheDirectory
            self.environment = environment
            self.credentials = credentials
            self.allowInsecureHTTP = allowInsecureHTTP
        }
    }

    public let options: Options
    /// The resolved region.
    public let region: AWSRegion
    /// The shared AWS files.
    let shared: AWSSharedConfiguration
    /// The cache, when enabled and a directory is known.
    public let cache: EKSTokenCache?
    public let cacheKey: EKSTokenCache.Key
    /// Where warnings go (stderr in the CLI).
    let warn: @Sendable (String) -> Void
    let clock: @Sendable () -> Date
    /// Whether a network transport was created (the CLI shuts it down only then).
    let transport = LazyTransport()
    /// The in-memory token (for long-lived users such as ``KubeClient``).
    private let memory = Mutex<EKSToken?>(nil)

    /// Resolves the region, the identity and the cache location; no network.
    /// - Throws: ``EKSTokenError`` or ``AWSClientError`` for a missing cluster name, region or a broken profile.
    public init(
        _ options: Options,
        warn: @escaping @Sendable (String) -> Void = { _ in },
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        guard !options.clusterName.isEmpty else {
            throw EKSTokenError(.invalidInput, "the cluster name is empty; a token is for one named cluster")
        }
        var env = options.environment
        // Explicit credentials replace any profile, so a stale AWS_PROFILE must not matter (or fail) here.
        if options.credentials != nil, options.profile == nil { env.removeValue(forKey: "AWS_PROFILE") }
        let shared = try AWSSharedConfiguration(profile: options.profile, environment: env)
        let candidates: [(String?, String)] = [
            (options.region, "--region"), (env["AWS_REGION"], "AWS_REGION"),
            (env["AWS_DEFAULT_REGION"], "AWS_DEFAULT_REGION"), (shared.value("region"), "profile \(shared.profileName)"),
        ]
        guard let chosen = candidates.first(where: { !($0.0 ?? "").isEmpty }), let name = chosen.0 else {
            throw AWSClientError(
                .invalidRegion,
                "no AWS region configured; set AWS_REGION, add `region = …` to the profile, or give one in the options"
            )
        }
        do {
            self.region = try AWSRegion(name, allowUnknown: options.endpointURL != nil)
        } catch let error as AWSClientError {
            throw AWSClientError(error.code, error.message + " (the region came from \(chosen.1))")
        }
        self.options = options
        self.shared = shared
        self.warn = warn
        self.clock = clock
        self.cacheKey = EKSTokenCache.Key(
            cluster: options.clusterName,
            region: region.name,
            identity: Self.identity(options: options, shared: shared),
            roleARN: options.roleARN
        )
        if options.useCache, let directory = options.cacheDirectory ?? EKSTokenCache.defaultDirectory(environment: env) {
            self.cache = EKSTokenCache(directory: directory)
        } else {
            self.cache = nil
        }
    }

    /// Who signs, as far as it can be known without resolving credentials: explicit or environment keys' access key
    /// id, a profile's static key id, or the profile name (plus its role) for profiles that fetch credentials.
    static func identity(options: Options, shared: AWSSharedConfiguration) -> String {
        if let credentials = options.credentials { return credentials.accessKeyID }
        if let key = options.environment["AWS_ACCESS_KEY_ID"], !key.isEmpty { return key }
        if let settings = shared.settings(for: shared.profileName) {
            if let role = settings["role_arn"] { return "profile:\(shared.profileName):role:\(role)" }
            if let key = settings["aws_access_key_id"] { return key }
        }
        return "profile:\(shared.profileName)"
    }

    /// Whether a network client was created (a token cache hit and environment keys need none).
    public var usedNetwork: Bool { transport.wasUsed }

    /// Closes the HTTP client, if one was made; call when done with the provider.
    public func shutdown() async { await transport.shutdown() }

    /// A cached token, if a good one is on disk (no signing, no network).
    public func cachedToken() -> EKSToken? {
        guard let cache else { return nil }
        return cache.lookup(cacheKey, now: clock(), warn: warn)
    }

    /// A token: the in-memory one or the cached one while good, else a freshly signed one (then cached).
    public func token() async throws -> EKSToken {
        let now = clock()
        if let held = memory.withLock({ $0 }), held.expiration.timeIntervalSince(now) > 60 { return held }
        if let cached = cachedToken() {
            memory.withLock { $0 = cached }
            return cached
        }
        let fresh = try await freshToken()
        memory.withLock { $0 = fresh }
        return fresh
    }

    /// Signs a new token (assuming the role first when one is set) and stores it in the cache.
    public func freshToken() async throws -> EKSToken {
        let credentials = try await signingCredentials()
        var token = try EKSToken.make(
            clusterName: options.clusterName,
            region: region,
            credentials: credentials,
            date: clock()
        )
        if let expiry = credentials.expiration, expiry < token.expiration { token.expiration = expiry }
        if let cache {
            do {
                try cache.store(token, for: cacheKey)
            } catch {
                warn("warning: \(error)")
            }
        }
        return token
    }

    /// The credentials that sign: explicit ones, or the default chain's, then the role's when `roleARN` is set.
    func signingCredentials() async throws -> AWSCredentials {
        let endpoints = AWSEndpointResolver(
            explicitEndpoint: options.endpointURL,
            environment: options.environment,
            shared: shared,
            allowInsecureHTTP: options.allowInsecureHTTP
        )
        let context = AWSCredentialContext(
            environment: options.environment,
            shared: shared,
            region: region,
            endpoints: endpoints,
            transport: transport
        )
        let base: AWSCredentials
        if let explicit = options.credentials {
            base = explicit
        } else {
            base = try await context.defaultChain().credentials()
        }
        guard let requested = options.roleARN else { return base }
        let client = AWSClient(
            region: region,
            credentialProvider: StaticCredentialProvider(base),
            endpoints: endpoints,
            transport: transport,
            clock: clock
        )
        let roleARN: String
        if let arn = ARN(parsing: requested) {
            guard arn.iamRoleNameWithPath != nil else {
                throw EKSTokenError(
                    .invalidInput,
                    "the role \"\(requested)\" to assume is not an IAM role ARN (arn:aws:iam::…:role/NAME)"
                )
            }
            roleARN = requested
        } else if ARN.isIAMRoleNameWithPath(requested) {
            // A bare name means "in my own account": one GetCallerIdentity supplies the account and partition.
            let caller = try await STSClient(client: client).getCallerIdentity()
            guard let callerARN = ARN(parsing: caller.arn),
                let resolved = ARN.iamRole(nameWithPath: requested, account: caller.account, partition: callerARN.partition)
            else {
                throw EKSTokenError(
                    .invalidInput,
                    "STS returned a caller ARN that cannot be parsed; cannot resolve \"\(requested)\""
                )
            }
            roleARN = resolved.description
        } else {
            throw EKSTokenError(
                .invalidInput,
                "the role \"\(requested)\" to assume is neither an IAM role ARN (arn:aws:iam::…:role/NAME) nor a role "
                    + "name in your own account (NAME or PATH/NAME)"
            )
        }
        let assumed = try await STSClient(client: client).assumeRole(roleARN: roleARN, sessionName: "EKSGetTokenAuth")
        return assumed.credentials
    }
}

/// A transport that creates its ``AsyncHTTPTransport`` only when a request is really sent, so that paths that never
/// reach the network (a token cache hit, signing with environment keys) start no HTTP client.
final class LazyTransport: AWSHTTPTransport {
    private let made = Mutex<AsyncHTTPTransport?>(nil)

    /// Whether a request was sent.
    var wasUsed: Bool { made.withLock { $0 != nil } }

    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse {
        let transport = made.withLock { current in
            if let current { return current }
            let fresh = AsyncHTTPTransport()
            current = fresh
            return fresh
        }
        return try await transport.send(request, timeout: timeout)
    }

    /// Closes the transport if one was made.
    func shutdown() async {
        try? await made.withLock { $0 }?.shutdown()
    }
}
