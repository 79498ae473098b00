import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// An HTTP request as the AWS client sends it.
public struct AWSHTTPRequest: Sendable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The full URL.
    public var url: URL
    /// Headers, in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// An HTTP response as the AWS client reads it.
public struct AWSHTTPResponse: Sendable {
    public var statusCode: Int
    /// Headers, in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// Creates a response.
    public init(statusCode: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// The seam between the AWS client and the network; tests can put their own in.
public protocol AWSHTTPTransport: Sendable {
    /// Sends one request and returns the whole response. Throws ``AWSClientError`` with code `.transport` when the
    /// connection fails, is reset or times out.
    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse
}

/// The transport on AsyncHTTPClient: its own client (connection pool), connect and read timeouts, a cap on response
/// size.
///
/// Whoever creates one shuts it down (``AWSSession/shutdown()`` does for the transport it made). A transport that is
/// released without that is shut down in the background, so a forgotten call leaks nothing and never traps.
public final class AsyncHTTPTransport: AWSHTTPTransport {
    /// The client; shut down with ``shutdown()``.
    let client: HTTPClient
    private let isShutDown = Mutex(false)
    /// Responses larger than this are refused (protects against endless bodies).
    public let maxResponseBytes: Int

    /// Creates a transport with its own HTTP client.
    /// - Parameters:
    ///   - connectTimeout: how long to wait for a TCP (and TLS) connection.
    ///   - maxResponseBytes: the largest response body accepted.
    public init(connectTimeout: Duration = .seconds(10), maxResponseBytes: Int = 64 * 1024 * 1024) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(Int64(connectTimeout.components.seconds))
        configuration.decompression = .disabled
        // A redirect is returned as a response, never followed: AWSClient refuses it with an error naming the
        // endpoint, and a caller that may follow one (a public download) does so itself.
        configuration.redirectConfiguration = .disallow
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxResponseBytes = maxResponseBytes
    }

    /// Shuts the underlying client down (closing its connections); later calls do nothing.
    public func shutdown() async throws {
        guard
            isShutDown.withLock({ done in
                defer { done = true }; return !done
            })
        else { return }
        try await client.shutdown()
    }

    deinit {
        guard !isShutDown.withLock({ $0 }) else { return }
        // AsyncHTTPClient traps in debug builds when a client is released while running; the task keeps it alive
        // until its connections are closed.
        let client = self.client
        Task { try? await client.shutdown() }
    }

    /// Sends a request. `timeout` bounds the whole exchange, including a slowly dripping body.
    public func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers where name.lowercased() != "host" {
            outgoing.headers.add(name: name, value: value)
        }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let deadline =
            NIODeadline.now()
            + .nanoseconds(
                Int64(timeout.components.seconds) * 1_000_000_000
                    + timeout.components.attoseconds / 1_000_000_000
            )
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            var body = try await response.body.collect(upTo: maxResponseBytes)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return AWSHTTPResponse(
                statusCode: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: bytes
            )
        } catch let error as NIOTooManyBytesError {
            throw AWSClientError(
                .invalidResponse,
                "the response body is larger than \(maxResponseBytes) bytes (\(error)); refusing to read it"
            )
        } catch let error as AWSClientError {
            throw error
        } catch {
            var reason = Self.describe(error)
            if reason == "timed out" { reason = "timed out: no complete response within the attempt timeout of \(timeout)" }
            throw AWSClientError(.transport, "\(request.method) \(request.url.host ?? "?"): \(reason)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "timed out"
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "connection closed by the server before a complete response"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
