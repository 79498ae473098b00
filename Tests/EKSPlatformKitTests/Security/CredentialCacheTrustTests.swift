import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSPlatformKit

/// Issue 15, item 7: the credential-process cache trusts a file only as the token cache does — no symbolic link,
/// this user's, 0600, in a folder nobody else writes — and never beyond the session length that was asked for.
@Suite("Security: the credential cache trusts only its own files", .serialized)
struct CredentialCacheTrustTests {
    static func entry(expiresIn seconds: TimeInterval) -> CredentialProcess.Output {
        CredentialProcess.Output(
            accessKeyID: "ASIACACHETRUST000001",
            secretAccessKey: "cache-trust-secret",
            sessionToken: "cache-trust-token",
            expiration: Date().addingTimeInterval(seconds)
        )
    }

    func withCache(_ body: (CredentialProcessCache, String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cache-trust-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(mkdir(root, 0o700) == 0)
        let cache = CredentialProcessCache(directory: root + "/credentials")
        try body(cache, root)
    }

    func read(_ cache: CredentialProcessCache, maxLifetime: TimeInterval = 3600) -> (CredentialProcess.Output?, [String]) {
        var warnings: [String] = []
        let hit = cache.read(key: "role", maxLifetime: maxLifetime) { warnings.append($0) }
        return (hit, warnings)
    }

    @Test("a good entry is used; a symbolic link, a loose mode, a foreign owner or an open folder is not")
    func onlyPrivateFiles() throws {
        try withCache { cache, root in
            try cache.write(Self.entry(expiresIn: 1800), key: "role")
            let file = cache.path(for: "role")
            #expect(read(cache).0?.AccessKeyId == "ASIACACHETRUST000001")

            chmod(file, 0o644)
            let (loose, looseWarnings) = read(cache)
            #expect(loose == nil && looseWarnings.first?.contains("permissions are 644") == true, "\(looseWarnings)")
            chmod(file, 0o600)

            if geteuid() == 0 {
                chown(file, 65534, 65534)
                let (foreign, warnings) = read(cache)
                #expect(foreign == nil && warnings.first?.contains("another user") == true, "\(warnings)")
                chown(file, 0, 0)
            }

            let elsewhere = root + "/planted.json"
            try FileManager.default.moveItem(atPath: file, toPath: elsewhere)
            #expect(symlink(elsewhere, file) == 0)
            let (linked, linkWarnings) = read(cache)
            #expect(linked == nil && linkWarnings.first?.contains("symbolic link") == true, "\(linkWarnings)")
            unlink(file)
            try FileManager.default.moveItem(atPath: elsewhere, toPath: file)

            chmod(cache.directory, 0o777)
            let (openFolder, openWarnings) = read(cache)
            #expect(openFolder == nil && openWarnings.first?.contains("may be written by others") == true, "\(openWarnings)")
            chmod(cache.directory, 0o700)
            #expect(read(cache).0 != nil)
        }
    }

    @Test("an entry that claims to outlive the session that was asked for is refused")
    func expiryIsCapped() throws {
        try withCache { cache, _ in
            try cache.write(Self.entry(expiresIn: 30 * 86400), key: "role")
            let (far, warnings) = read(cache, maxLifetime: 3600)
            #expect(far == nil && warnings.first?.contains("longer than the session") == true, "\(warnings)")
            try cache.write(Self.entry(expiresIn: 3000), key: "role")
            #expect(read(cache, maxLifetime: 3600).0 != nil)
        }
    }
}
