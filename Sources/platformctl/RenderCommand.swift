import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl render`: writes the `kube/` GitOps tree from `platform.yaml`.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the kube/ GitOps tree (Flux Kustomizations, Karpenter, NodePools, workloads) from platform.yaml.",
        discussion: """
            Files are replaced atomically; generated files that are no longer rendered are removed; nothing is written \
            when platform.yaml is invalid. The tree holds only ${VARIABLES}, supplied at deploy time by the \
            platform-vars ConfigMap.
            """
    )

    @Option(name: .long, help: "Path to platform.yaml.")
    var config: String = "platform.yaml"

    @Option(
        name: .customLong("output-dir"),
        help: "Directory to write the tree into (default: the folder above clusters/ in spec.gitops.repository.path, else kube)."
    )
    var outputDir: String?

    func run() throws {
        let platform: PlatformConfig
        do {
            platform = try PlatformConfig.load(contentsOf: URL(fileURLWithPath: config))
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let files = try GitOpsRenderer.render(platform)
        let treeRoot = platform.spec.gitops?.repository.treeRoot ?? "kube"
        let outputDir = self.outputDir ?? (treeRoot.isEmpty ? "." : treeRoot)
        let report = try GitOpsTreeWriter(directory: URL(fileURLWithPath: outputDir)).write(
            files,
            staleScope: GitOpsRenderer.ownedFolders(for: platform)
        )
        for path in report.written { print("wrote   \(outputDir)/\(path)") }
        for path in report.removed { print("removed \(outputDir)/\(path)") }
        print(
            "\(files.count) files (\(report.written.count) written, \(report.unchanged.count) unchanged, "
                + "\(report.removed.count) removed); variables: "
                + GitOpsRenderer.variables(in: files).joined(separator: ", ")
        )
    }
}
