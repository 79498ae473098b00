import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import FuzzTargets
import Testing

/// Replays every saved fuzz crash input (`Fixtures/fuzz-regressions/<target>/`) and every seed (`Fuzz/corpus/<target>/`)
/// through the same harnesses libFuzzer runs, in the normal build: a fixed crash that comes back fails here.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let regressions = PackagePaths.root.appendingPathComponent("Tests/EKSPlatformKitTests/Fixtures/fuzz-regressions")
    static let corpus = PackagePaths.root.appendingPathComponent("Fuzz/corpus")

    static func files(_ directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzHarness.all.map(\.name))
    func savedCrashesAndSeedsStayFixed(_ name: String) throws {
        let harness = try #require(FuzzHarness.all.first { $0.name == name })
        let seeds = Self.files(Self.corpus.appendingPathComponent(name))
        #expect(!seeds.isEmpty, "Fuzz/corpus/\(name) has no seeds")
        let saved = Self.files(Self.regressions.appendingPathComponent(name))
        for file in seeds + saved {
            let bytes = try [UInt8](Data(contentsOf: file))
            #expect(throws: Never.self, "\(file.lastPathComponent)") { try harness.run(bytes) }
        }
    }

    @Test func everyRegressionFolderBelongsToAHarness() throws {
        let known = Set(FuzzHarness.all.map(\.name))
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: Self.regressions.path)) ?? []
        for folder in folders where !folder.hasPrefix(".") {
            #expect(known.contains(folder), "fuzz-regressions/\(folder) matches no harness")
        }
        #expect(Set(FuzzHarness.all.map(\.name)).count == 6)
    }

    @Test func knownGoodInputsPassTheirHarnesses() throws {
        // A query pair whose name holds every reserved byte class must still round-trip; this exercises the
        // checking code itself with a known-good input so a harness that silently stops checking is noticed.
        let input: [UInt8] = [0] + Array("a b/c\u{0}%zz&=+é".utf8)
        try FuzzHarness.queryEncoding.run(input)
        let html = Array("\u{3}\u{7}\u{3}<html><body>oops</body></html>".utf8)
        let error = AWSErrorDecoder.decode(
            AWSHTTPResponse(statusCode: 500, headers: [("Content-Type", "text/html")], body: Array(html.dropFirst(3))),
            service: .eks,
            operation: "DescribeCluster"
        )
        #expect(error.code == "NonAWSResponse")
        #expect(error.service == "eks" && error.operation == "DescribeCluster")
    }
}
