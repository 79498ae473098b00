import Foundation
import Testing

@testable import EKSAWS

/// Issue 15, item 12: folders that hold credentials or tokens are created 0700, every missing level of them, with
/// that mode from the first moment (mkdir with the mode, not a default mode and a chmod afterwards).
@Suite("Security: private folders are created 0700")
struct PrivateFolderTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test("a private file's missing parent folders are all 0700, even with a permissive umask")
    func everyLevelIsPrivate() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("private-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let previous = umask(0)
        defer { umask(previous) }
        try AtomicFile.write(Data("secret".utf8), to: root + "/cache/platformctl/tokens/t.json", permissions: 0o600)
        for folder in [root, root + "/cache", root + "/cache/platformctl", root + "/cache/platformctl/tokens"] {
            #expect(mode(folder) == 0o700, "\(folder): \(String(mode(folder), radix: 8))")
        }
        #expect(mode(root + "/cache/platformctl/tokens/t.json") == 0o600)
        // A folder that already exists keeps its mode.
        let shared = root + "/shared"
        #expect(mkdir(shared, 0o755) == 0)
        try AtomicFile.write(Data("x".utf8), to: shared + "/inner/f", permissions: 0o600)
        #expect(mode(shared) == 0o755 && mode(shared + "/inner") == 0o700)
    }
}
