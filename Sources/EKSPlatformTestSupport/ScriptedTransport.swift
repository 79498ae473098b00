import EKSPlatformKit
import Foundation

/// A transport that answers from a script and records what was sent: for unit tests of the request path.
public final class ScriptedTransport: AWSHTTPTransport, @unchecked Sendable {
    /// One scripted answer.
    public enum Step: Sendable {
        /// Answer with this response.
        case respond(AWSHTTPResponse)
        /// Fail like a reset connection.
        case reset
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var sent: [AWSHTTPRequest] = []

    /// Creates a transport that answers with `steps` in order (the last one repeats).
    public init(_ steps: [Step]) { self.steps = steps }

    /// The requests sent so far.
    public var requests: [AWSHTTPRequest] { lock.withLock { sent } }

    /// Answers the next step.
    public func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse {
        let step: Step? = lock.withLock {
            sent.append(request)
            guard !steps.isEmpty else { return nil }
            return steps.count > 1 ? steps.removeFirst() : steps[0]
        }
        switch step {
        case .respond(let response): return response
        case .reset: throw AWSClientError(.transport, "connection reset by peer")
        case nil: throw AWSClientError(.transport, "no scripted response left")
        }
    }

    /// An XML response with status and body.
    public static func xml(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Step {
        .respond(
            AWSHTTPResponse(
                statusCode: status,
                headers: [("content-type", "text/xml")] + headers.map { ($0.0, $0.1) },
                body: Array(body.utf8)
            )
        )
    }
}
