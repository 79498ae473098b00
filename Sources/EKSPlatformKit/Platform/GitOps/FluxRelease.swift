import EKSAWS
import EKSKubernetes

/// The Flux release manifest the engine installs: its URL and the SHA-256 the downloaded bytes must have.
///
/// A manifest is only applied when its digest is known — from `spec.gitops.flux.sha256`, or from ``pins`` for the
/// default release URL of a version — so a tampered or unexpected download never reaches the cluster.
public struct FluxRelease: Sendable, Equatable {
    /// The release version, e.g. `v2.9.4`.
    public var version: String
    /// Where `install.yaml` is downloaded from.
    public var url: String
    /// The expected SHA-256 (lowercase hex), or `nil` when no pin is known.
    public var sha256: String?

    /// Pinned digests of the default `install.yaml` per Flux version (lowercase hex).
    ///
    /// Only digests verified against the real release asset belong here; this build had no network access to verify
    /// one, so the table is empty and a pin must come from `spec.gitops.flux.sha256`.
    public static let pins: [String: String] = [:]

    /// Resolves URL and digest from the configuration: an explicit `sha256` wins; the pin table applies only to the
    /// default release URL.
    public init(flux: PlatformConfig.Flux) {
        self.version = flux.version
        self.url = flux.resolvedManifestURL
        if let explicit = flux.sha256 {
            self.sha256 = explicit.lowercased()
        } else if flux.manifestURL == nil {
            self.sha256 = Self.pins[flux.version]
        } else {
            self.sha256 = nil
        }
    }

    /// Why the manifest cannot be used: unpinned, or the digest of the downloaded bytes differs.
    public struct VerificationError: Error, Sendable, Equatable, CustomStringConvertible {
        /// `flux.unpinned` or `flux.digest-mismatch`.
        public var code: String
        /// What is wrong and how to fix it.
        public var message: String

        /// `code: message`.
        public var description: String { "\(code): \(message)" }
    }

    /// Checks `bytes` (the downloaded manifest) against the pin. Without a pin the manifest is used and `warn` hears
    /// why that is risky; a digest that differs from the pin is always refused.
    /// - Throws: ``VerificationError`` `flux.digest-mismatch`.
    public func verify(_ bytes: [UInt8], warn: (String) -> Void = { _ in }) throws {
        guard let expected = sha256 else {
            warn(
                "no SHA-256 is pinned for Flux \(version) (\(url)); its install.yaml is applied unverified. Set "
                    + "spec.gitops.flux.sha256 to the sha256sum of that file to pin it"
            )
            return
        }
        let actual = StableNames.sha256Hex(bytes)
        guard actual == expected else {
            throw VerificationError(
                code: "flux.digest-mismatch",
                message: "\(url) has SHA-256 \(actual), but \(expected) is pinned; check the URL and the pin"
            )
        }
    }
}
