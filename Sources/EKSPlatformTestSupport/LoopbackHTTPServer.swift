import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A very small HTTP/1.1 server on 127.0.0.1 for tests that need a hostile or counting peer: every request gets the
/// answer `respond` builds from its request line, and the server remembers each request line and how many
/// connections arrived. Bounded by design: one connection at a time, requests up to 1 MiB.
public final class LoopbackHTTPServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let socket: Int32
    private let state = Mutex(State())

    private struct State {
        var connections = 0
        var requestLines: [String] = []
        var stopped = false
    }

    /// Starts listening; `respond` receives the request line (`GET /path HTTP/1.1`) and returns the whole response
    /// (status line, headers, blank line, body).
    public convenience init(respond: @escaping @Sendable (String) -> String) throws {
        try self.init(respondToHead: { head in respond(head.components(separatedBy: "\r\n").first ?? "") })
    }

    /// Like ``init(respond:)``, but `respondToHead` receives the whole request head (request line and headers, as
    /// sent), for fakes that check a token or an authorization header.
    public init(respondToHead respond: @escaping @Sendable (String) -> String) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw TestSupportError("bind/listen on 127.0.0.1 failed: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.socket = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in self.serve(respond) }
        thread.start()
    }

    /// How many connections arrived.
    public var connections: Int { state.withLock { $0.connections } }

    /// The request lines received, in order.
    public var requestLines: [String] { state.withLock { $0.requestLines } }

    /// Stops accepting connections.
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
    }

    private func serve(_ respond: @Sendable (String) -> String) {
        while !state.withLock({ $0.stopped }) {
            let client = accept(socket, nil, nil)
            guard client >= 0 else { return }
            state.withLock { $0.connections += 1 }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while received.count < 1 << 20 {
                let count = read(client, &buffer, buffer.count)
                guard count > 0 else { break }
                received += buffer[0..<count]
                if let text = String(bytes: received, encoding: .utf8), let end = text.range(of: "\r\n\r\n") {
                    let head = text[..<end.lowerBound].lowercased()
                    let declared =
                        head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= declared { break }
                }
            }
            let text = String(decoding: received, as: UTF8.self)
            let line = text.components(separatedBy: "\r\n").first ?? ""
            let head = text.components(separatedBy: "\r\n\r\n").first ?? text
            state.withLock { $0.requestLines.append(line) }
            let answer = Array(respond(head).utf8)
            _ = answer.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }

    deinit { stop() }
}
