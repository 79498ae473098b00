import Crypto
import Foundation

/// Finds a host's lines in an OpenSSH `known_hosts` file the way ssh matches them (sshd(8) "SSH_KNOWN_HOSTS FILE
/// FORMAT"): comma-separated host patterns, `[host]:port` for a port other than 22, and hashed entries
/// (`|1|base64(salt)|base64(HMAC-SHA1(salt, host))`, what `HashKnownHosts yes` — Debian's default — writes).
/// Negated (`!`) and wildcard patterns and `@revoked` / `@cert-authority` lines are not used: a plain key line
/// for the exact host is what Flux's `known_hosts` needs.
package enum KnownHosts {
    /// The lines of `text` whose host field names `host` on `port`.
    package static func lines(for host: String, port: Int = 22, in text: String) -> [String] {
        let name = port == 22 ? host : "[\(host)]:\(port)"
        return text.split(separator: "\n").compactMap { raw -> String? in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix("@"),
                let field = line.split(separator: " ", maxSplits: 1).first
            else { return nil }
            let matches = field.split(separator: ",").contains { pattern in
                pattern.hasPrefix("|1|") ? hashedPattern(pattern, matches: name) : pattern == name
            }
            return matches ? line : nil
        }
    }

    /// Whether the hashed pattern `|1|salt|hash` is the HMAC-SHA1 of `name` keyed with the salt.
    static func hashedPattern(_ pattern: Substring, matches name: String) -> Bool {
        let parts = pattern.dropFirst(3).split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 2, let salt = Data(base64Encoded: String(parts[0])),
            let expected = Data(base64Encoded: String(parts[1]))
        else { return false }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
        return Data(mac) == expected
    }

    /// The repository host and SSH port of an `ssh://` Git URL.
    package static func endpoint(ofRepository url: String) -> (host: String, port: Int)? {
        guard let parsed = URL(string: url), parsed.scheme == "ssh", let host = parsed.host, !host.isEmpty else {
            return nil
        }
        return (host, parsed.port ?? 22)
    }
}
