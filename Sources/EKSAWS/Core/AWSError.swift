import Foundation

/// An error answered by an AWS service: service, operation, HTTP status, error code, message and request id.
public struct AWSServiceError: Error, Sendable, Equatable {
    /// The service, e.g. `ec2`.
    public var service: String
    /// The operation, e.g. `DeleteVpc`.
    public var operation: String
    /// The HTTP status code.
    public var statusCode: Int
    /// The AWS error code, e.g. `DependencyViolation`, without any namespace (`com.amazonaws.sqs#`).
    public var code: String
    /// The service's message.
    public var message: String
    /// The request id, for AWS support.
    public var requestID: String?

    /// Creates a service error.
    public init(service: String, operation: String, statusCode: Int, code: String, message: String, requestID: String?) {
        self.service = service
        self.operation = operation
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// Throttling codes of the AWS "standard" retry mode.
    /// Codes that mean the signing credentials are expired or unknown to AWS: the fix is at their source.
    public static let credentialCodes: Set<String> = [
        "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "InvalidClientTokenId",
        "UnrecognizedClientException", "InvalidToken",
    ]

    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// Transient codes of the AWS "standard" retry mode.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
        "InternalServerError", "InternalServerException",
    ]

    /// Whether the error says the resource (or the part of it the call names) does not exist, in any of the
    /// services' spellings: IAM `NoSuchEntity`, EKS `ResourceNotFoundException`/`NotFoundException`, SQS
    /// `QueueDoesNotExist` (and its query-protocol code), EC2's `<Thing>.NotFound` codes and `NatGatewayNotFound`.
    public var isNotFound: Bool { Self.notFoundCodes.contains(code) || code.hasSuffix(".NotFound") }

    /// The services' codes for "does not exist" that do not follow EC2's `.NotFound` pattern.
    public static let notFoundCodes: Set<String> = [
        "NoSuchEntity", "ResourceNotFoundException", "NotFoundException", "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue", "NatGatewayNotFound",
    ]

    /// Whether the standard retry mode treats the error as throttling.
    public var isThrottling: Bool { Self.throttlingCodes.contains(code) || statusCode == 429 }

    /// Whether the standard retry mode retries it (throttling, transient codes, 500/502/503/504).
    public var isRetryable: Bool {
        isThrottling || Self.transientCodes.contains(code) || [500, 502, 503, 504].contains(statusCode)
    }
}

extension AWSServiceError: CustomStringConvertible {
    /// `ec2 DeleteVpc failed (400 DependencyViolation): message [request id …]`.
    public var description: String {
        "\(service) \(operation) failed (HTTP \(statusCode) \(code)): \(message)"
            + (requestID.map { " [request id \($0)]" } ?? "")
    }
}

/// An error on our side of an AWS call: configuration, credentials, transport or an unreadable response.
public struct AWSClientError: Error, Sendable, Equatable {
    /// What kind of problem it is; stable for programs to switch on.
    public enum Code: String, Sendable {
        /// No credential source produced credentials.
        case noCredentials
        /// A credential source is configured but failed (bad file, failing process, STS error).
        case credentialSource
        /// A config or credentials file could not be read.
        case malformedConfig
        /// The region is missing or unknown.
        case invalidRegion
        /// The endpoint URL is not usable.
        case invalidEndpoint
        /// The connection failed, was reset or timed out.
        case transport
        /// The response could not be decoded (not AWS, truncated, unexpected shape).
        case invalidResponse
        /// A request parameter is invalid before anything is sent.
        case invalidParameter
        /// A waiter gave up.
        case waiterTimeout
        /// The retry quota is exhausted: the endpoint kept failing.
        case retryQuotaExceeded
        /// An endpoint answered with a redirect, which is never followed (it would carry the signed request, its
        /// session token and its body to the other host).
        case redirectRefused
        /// A plain-http endpoint off this machine, refused unless the caller opted in.
        case insecureEndpoint
        /// A role to assume lies in an AWS account other than the caller's, and nobody confirmed that it may.
        case untrustedAccount
    }

    /// The kind of problem.
    public var code: Code
    /// A message that says what happened and how to fix it.
    public var message: String
    /// The service involved, if any.
    public var service: String?
    /// The operation involved, if any.
    public var operation: String?

    /// Creates a client error.
    public init(_ code: Code, _ message: String, service: String? = nil, operation: String? = nil) {
        self.code = code
        self.message = message
        self.service = service
        self.operation = operation
    }
}

extension AWSClientError: CustomStringConvertible {
    /// The message, prefixed with the service and operation when known.
    public var description: String {
        switch (service, operation) {
        case (let s?, let o?): return "\(s) \(o): \(message)"
        case (let s?, nil): return "\(s): \(message)"
        default: return message
        }
    }
}
