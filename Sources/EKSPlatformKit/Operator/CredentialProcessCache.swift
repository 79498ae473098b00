import Crypto
import EKSAWS
import EKSKubernetes
import Foundation

/// The optional on-disk cache of `platformctl credential-process`: one `0600` JSON file per role and source, used until
/// five minutes before the credentials expire, replaced atomically. Loose permissions or a corrupt file are ignored
/// (with a warning) and rewritten.
public struct CredentialProcessCache: Sendable {
    /// The cache directory.
    public var directory: String
    /// How long before expiry an entry stops being used.
    public var margin: TimeInterval = 300

    /// The default directory: `$XDG_CACHE_HOME/platformctl/credentials` or `~/.cache/platformctl/credentials`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return "\(xdg)/platformctl/credentials" }
        return "\(environment["HOME"] ?? NSHomeDirectory())/.cache/platformctl/credentials"
    }

    /// Creates a cache in `directory`.
    public init(directory: String) { self.directory = directory }

    /// The file for a key (a hash, so no role or account appears in file names).
    public func path(for key: String) -> String {
        let digest = SHA256.hash(data: Array(key.utf8)).map { String(format: "%02x", $0) }.joined()
        return "\(directory)/\(digest.prefix(32)).json"
    }

    /// A cached, still-fresh entry, or `nil`; `warn` hears why an entry was ignored. The file is trusted only as
    /// ``PrivateFile`` allows (no symbolic link, this user's, 0600, in a folder nobody else writes), and an entry
    /// whose expiry lies further ahead than `maxLifetime` (the session length that was asked for) is refused: nothing
    /// this tool wrote can outlive what it requested.
    public func read(
        key: String,
        now: Date = Date(),
        maxLifetime: TimeInterval = 43_200,
        warn: (String) -> Void
    ) -> CredentialProcess.Output? {
        let file = path(for: key)
        let bytes: [UInt8]
        do {
            guard let read = try PrivateFile.read(file) else { return nil }
            bytes = read
        } catch {
            warn("ignoring the credential cache \(file): \(error); it will be rewritten")
            return nil
        }
        guard let entry = try? JSONDecoder().decode(CredentialProcess.Output.self, from: Data(bytes)), entry.Version == 1,
            let expiration = entry.Expiration.flatMap(ISO8601.parse)
        else {
            warn("ignoring the credential cache \(file): it is not valid; it will be rewritten")
            return nil
        }
        guard expiration.timeIntervalSince(now) <= maxLifetime + 60 else {
            warn("ignoring the credential cache \(file): it claims to last longer than the session asked for")
            return nil
        }
        return expiration.timeIntervalSince(now) > margin ? entry : nil
    }

    /// Stores an entry (`0600`, atomically).
    public func write(_ entry: CredentialProcess.Output, key: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(entry), to: path(for: key), permissions: 0o600)
    }
}
