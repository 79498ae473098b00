import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSKubernetes
@testable import EKSPlatformKit

/// Issue 15, item 5: nested aliases in a few hundred bytes expand into gigabytes; every YAML from outside is
/// refused when it uses them, before anything walks the expanded tree.
@Suite("Security: YAML alias bombs are refused")
struct YAMLAliasTests {
    /// A billion-laughs document: each level repeats the previous one nine times.
    static func bomb(prefix: String = "", levels: Int = 9) -> String {
        var lines = [prefix + "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
        for level in 1...levels {
            let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            lines.append(prefix + "a\(level): &a\(level) [\(previous)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func peakResidentKB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }

    @Test("manifests and kubeconfigs: the bomb is refused in well under a second")
    func manifestsAndKubeconfig() throws {
        let text = Self.bomb()
        #expect(text.utf8.count < 1024)
        let started = ContinuousClock.now
        let error = #expect(throws: YAML.Error.self) { _ = try YAML.decodeDocuments(text) }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(1), "took \(elapsed)")
        #expect(error?.description.contains("aliases") == true)
        print(
            "alias bomb (\(text.utf8.count) bytes) refused in \(elapsed); peak RSS of the test process \(Self.peakResidentKB()) KiB"
        )

        let kubeconfig = "apiVersion: v1\nkind: Config\n" + Self.bomb(prefix: "")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alias-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config").path
        try kubeconfig.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { _ = try Kubeconfig.load(path: path) }

        // An anchor that is never used as an alias, and ordinary documents, still read.
        #expect(try YAML.decodeDocuments("a: &x 1\nb: [1, 2]\nc:\nd: {e: f}\n").count == 1)
        #expect(try YAML.decodeDocuments("- a:\n  b: 1\n- - 2\n  - 3\n").count == 1)
    }

    @Test("platform.yaml: aliases stay usable, but a bomb is a positioned config error in well under a second")
    func platformConfig() throws {
        let text = """
            apiVersion: eksplatform.io/v1alpha1
            kind: Platform
            metadata:
              name: dev
            spec:
              region: us-west-2
              tags:

            """ + Self.bomb(prefix: "    ")
        let started = ContinuousClock.now
        let error = #expect(throws: ConfigError.self) { _ = try PlatformConfig.parse(text, file: "platform.yaml") }
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(error?.line ?? 0 > 0, "\(String(describing: error))")
        #expect(error?.description.contains("aliases") == true, "\(String(describing: error))")
        #expect(error?.description.contains("more than 20000 values") == true, "\(String(describing: error))")
    }
}
