import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// Records the delays the retry loop asked for, instead of sleeping.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var delays: [Duration] = []
    var recorded: [Duration] { lock.withLock { delays } }
    var sleeper: AWSSleeper { { [self] delay in lock.withLock { delays.append(delay) } } }
}

@Suite("Retries in the standard mode")
struct RetryTests {
    static let throttled = ScriptedTransport.xml(
        503,
        "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error>"
            + "</Errors><RequestID>r-1</RequestID></Response>"
    )
    static let unavailable = ScriptedTransport.xml(
        500,
        "<ErrorResponse><Error><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>"
    )
    static let ok = ScriptedTransport.xml(
        200,
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/u</Arn>"
            + "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"
    )

    func client(
        _ transport: ScriptedTransport,
        recorder: SleepRecorder,
        maxAttempts: Int = 3,
        quota: AWSRetryQuota = .init()
    )
        throws -> STSClient
    {
        let region = try AWSRegion("us-west-2")
        let retry = AWSRetryStrategy(
            maxAttempts: maxAttempts,
            quota: quota,
            sleeper: recorder.sleeper,
            random: { 0.5 }
        )
        return STSClient(
            client: AWSClient(
                region: region,
                credentialProvider: StaticCredentialProvider(AWSEmulator.credentials),
                endpoints: AWSEndpointResolver(environment: [:], shared: nil),
                retry: retry,
                transport: transport
            )
        )
    }

    @Test("throttling, then success: two retries with growing backoff")
    func throttlingThenSuccess() async throws {
        let transport = ScriptedTransport([Self.throttled, Self.throttled, Self.ok])
        let recorder = SleepRecorder()
        let identity = try await client(transport, recorder: recorder).getCallerIdentity()
        #expect(identity.account == "123456789012")
        #expect(transport.requests.count == 3)
        #expect(recorder.recorded == [.milliseconds(500), .milliseconds(1000)])
    }

    @Test("5xx until attempts run out: the last error surfaces with its code")
    func serverErrorsExhaustAttempts() async throws {
        let transport = ScriptedTransport([Self.unavailable])
        let recorder = SleepRecorder()
        let sts = try client(transport, recorder: recorder, maxAttempts: 4)
        let error = await #expect(throws: AWSServiceError.self) { try await sts.getCallerIdentity() }
        #expect(error?.code == "InternalFailure")
        #expect(error?.statusCode == 500)
        #expect(transport.requests.count == 4)
        #expect(recorder.recorded.count == 3)
    }

    @Test("connection resets are retried")
    func resetsAreRetried() async throws {
        let transport = ScriptedTransport([.reset, Self.ok])
        let recorder = SleepRecorder()
        _ = try await client(transport, recorder: recorder).getCallerIdentity()
        #expect(transport.requests.count == 2)
    }

    @Test("client errors are not retried")
    func clientErrorsAreNotRetried() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.xml(
                403,
                "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>"
            )
        ])
        let recorder = SleepRecorder()
        await #expect(throws: AWSServiceError.self) {
            try await client(transport, recorder: recorder).getCallerIdentity()
        }
        #expect(transport.requests.count == 1)
        #expect(recorder.recorded.isEmpty)
    }

    @Test("an empty retry quota stops retries; successes refill it")
    func quotaExhaustion() async throws {
        let quota = AWSRetryQuota(capacity: 12)
        let recorder = SleepRecorder()
        // Each failing call may retry while 5 tokens remain: 12 → 7 → 2, then no more retries.
        let failing = try client(ScriptedTransport([Self.unavailable]), recorder: recorder, maxAttempts: 10, quota: quota)
        await #expect(throws: AWSServiceError.self) { try await failing.getCallerIdentity() }
        #expect(await quota.tokens == 2)
        #expect(recorder.recorded.count == 2)
        let transport = ScriptedTransport([Self.unavailable])
        let starved = try client(transport, recorder: recorder, maxAttempts: 10, quota: quota)
        await #expect(throws: AWSServiceError.self) { try await starved.getCallerIdentity() }
        #expect(transport.requests.count == 1, "no retry without quota")
        let healthy = try client(ScriptedTransport([Self.ok]), recorder: recorder, quota: quota)
        _ = try await healthy.getCallerIdentity()
        #expect(await quota.tokens == 3)
    }

    @Test("backoff is capped full jitter")
    func backoffShape() {
        let strategy = AWSRetryStrategy(maxBackoff: .seconds(20), sleeper: { _ in }, random: { 0.999 })
        #expect(strategy.backoff(attempt: 1) == .milliseconds(999))
        #expect(strategy.backoff(attempt: 3) == .milliseconds(3996))
        #expect(strategy.backoff(attempt: 10) == .milliseconds(19980))
    }
}
