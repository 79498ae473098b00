#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether a URL's host is this machine, decided on the parsed address, never on a prefix of the text:
/// `127.0.0.1.evil.test` is a DNS name and not loopback, `127.1.2.3` and `[::1]` are.
///
/// Accepted: an IPv4 address in 127.0.0.0/8 (dotted-quad, as `inet_pton` parses it), the IPv6 loopback `::1` in
/// any spelling, with or without brackets, and the name `localhost` (RFC 6761 reserves it for loopback).
package enum LoopbackHost {
    /// Whether `host` (from `URL.host`) is a loopback address.
    package static func contains(_ host: String) -> Bool {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            // s_addr is in network byte order: its first byte in memory is the first octet.
            return withUnsafeBytes(of: &v4) { $0.first } == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }
}
