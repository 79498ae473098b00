import Foundation

/// Sleeps for a duration; injected so tests never sleep.
public typealias AWSSleeper = @Sendable (Duration) async throws -> Void

/// The AWS SDKs' "standard" retry mode: capped exponential backoff with full jitter, retryable errors by code and
/// status, and a retry quota (token bucket) so a failing endpoint is not hammered.
public struct AWSRetryStrategy: Sendable {
    /// Total attempts including the first (`AWS_MAX_ATTEMPTS`, profile `max_attempts`; default 3).
    public var maxAttempts: Int
    /// The largest backoff between attempts (20 s in the standard mode).
    public var maxBackoff: Duration
    public var sleeper: AWSSleeper
    /// A random number in `[0, 1)` for jitter.
    public var random: @Sendable () -> Double
    /// The shared quota.
    public let quota: AWSRetryQuota

    /// Creates the standard strategy.
    public init(
        maxAttempts: Int = 3,
        maxBackoff: Duration = .seconds(20),
        quota: AWSRetryQuota = AWSRetryQuota(),
        sleeper: @escaping AWSSleeper = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxBackoff = maxBackoff
        self.quota = quota
        self.sleeper = sleeper
        self.random = random
    }

    /// The delay before retry number `attempt` (1 = the first retry): `random × min(2^(attempt-1) s, maxBackoff)`.
    public func backoff(attempt: Int) -> Duration {
        let ceiling = min(pow(2.0, Double(attempt - 1)), Double(maxBackoff.components.seconds))
        return .milliseconds(Int64((random() * ceiling * 1000).rounded()))
    }

    /// Whether an error is worth retrying, and what a retry costs from the quota.
    public static func classify(_ error: any Error) -> (retryable: Bool, cost: Int) {
        if let error = error as? AWSServiceError { return (error.isRetryable, 5) }
        if let error = error as? AWSClientError, error.code == .transport { return (true, 10) }
        return (false, 0)
    }
}

/// The retry token bucket shared by all calls of a client: 500 tokens; a retry costs 5 (10 after a timeout or
/// connection error); a success refunds what its retries cost, or adds 1 when it needed none.
public actor AWSRetryQuota {
    /// Tokens left.
    public private(set) var tokens: Int
    /// The bucket's size.
    public let capacity: Int

    /// Creates a full bucket.
    public init(capacity: Int = 500) {
        self.capacity = capacity
        self.tokens = capacity
    }

    /// Takes `cost` tokens for a retry; `false` (and nothing taken) when too few are left.
    public func acquire(_ cost: Int) -> Bool {
        guard tokens >= cost else { return false }
        tokens -= cost
        return true
    }

    /// Records a success that spent `refund` tokens on retries (0 for first-try successes).
    public func succeeded(refund: Int) {
        tokens = min(capacity, tokens + (refund > 0 ? refund : 1))
    }
}
