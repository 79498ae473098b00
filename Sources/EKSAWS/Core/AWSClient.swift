import Foundation
import Logging

/// One AWS operation call, before endpoint, signing and retries.
public struct AWSCall: Sendable {
    /// The operation name, e.g. `DescribeVpcs`.
    public var operation: String
    /// The HTTP method.
    public var method: String
    /// The path, percent-encoded, starting with `/`.
    public var path: String
    /// Query parameters (rest-json), unencoded.
    public var query: [(String, String)]
    /// Extra headers.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whether the call changes anything (for request accounting and `--dry-run` style checks).
    public var isMutating: Bool
    /// Whether the call is sent without a signature (STS `AssumeRoleWithWebIdentity` needs no credentials).
    public var isUnsigned = false

    /// Creates a call.
    public init(
        operation: String,
        method: String = "POST",
        path: String = "/",
        query: [(String, String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        isMutating: Bool
    ) {
        self.operation = operation
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.isMutating = isMutating
    }

    /// A query-protocol call (EC2, IAM, STS).
    package static func query(
        _ operation: String,
        _ parameters: QueryParameters,
        version: String,
        isMutating: Bool
    ) -> AWSCall {
        AWSCall(
            operation: operation,
            headers: [("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(parameters.body(action: operation, version: version).utf8),
            isMutating: isMutating
        )
    }

    /// A JSON-protocol call (SQS, EventBridge) with an encodable input.
    public static func json<Input: Encodable>(
        _ operation: String,
        _ input: Input,
        service: AWSServiceDescriptor,
        isMutating: Bool
    ) throws -> AWSCall {
        guard case .json(let version, let prefix) = service.wireProtocol else {
            throw AWSClientError(.invalidParameter, "\(service.serviceID) does not speak the JSON protocol")
        }
        return AWSCall(
            operation: operation,
            headers: [("content-type", "application/x-amz-json-\(version)"), ("x-amz-target", "\(prefix).\(operation)")],
            body: Array(try AWSJSON.encoder().encode(input)),
            isMutating: isMutating
        )
    }
}

/// What happened on one HTTP attempt, for observers (request counting, benchmarks, debug logs).
public struct AWSAttemptRecord: Sendable {
    /// The service signing name.
    public var service: String
    public var operation: String
    /// Whether the operation mutates.
    public var isMutating: Bool
    /// 1 for the first attempt.
    public var attempt: Int
    /// The HTTP status, or `nil` for a transport failure.
    public var statusCode: Int?
    /// The error code, if the attempt failed.
    public var errorCode: String?
    /// How long the attempt took.
    public var duration: Duration
    /// For a failed attempt that will be retried: how long the client waits first (`nil`: no retry follows).
    public var retryingIn: Duration? = nil
}

/// The one path every AWS call takes: endpoint → sign → send → decode errors → retry.
public final class AWSClient: Sendable {
    /// The version of this library (EKSAWS and the EKSPlatformKit package it ships in).
    public static let libraryVersion = "0.1.0"
    /// The `User-Agent` every request carries.
    public static let userAgent = "platformctl/\(libraryVersion) (EKSPlatformKit)"

    /// The region calls go to.
    public let region: AWSRegion
    /// Where credentials come from.
    public let credentialProvider: any AWSCredentialProvider
    /// The endpoint rules.
    public let endpoints: AWSEndpointResolver
    /// The retry rules.
    public let retry: AWSRetryStrategy
    /// The network.
    public let transport: any AWSHTTPTransport
    /// How long one attempt may take, body included.
    public let attemptTimeout: Duration
    /// The clock used for signing.
    public let clock: @Sendable () -> Date
    /// Called after every attempt.
    public let observer: (@Sendable (AWSAttemptRecord) -> Void)?
    /// Debug logging (already redacted).
    public let logger: Logger

    /// Creates a client.
    /// - Parameters:
    ///   - region: the region.
    ///   - credentialProvider: the credential source (usually ``AWSCredentialChain``).
    ///   - endpoints: endpoint resolution.
    ///   - retry: the retry strategy.
    ///   - transport: the HTTP transport (``AWSSession`` makes one per session).
    ///   - attemptTimeout: the limit for one attempt.
    ///   - clock: the signing clock.
    ///   - observer: called after each attempt.
    ///   - logger: a logger for debug output.
    public init(
        region: AWSRegion,
        credentialProvider: any AWSCredentialProvider,
        endpoints: AWSEndpointResolver,
        retry: AWSRetryStrategy = AWSRetryStrategy(),
        transport: any AWSHTTPTransport,
        attemptTimeout: Duration = .seconds(30),
        clock: @escaping @Sendable () -> Date = { Date() },
        observer: (@Sendable (AWSAttemptRecord) -> Void)? = nil,
        logger: Logger = Logger(label: "eksplatform.aws")
    ) {
        self.region = region
        self.credentialProvider = credentialProvider
        self.endpoints = endpoints
        self.retry = retry
        self.transport = transport
        self.attemptTimeout = attemptTimeout
        self.clock = clock
        self.observer = observer
        self.logger = logger
    }

    /// Executes `call` and decodes its JSON response as `Output` (the REST-JSON and JSON protocols: EKS, SQS,
    /// EventBridge); an empty body decodes as `{}`. A body that is not that JSON is an `.invalidResponse` naming the
    /// service and operation.
    package func executeJSON<Output: Decodable>(
        _ call: AWSCall,
        service: AWSServiceDescriptor,
        as output: Output.Type = Output.self
    ) async throws -> Output {
        let response = try await execute(call, service: service)
        return try AWSJSON.decode(Output.self, from: response.body, service: service.signingName, operation: call.operation)
    }

    /// A JSON-protocol operation (SQS, EventBridge): `input` encoded as the body, the target header set, the answer
    /// decoded as `Output`.
    package func json<Input: Encodable, Output: Decodable>(
        _ operation: String,
        _ input: Input,
        service: AWSServiceDescriptor,
        mutating: Bool
    ) async throws -> Output {
        try await executeJSON(try AWSCall.json(operation, input, service: service, isMutating: mutating), service: service)
    }

    /// Sends a call and returns the successful (2xx) response.
    /// - Throws: ``AWSServiceError`` for service errors, ``AWSClientError`` for everything on our side.
    public func execute(_ call: AWSCall, service: AWSServiceDescriptor) async throws -> AWSHTTPResponse {
        let (endpoint, signingRegion) = try endpoints.resolve(service, region: region)
        let url = try Self.url(endpoint: endpoint, path: call.path, query: call.query)
        var attempt = 0
        var spent = 0
        while true {
            attempt += 1
            let started = ContinuousClock.now
            do {
                let response = try await attemptOnce(call, url: url, service: service, signingRegion: signingRegion)
                logger.debug(
                    "\(service.signingName) \(call.operation) attempt \(attempt): HTTP \(response.statusCode)",
                    metadata: ["request-id": "\(response.header("x-amzn-RequestId") ?? "-")"]
                )
                observer?(
                    AWSAttemptRecord(
                        service: service.signingName,
                        operation: call.operation,
                        isMutating: call.isMutating,
                        attempt: attempt,
                        statusCode: response.statusCode,
                        errorCode: nil,
                        duration: ContinuousClock.now - started
                    )
                )
                await retry.quota.succeeded(refund: spent)
                return response
            } catch {
                let error = Self.naming(error, service: service.signingName, operation: call.operation)
                let code = (error as? AWSServiceError)?.code ?? (error as? AWSClientError)?.code.rawValue
                var record = AWSAttemptRecord(
                    service: service.signingName,
                    operation: call.operation,
                    isMutating: call.isMutating,
                    attempt: attempt,
                    statusCode: (error as? AWSServiceError)?.statusCode,
                    errorCode: code,
                    duration: ContinuousClock.now - started
                )
                let (retryable, cost) = AWSRetryStrategy.classify(error)
                guard retryable, attempt < retry.maxAttempts else {
                    observer?(record)
                    throw await Self.namingCredentialSource(error, provider: credentialProvider)
                }
                guard await retry.quota.acquire(cost) else {
                    observer?(record)
                    logger.debug("retry quota exhausted; not retrying \(service.signingName) \(call.operation)")
                    throw error
                }
                spent += cost
                let delay = retry.backoff(attempt: attempt)
                record.retryingIn = delay
                observer?(record)
                logger.debug(
                    "\(service.signingName) \(call.operation) attempt \(attempt) failed (\(code ?? "?")); retrying in \(delay)"
                )
                try await retry.sleeper(delay)
            }
        }
    }

    private func attemptOnce(
        _ call: AWSCall,
        url: URL,
        service: AWSServiceDescriptor,
        signingRegion: String
    ) async throws -> AWSHTTPResponse {
        var headers = call.headers
        headers.append(("user-agent", AWSClient.userAgent))
        let signed: [(name: String, value: String)]
        if call.isUnsigned {
            signed = headers
        } else {
            let credentials = try await credentialProvider.credentials()
            let signer = SigV4Signer(credentials: credentials, region: signingRegion, service: service.signingName)
            signed = signer.signHeaders(method: call.method, url: url, headers: headers, body: call.body, date: clock())
        }
        let request = AWSHTTPRequest(method: call.method, url: url, headers: signed, body: call.body)
        let response = try await transport.send(request, timeout: attemptTimeout)
        if (300..<400).contains(response.statusCode) {
            throw Self.redirectRefused(response, url: url, service: service.signingName, operation: call.operation)
        }
        guard (200..<300).contains(response.statusCode) else {
            throw AWSErrorDecoder.decode(response, service: service, operation: call.operation)
        }
        return response
    }

    /// The error for a 3xx answer: it names the endpoint and where it pointed, and is never retried.
    static func redirectRefused(_ response: AWSHTTPResponse, url: URL, service: String, operation: String) -> AWSClientError {
        let target = response.header("location").flatMap { URL(string: $0, relativeTo: url)?.absoluteURL.host }
        return AWSClientError(
            .redirectRefused,
            "the endpoint \(url.host ?? "?") answered HTTP \(response.statusCode), redirecting to "
                + "\(target ?? "an unnamed location"); redirects are never followed, because the signed request, its "
                + "credentials and its body would go to that host: check the endpoint URL",
            service: service,
            operation: operation
        )
    }

    /// Transport and response errors from the transport do not know the call; name its service and operation.
    /// For an expired or unknown token, says where the credentials came from and how to renew them there: AWS's own
    /// message ("The security token included in the request is expired") names neither.
    static func namingCredentialSource(_ error: any Error, provider: any AWSCredentialProvider) async -> any Error {
        guard var serviceError = error as? AWSServiceError, AWSServiceError.credentialCodes.contains(serviceError.code),
            let source = try? await provider.credentials().source
        else { return error }
        let lowered = source.lowercased()
        let fix: String
        if lowered.contains("sso") {
            fix = "run `aws sso login` for that profile again"
        } else if lowered.contains("platformctl role") {
            fix = "start a new `platformctl shell` (or drop the cached role credentials)"
        } else if lowered.contains("environment") {
            fix = "renew AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN (or unset them to use a profile)"
        } else if lowered.contains("credential_process") {
            fix = "check what the credential_process command returns"
        } else {
            fix = "renew them there"
        }
        serviceError.message += " (the credentials came from \(source); \(fix))"
        return serviceError
    }

    static func naming(_ error: any Error, service: String, operation: String) -> any Error {
        guard var clientError = error as? AWSClientError, clientError.service == nil,
            [.transport, .invalidResponse].contains(clientError.code)
        else { return error }
        clientError.service = service
        clientError.operation = operation
        return clientError
    }

    /// Joins an endpoint, a call path and query parameters.
    static func url(endpoint: URL, path: String, query: [(String, String)]) throws -> URL {
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var string = base + (path.hasPrefix("/") ? path : "/" + path)
        if !query.isEmpty {
            string +=
                "?"
                + query.map { "\(AWSURIEncoding.encode($0.0))=\(AWSURIEncoding.encode($0.1))" }
                .joined(separator: "&")
        }
        guard let url = URL(string: string) else {
            throw AWSClientError(.invalidEndpoint, "cannot form a URL from \(string)")
        }
        return url
    }
}
