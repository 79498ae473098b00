import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl render`: writes the `kube/` GitOps tree from `platform.yaml`.
struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the kube/ GitOps tree (Flux Kustomizations, Karpenter, NodePools, workloads) from platform.yaml.",
        discussion: """
            Files are replaced atomically; generated files that are no longer rendered are removed; nothing is written \
            when platform.yaml is invalid. The tree holds only ${VARIABLES}, supplied at deploy time by the \
            platform-vars ConfigMap. When spec.gitops.flux is pinned (sha256), the Flux manifest is downloaded, checked \
            against the pin and written to clusters/<name>/flux-system/ with the sync objects and a patch that puts \
            Flux's controllers on the system nodes, so Flux manages itself from git; unpinned, that folder is left out.
            """
    )

    @Option(name: .long, help: "Path to platform.yaml.")
    var config: String = "platform.yaml"

    @Option(
        name: .customLong("output-dir"),
        help: "Directory to write the tree into (default: the folder above clusters/ in spec.gitops.repository.path, else kube)."
    )
    var outputDir: String?

    func run() async throws {
        let platform: PlatformConfig
        do {
            platform = try PlatformConfig.load(contentsOf: URL(fileURLWithPath: config))
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let components = try await fluxComponents(platform)
        let files = try GitOpsRenderer.render(platform, fluxComponents: components)
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
                + GitOpsRenderer.variables(in: try GitOpsRenderer.render(platform)).joined(separator: ", ")
        )
    }

    /// The pinned Flux manifest, downloaded and checked against the pin; `nil` (with a note) when nothing is pinned.
    private func fluxComponents(_ platform: PlatformConfig) async throws -> FluxRelease.VerifiedManifest? {
        guard let gitops = platform.spec.gitops else { return nil }
        let release = FluxRelease(flux: gitops.flux)
        guard release.isPinned else {
            FileHandle.standardError.write(
                Data(
                    ("note: clusters/\(platform.name)/\(GitOpsRenderer.fluxSystemFolder)/ is not rendered: Flux "
                        + "\(release.version) has no pinned SHA-256 (platformctl pin-flux prints the line to add)\n").utf8
                )
            )
            return nil
        }
        let bytes: [UInt8]
        do {
            bytes = try await FluxRelease.download(release.url)
        } catch {
            throw CLIError(message: "cannot read the Flux manifest \(release.url): \(error); nothing was written")
        }
        do {
            return try release.verified(bytes)
        } catch let error as FluxRelease.VerificationError {
            throw CLIError(message: "\(error.message); nothing was written")
        }
    }
}
