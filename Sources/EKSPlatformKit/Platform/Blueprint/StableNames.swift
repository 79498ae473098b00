import Crypto
import EKSAWS
import EKSKubernetes

/// Deterministic names and tokens derived from the cluster name and a resource's identity.
///
/// Idempotency tokens must be the same on every run for the same resource (so a retried create after a crash is
/// recognised by the API) and different for different resources; AWS names have length limits that a long cluster
/// name can exceed. Both are solved with a stable SHA-256 prefix.
public enum StableNames {
    /// A hex SHA-256 prefix of `parts` joined with `/`.
    public static func hash(_ parts: [String], length: Int = 12) -> String {
        String(sha256Hex(Array(parts.joined(separator: "/").utf8)).prefix(length))
    }

    /// The full lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }

    /// The idempotency token (`ClientToken`/`clientRequestToken`) for `resource` of `cluster`: 32 hex characters,
    /// stable across runs.
    public static func idempotencyToken(cluster: String, resource: ResourceID) -> String {
        hash(["eksplatform", cluster, resource.description], length: 32)
    }

    /// The longest prefix all of `names` share (`""` for none).
    public static func commonPrefix(of names: [String]) -> String {
        guard var prefix = names.first else { return "" }
        for name in names.dropFirst() {
            prefix = String(zip(prefix, name).prefix { $0 == $1 }.map(\.0))
        }
        return prefix
    }

    /// `prefix + name + suffix` if it fits in `limit` characters; otherwise the name is shortened and an 8-character
    /// hash of the full name is appended, so distinct long names stay distinct and the result is stable.
    public static func bounded(prefix: String = "", _ name: String, suffix: String = "", limit: Int) -> String {
        let full = prefix + name + suffix
        guard full.count > limit else { return full }
        let tag = "-" + hash([full], length: 8)
        let room = max(0, limit - prefix.count - suffix.count - tag.count)
        return prefix + String(name.prefix(room)) + tag + suffix
    }
}
