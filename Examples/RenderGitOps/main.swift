// Renders the GitOps tree for a platform.yaml with the library, the way `platformctl render` does.
// Usage: swift run RenderGitOps [path/to/platform.yaml] [output-dir]
import EKSPlatformKit
import Foundation

let arguments = CommandLine.arguments.dropFirst()
let configPath = arguments.first ?? "Examples/platform.yaml"
let outputPath = arguments.dropFirst().first ?? "kube"

do {
    let config = try PlatformConfig.load(contentsOf: URL(fileURLWithPath: configPath))
    let files = try GitOpsRenderer.render(config)
    let report = try GitOpsTreeWriter(directory: URL(fileURLWithPath: outputPath)).write(
        files,
        staleScope: GitOpsRenderer.ownedFolders(for: config)
    )
    print("cluster \(config.name): \(files.count) files, \(report.written.count) written, \(report.removed.count) removed")
    print("platform-vars keys: \(GitOpsRenderer.variables(in: files).joined(separator: " "))")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
