import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// The real client (`AWSClient` + the STS and EC2 clients) against the emulator's `/_emulator/faults` rules: every
/// damaged answer gives our typed error naming service and operation, or is retried and then succeeds — never a crash,
/// never a silently empty result. One emulator of its own, so no other suite sees these faults.
@Suite("Hostile AWS responses", .serialized)
struct HostileResponseTests {
    /// The emulator for this suite (started once).
    actor Emulator {
        static let shared = Emulator()
        private var starting: Task<AWSEmulator, any Error>?
        func get() async throws -> AWSEmulator {
            if let starting { return try await starting.value }
            let task = Task { try await AWSEmulator.start() }
            starting = task
            return try await task.value
        }
    }

    /// What one probe call returns, reduced to something comparable and never empty on success.
    enum Probe: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sts, ec2
        var service: String { rawValue }
        var operation: String { self == .sts ? "GetCallerIdentity" : "DescribeVpcs" }
        var testDescription: String { "\(service) \(operation)" }

        func call(_ client: AWSClient) async throws -> String {
            switch self {
            case .sts:
                return try await STSClient(client: client).getCallerIdentity().arn
            case .ec2:
                return try await EC2Client(client: client).describeVpcs().map(\.vpcId).sorted().joined(separator: ",")
            }
        }
    }

    static func client(
        _ emulator: AWSEmulator,
        maxAttempts: Int,
        attemptTimeout: Duration = .seconds(30),
        transport: any AWSHTTPTransport = TestHTTP.transport
    ) throws -> AWSClient {
        AWSClient(
            region: try AWSRegion("us-west-2"),
            credentialProvider: StaticCredentialProvider(AWSEmulator.credentials),
            endpoints: AWSEndpointResolver(explicitEndpoint: emulator.endpoint, environment: [:], shared: nil),
            retry: AWSRetryStrategy(maxAttempts: maxAttempts, sleeper: { _ in }),
            transport: transport,
            attemptTimeout: attemptTimeout
        )
    }

    /// A fresh emulator state with one rule, and the answer of a clean call made before the rule is added.
    static func prepare(_ probe: Probe, kind: String, count: Int) async throws -> (AWSEmulator, clean: String) {
        let emulator = try await Emulator.shared.get()
        try await emulator.reset()
        let clean = try await probe.call(try client(emulator, maxAttempts: 1))
        try #require(!clean.isEmpty, "the clean \(probe.operation) answer is empty")
        let rule =
            #"{"rules":[{"service":"\#(probe.service)","operation":"\#(probe.operation)","#
            + #""kind":"\#(kind)","count":\#(count)}]}"#
        try await emulator.post("/_emulator/faults", body: rule)
        try await emulator.post("/_emulator/requests/clear", body: "")
        return (emulator, clean)
    }

    /// The faults (kind, name) the emulator logged for the probe's operation, in order.
    static func logged(_ emulator: AWSEmulator, _ probe: Probe) async throws -> [String] {
        let text = try await emulator.get("/_emulator/requests")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let requests = try #require(object["requests"] as? [[String: Any]])
        return requests.filter { $0["operation"] as? String == probe.operation }.map { ($0["fault"] as? String) ?? "none" }
    }

    /// Asserts that `error` is one of ours and names the probe's service and operation.
    static func expectTyped(_ error: any Error, _ probe: Probe) -> (code: String, message: String)? {
        if let error = error as? AWSServiceError {
            #expect(error.service == probe.service && error.operation == probe.operation, "\(error)")
            return (error.code, error.description)
        }
        if let error = error as? AWSClientError {
            #expect(error.service == probe.service && error.operation == probe.operation, "\(error)")
            return (error.code.rawValue, error.description)
        }
        Issue.record("an untyped error \(type(of: error)): \(error)")
        return nil
    }

    @Test(arguments: Probe.allCases, ["throttle", "5xx", "reset", "truncate", "html"])
    func oneShotFaultIsRetriedAndGivesTheCleanAnswer(_ probe: Probe, _ kind: String) async throws {
        let (emulator, clean) = try await Self.prepare(probe, kind: kind, count: 1)
        let answer = try await probe.call(try Self.client(emulator, maxAttempts: 3))
        #expect(answer == clean)
        #expect(try await Self.logged(emulator, probe) == [kind, "none"])
    }

    @Test(arguments: Probe.allCases, ["throttle", "5xx", "reset", "truncate", "html"])
    func persistentFaultGivesATypedErrorNamingServiceAndOperation(_ probe: Probe, _ kind: String) async throws {
        let (emulator, _) = try await Self.prepare(probe, kind: kind, count: 3)
        let client = try Self.client(emulator, maxAttempts: 3)
        let error = await #expect(throws: (any Error).self) { try await probe.call(client) }
        let typed = try #require(error.flatMap { Self.expectTyped($0, probe) })
        let expected: [String: [String]] = [
            "throttle": probe == .ec2 ? ["RequestLimitExceeded"] : ["Throttling"],
            "5xx": ["ServiceUnavailable"],
            "reset": ["transport"],
            "truncate": ["transport"],
            "html": ["NonAWSResponse"],
        ]
        #expect(expected[kind]?.contains(typed.code) == true, "\(kind): \(typed.message)")
        #expect(try await Self.logged(emulator, probe) == [kind, kind, kind])
    }

    @Test(arguments: Probe.allCases)
    func wrongContentTypeOnASuccessIsStillDecoded(_ probe: Probe) async throws {
        let (emulator, clean) = try await Self.prepare(probe, kind: "wrong-content-type", count: 1)
        let answer = try await probe.call(try Self.client(emulator, maxAttempts: 1))
        #expect(answer == clean)
        #expect(try await Self.logged(emulator, probe) == ["wrong-content-type"])
    }

    @Test(arguments: Probe.allCases)
    func hugeBodyIsRefusedAtTheLimit(_ probe: Probe) async throws {
        let (emulator, _) = try await Self.prepare(probe, kind: "huge", count: 1)
        let transport = AsyncHTTPTransport(maxResponseBytes: 1 << 20)
        let started = ContinuousClock.now
        let error = await #expect(throws: (any Error).self) {
            try await probe.call(try Self.client(emulator, maxAttempts: 3, transport: transport))
        }
        try? await transport.shutdown()
        let typed = try #require(error.flatMap { Self.expectTyped($0, probe) })
        #expect(typed.code == "invalidResponse")
        #expect(typed.message.contains("larger than 1048576 bytes"), "\(typed.message)")
        #expect(ContinuousClock.now - started < .seconds(20))
        // Refused, not retried: the emulator saw the one request.
        #expect(try await Self.logged(emulator, probe) == ["huge"])
        #expect(TestHTTP.transport.maxResponseBytes <= 64 * 1024 * 1024)
    }

    @Test(arguments: Probe.allCases)
    func slowDripHitsTheAttemptTimeoutAndSaysSo(_ probe: Probe) async throws {
        let (emulator, _) = try await Self.prepare(probe, kind: "drip", count: 1)
        let started = ContinuousClock.now
        let error = await #expect(throws: (any Error).self) {
            try await probe.call(try Self.client(emulator, maxAttempts: 1, attemptTimeout: .seconds(1)))
        }
        let typed = try #require(error.flatMap { Self.expectTyped($0, probe) })
        #expect(typed.code == "transport")
        #expect(typed.message.contains("timed out") && typed.message.contains("attempt timeout of 1"), "\(typed.message)")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test(arguments: Probe.allCases)
    func slowDripThenACleanRetrySucceeds(_ probe: Probe) async throws {
        let (emulator, clean) = try await Self.prepare(probe, kind: "drip", count: 1)
        let answer = try await probe.call(try Self.client(emulator, maxAttempts: 2, attemptTimeout: .seconds(1)))
        #expect(answer == clean)
        #expect(try await Self.logged(emulator, probe) == ["drip", "none"])
    }
}
