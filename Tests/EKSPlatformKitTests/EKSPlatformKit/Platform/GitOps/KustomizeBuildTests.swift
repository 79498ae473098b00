import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// Finds `kubectl` on `PATH`.
enum Kubectl {
    static let path: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/kubectl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()
}

/// Runs the real `kubectl kustomize` over a freshly rendered tree (offline; kubectl is installed on these machines).
@Suite("kubectl kustomize over the rendered tree", .enabled(if: Kubectl.path != nil, "kubectl is not on PATH"))
struct KustomizeBuildTests {

    static func kustomize(_ directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Kubectl.path ?? "/usr/bin/kubectl")
        process.arguments = ["kustomize", directory.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func everyFolderBuildsAndYieldsTheExpectedKinds() throws {
        let directory = try RenderPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try GitOpsRenderer.render(try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform))
        try GitOpsTreeWriter(directory: directory).write(files)
        let expected: [String: [String]] = [
            "clusters/demo": ["Kustomization", "Kustomization", "Kustomization"],
            "platform/karpenter": ["HelmRelease", "OCIRepository"],
            "platform/nodepools": ["EC2NodeClass", "NodePool"],
            "platform/workloads": ["Deployment", "Namespace", "Pod"],
            "platform": ["Deployment", "EC2NodeClass", "HelmRelease", "Namespace", "NodePool", "OCIRepository", "Pod"],
        ]
        let folders = Set(files.map { ($0.path as NSString).deletingLastPathComponent })
        #expect(folders == Set(expected.keys))
        for (folder, kinds) in expected {
            let (status, output) = try Self.kustomize(directory.appendingPathComponent(folder))
            #expect(status == 0, "kubectl kustomize \(folder): \(output)")
            let documents = try YAML.decodeDocuments(output)
            #expect(documents.compactMap { $0["kind"]?.stringValue }.sorted() == kinds, "\(folder)")
            // Variables pass through kustomize untouched, for Flux to substitute.
            if folder == "platform/nodepools" { #expect(output.contains("${KARPENTER_NODE_ROLE_NAME}")) }
        }
    }
}
