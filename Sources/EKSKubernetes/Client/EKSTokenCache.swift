import Crypto
import EKSAWS
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An on-disk cache of EKS tokens, so `platformctl token` answers kubectl without signing or touching AWS.
///
/// Files live in `$XDG_CACHE_HOME/platformctl/tokens` (or `~/.cache/platformctl/tokens`), one per key, named by a
/// SHA-256 of cluster, region, identity (access key id or profile) and role. Files are `0600` in a `0700`
/// directory, written to a temporary file and renamed into place. A file that is unreadable, corrupt, for another
/// key, or readable by others is ignored (with a warning) and replaced on the next write.
public struct EKSTokenCache: Sendable {
    /// What identifies one cached token.
    public struct Key: Sendable, Equatable {
        /// The cluster name.
        public var cluster: String
        public var region: String
        /// Who signs: the access key id, or `profile:<name>` for profiles whose keys are not known up front.
        public var identity: String
        /// The role assumed before signing, if any.
        public var roleARN: String?

        /// Creates a key.
        public init(cluster: String, region: String, identity: String, roleARN: String?) {
            self.cluster = cluster
            self.region = region
            self.identity = identity
            self.roleARN = roleARN
        }

        /// The file name: hex SHA-256 of the fields.
        public var fileName: String {
            let material = ["v1", cluster, region, identity, roleARN ?? ""].joined(separator: "\u{0}")
            return SHA256.hash(data: Array(material.utf8)).map { String(format: "%02x", $0) }.joined() + ".json"
        }
    }

    /// The file format (version 1).
    struct Entry: Codable {
        var version: Int
        var key: String
        var expiresAt: Int
        var token: String

        init(version: Int, key: String, expiresAt: Int, token: String) {
            self.version = version
            self.key = key
            self.expiresAt = expiresAt
            self.token = token
        }

        /// Reads a cache file without `JSONDecoder` (kubectl pays for this read on every command).
        init?(parsing bytes: [UInt8]) {
            guard let object = FlatJSONObject.parse(bytes),
                case .integer(let version) = object["version"],
                case .string(let key) = object["key"],
                case .integer(let expiresAt) = object["expiresAt"],
                case .string(let token) = object["token"]
            else { return nil }
            self.init(version: version, key: key, expiresAt: expiresAt, token: token)
        }
    }

    /// The cache directory.
    public let directory: String
    /// Tokens are reused until this many seconds before they expire.
    public let reuseMargin: TimeInterval

    /// Creates a cache in `directory`.
    public init(directory: String, reuseMargin: TimeInterval = 60) {
        self.directory = directory
        self.reuseMargin = reuseMargin
    }

    /// The default directory for an environment: `$XDG_CACHE_HOME/platformctl/tokens`, else
    /// `$HOME/.cache/platformctl/tokens`; `nil` when neither variable is usable.
    public static func defaultDirectory(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/platformctl/tokens" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/platformctl/tokens" }
        return nil
    }

    /// The path of the file for `key`.
    public func path(for key: Key) -> String { directory + "/" + key.fileName }

    /// A cached token that is still good at `now` (more than ``reuseMargin`` before expiry), or `nil`.
    /// Problems with the file are reported through `warn` and treated as a miss.
    public func lookup(_ key: Key, now: Date = Date(), warn: (String) -> Void) -> EKSToken? {
        let path = self.path(for: key)
        let bytes: [UInt8]
        do {
            guard let read = try PrivateFile.read(path) else { return nil }
            bytes = read
        } catch {
            warn(
                "warning: ignoring the token cache file \(path): \(error); it must be a 0600 file of yours in a folder only "
                    + "you can write; it will be rewritten"
            )
            return nil
        }
        guard let entry = Entry(parsing: bytes), entry.version == 1, entry.token.hasPrefix(EKSToken.prefix) else {
            warn("warning: ignoring the corrupt token cache file \(path); it will be rewritten")
            return nil
        }
        guard entry.key == key.fileName else {
            warn("warning: ignoring the token cache file \(path): it belongs to another key; it will be rewritten")
            return nil
        }
        let expiration = Date(timeIntervalSince1970: TimeInterval(entry.expiresAt))
        guard expiration.timeIntervalSince(now) > reuseMargin else { return nil }
        return EKSToken(value: entry.token, expiration: expiration)
    }

    /// Stores `token` for `key`: creates the directory (`0700`), writes a `0600` temporary file and renames it over
    /// the old one, so readers never see half a file.
    public func store(_ token: EKSToken, for key: Key) throws {
        try Self.makeDirectory(directory)
        let entry = Entry(
            version: 1,
            key: key.fileName,
            expiresAt: Int(token.expiration.timeIntervalSince1970.rounded(.down)),
            token: token.value
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(entry)
        let finalPath = path(for: key)
        do {
            try AtomicFile.write(data, to: finalPath, permissions: 0o600, createDirectories: false)
        } catch {
            throw EKSTokenError(.cacheWrite, "cannot write the token cache file \(finalPath): \(error)")
        }
    }

    /// Removes the cached token for `key`, if any.
    public func remove(_ key: Key) {
        unlink(path(for: key))
    }

    static func makeDirectory(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw EKSTokenError(.cacheWrite, "the token cache path \(path) exists and is not a directory")
            }
            if info.st_mode & 0o077 != 0, info.st_uid == geteuid() { chmod(path, 0o700) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path {
            var parentInfo = stat()
            if stat(parent, &parentInfo) != 0 { try makeDirectory(parent) }
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw EKSTokenError(
                .cacheWrite,
                "cannot create the token cache directory \(path): \(String(cString: strerror(errno)))"
            )
        }
    }
}
