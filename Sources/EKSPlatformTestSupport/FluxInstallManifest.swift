import EKSPlatformKit
import Foundation

/// Flux's real install manifest for tests: `../shared/flux/install-v2.9.4.yaml` (what `flux install --export` of
/// Flux v2.9.4 prints, rebuilt offline from upstream sources; see the README beside it), read in place and pinned
/// here by its SHA-256 the way a platform.yaml pins it.
public enum FluxInstallManifest {
    /// The Flux version the manifest installs.
    public static let version = "v2.9.4"
    /// The pinned SHA-256 of the file (the value its README states).
    public static let sha256 = "97da4654bc11de5637d7f506b0a73707e1e6a1f7a8e9fa8e307063c0b9befa1f"
    /// The number of objects in the manifest.
    public static let objectCount = 32

    /// The file, or `nil` when `../shared` is not beside the checkout.
    public static var url: URL? {
        guard let url = PackagePaths.shared?.appendingPathComponent("flux/install-v2.9.4.yaml"),
            FileManager.default.fileExists(atPath: url.path)
        else { return nil }
        return url
    }

    /// Whether the file is present.
    public static var isAvailable: Bool { url != nil }

    /// The `spec.gitops.flux` settings that install it: its local path as `manifestURL`, pinned by ``sha256``.
    public static func fluxSettings() throws -> PlatformConfig.Flux {
        guard let url else { throw TestSupportError("../shared/flux/install-v2.9.4.yaml is missing") }
        return PlatformConfig.Flux(version: version, manifestURL: url.path, sha256: sha256)
    }

    /// The `flux:` line of platform.yaml that installs it.
    public static func fluxLine() throws -> String {
        guard let url else { throw TestSupportError("../shared/flux/install-v2.9.4.yaml is missing") }
        return "flux: { version: \(version), manifestURL: \"\(url.path)\", sha256: \(sha256) }"
    }

    /// The manifest's bytes.
    public static func bytes() throws -> [UInt8] {
        guard let url else { throw TestSupportError("../shared/flux/install-v2.9.4.yaml is missing") }
        return Array(try Data(contentsOf: url))
    }
}
