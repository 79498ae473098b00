import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl pin-flux`: downloads the Flux install manifest platform.yaml names and prints the line that pins it.
struct PinFlux: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin-flux",
        abstract: "Download the Flux install manifest and print the platform.yaml line that pins its SHA-256.",
        discussion: """
            `up` applies a Flux manifest only when its SHA-256 is pinned in spec.gitops.flux.sha256. This command \
            downloads the manifest platform.yaml names (its manifestURL, or the release asset of its version) and \
            prints its digest and the line to put under spec.gitops. That is trust on first use: the digest is only \
            as good as this download, so review the file (or compare with a digest published by someone you trust) \
            before pinning it. With a pin already set it checks the download against it (exit 1 on a mismatch).
            """
    )

    @Option(name: .long, help: "Path to platform.yaml.")
    var config: String = "platform.yaml"

    func run() async throws {
        let platform = try loadPlatformConfig(config)
        guard let gitops = platform.spec.gitops else {
            throw CLIError(message: "\(config) has no spec.gitops section, so no Flux manifest is installed")
        }
        let release = FluxRelease(flux: gitops.flux)
        let bytes: [UInt8]
        do {
            bytes = try await FluxRelease.download(release.url)
        } catch {
            throw CLIError(message: "cannot download \(release.url): \(error)")
        }
        let digest = StableNames.sha256Hex(bytes)
        if let pinned = release.sha256 {
            guard pinned == digest else {
                throw CLIError(
                    message: "\(release.url) now has SHA-256 \(digest), but \(config) pins \(pinned); find out why "
                        + "before changing the pin (a new release needs a new version, not a new digest)"
                )
            }
            print("Flux \(release.version): \(release.url) matches the pinned SHA-256 \(digest)")
            return
        }
        print(
            """
            Flux \(release.version) install.yaml from \(release.url): \(bytes.count) bytes, SHA-256 \(digest)
            Trust on first use: this is the digest of what was downloaded just now. Review the file, then put this \
            line under spec.gitops in \(config):

                \(release.pinLine(for: bytes))
            """
        )
    }
}
