import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// The built helper that writes until it is killed.
private let atomicWriteHelper = PackagePaths.root.appendingPathComponent(".build/debug/AtomicWriteHelper").path

/// SIGKILLs a process that is writing files (`AtomicWriteHelper`) at random moments, many times, and checks that the
/// target is always a complete old or new version with the right mode: `AtomicFile` and the `kube/` tree writer.
@Suite(
    "Atomic writes survive SIGKILL",
    .enabled(if: FileManager.default.isExecutableFile(atPath: atomicWriteHelper), "needs a built AtomicWriteHelper")
)
struct AtomicWriteKillTests {
    static let helper = atomicWriteHelper

    /// Starts the helper, waits until it has begun writing, lets it run for `delay`, then SIGKILLs it.
    static func runAndKill(_ arguments: [String], after delay: Duration) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: helper)
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = stdout.fileHandleForReading.readData(ofLength: 6)  // "ready\n"
        try await Task.sleep(for: delay)
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<500 where process.isRunning { usleep(10_000) }
        #expect(process.terminationReason == .uncaughtSignal, "the helper stopped on its own: \(arguments)")
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-kill-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    /// Checks a file written by the helper's `file` mode: header, exact size, filler and trailer of one generation.
    static func isCompleteGeneration(_ data: Data) -> Bool {
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else { return false }
        let header = String(decoding: data[..<newline], as: UTF8.self).split(separator: " ")
        guard header.count == 4, header[0] == "generation", let id = Int(header[1]), let size = Int(header[3]),
            data.count == size
        else { return false }
        let trailer = Data("\nend \(id)\n".utf8)
        guard data.suffix(trailer.count) == trailer else { return false }
        let filler = data[(newline + 1)..<(data.count - trailer.count)]
        for (offset, byte) in filler.enumerated() where byte != UInt8(ascii: "a") + UInt8((id + offset) % 26) {
            return false
        }
        return true
    }

    @Test func privateFileIsNeverHalfWritten() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("credentials").path
        var random = SeededRandom(seed: 8)
        var generations = Set<String>()
        for round in 0..<50 {
            let delay = Duration.milliseconds(Int64(random.next() % 120))
            try await Self.runAndKill(["file", target, "600", String(1024 * 1024 + round)], after: delay)
            let data = try Data(contentsOf: URL(fileURLWithPath: target))
            #expect(Self.isCompleteGeneration(data), "round \(round): \(data.count) bytes, not one complete generation")
            #expect(try Self.mode(target) == 0o600, "round \(round)")
            generations.insert(String(decoding: data.prefix(40), as: UTF8.self))
        }
        // The kills landed at different moments: many different complete generations were seen.
        #expect(generations.count > 10)
        // Leftovers of killed writes are hidden temporary files that never replace the target; the target is intact.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.allSatisfy { $0 == "credentials" || $0.hasPrefix(".credentials.tmp-") })
    }

    @Test func kubeTreeFilesAreAlwaysAnOldOrNewVersion() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func platform(_ cpuLimit: Int) -> String {
            """
            apiVersion: eksplatform.io/v1alpha1
            kind: Platform
            metadata:
              name: killtest
            spec:
              region: us-west-2
              karpenter:
                nodePool: { cpuLimit: \(cpuLimit) }
            """
        }
        let configs = [100, 300].map { directory.appendingPathComponent("platform-\($0).yaml") }
        try platform(100).write(to: configs[0], atomically: true, encoding: .utf8)
        try platform(300).write(to: configs[1], atomically: true, encoding: .utf8)
        let renders = try configs.map { try GitOpsRenderer.render(PlatformConfig.load(contentsOf: $0)) }
        var versions: [String: Set<String>] = [:]
        for render in renders { for file in render { versions[file.path, default: []].insert(file.contents) } }
        try #require(versions.values.contains { $0.count == 2 }, "the two configs must render different files")
        let tree = directory.appendingPathComponent("kube")
        var random = SeededRandom(seed: 9)
        for round in 0..<30 {
            let delay = Duration.milliseconds(Int64(random.next() % 80))
            try await Self.runAndKill(["tree", tree.path, configs[0].path, configs[1].path], after: delay)
            for path in try GitOpsTreeWriter(directory: tree).generatedFiles() {
                let text = try String(contentsOf: tree.appendingPathComponent(path), encoding: .utf8)
                #expect(versions[path]?.contains(text) == true, "round \(round): \(path) is neither version")
                #expect(try Self.mode(tree.appendingPathComponent(path).path) == 0o644)
            }
        }
        // Killed writes left hidden temporaries; the next write removes those older than a minute.
        let enumerator = try #require(FileManager.default.enumerator(atPath: tree.path))
        let leftovers = enumerator.compactMap { $0 as? String }.filter {
            AtomicFile.isTemporary(name: URL(fileURLWithPath: $0).lastPathComponent)
        }
        for leftover in leftovers {
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-120)],
                ofItemAtPath: tree.appendingPathComponent(leftover).path
            )
        }
        try GitOpsTreeWriter(directory: tree).write(renders[0])
        let after = try #require(FileManager.default.enumerator(atPath: tree.path)).compactMap { $0 as? String }
        #expect(!after.contains { AtomicFile.isTemporary(name: URL(fileURLWithPath: $0).lastPathComponent) })
        #expect(try GitOpsTreeWriter(directory: tree).generatedFiles() == renders[0].map(\.path).sorted())
    }
}
