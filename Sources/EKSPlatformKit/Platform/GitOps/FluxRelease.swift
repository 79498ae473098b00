import EKSAWS
import EKSKubernetes

/// The Flux release manifest the engine installs: its URL and the SHA-256 the downloaded bytes must have.
///
/// A manifest is only applied when its digest is known — from `spec.gitops.flux.sha256`, or from ``pins`` for the
/// default release URL of a version — so a tampered or unexpected download never reaches the cluster. Without a pin
/// the engine stops at plan time, before any AWS write, unless the configuration opts out with
/// `insecureAllowUnpinned: true`. ``pinLine(for:)`` gives the line that pins what was downloaded (trust on first use).
public struct FluxRelease: Sendable, Equatable {
    /// The release version, e.g. `v2.9.4`.
    public var version: String
    /// Where `install.yaml` is downloaded from.
    public var url: String
    /// The expected SHA-256 (lowercase hex), or `nil` when no pin is known.
    public var sha256: String?
    /// Apply an unpinned manifest anyway (`spec.gitops.flux.insecureAllowUnpinned`).
    public var allowUnpinned: Bool
    /// Whether the configuration names `manifestURL` (the pin line then repeats it).
    var customURL: Bool

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
        self.allowUnpinned = flux.insecureAllowUnpinned
        self.customURL = flux.manifestURL != nil
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

    /// Whether a digest is pinned.
    public var isPinned: Bool { sha256 != nil }

    /// Stops an unpinned manifest before anything is changed, unless the configuration opted out.
    /// - Throws: ``VerificationError`` `flux.unpinned`.
    public func requirePin() throws {
        guard sha256 == nil, !allowUnpinned else { return }
        throw VerificationError(
            code: "flux.unpinned",
            message: "no SHA-256 is pinned for Flux \(version) (\(url)), so its install.yaml cannot be verified and "
                + "is not applied; nothing was changed. Pin it: set spec.gitops.flux.sha256 to the digest of the file "
                + "you reviewed (the pinning helper downloads it and prints the line), or, to apply it unverified, set "
                + "spec.gitops.flux.insecureAllowUnpinned: true"
        )
    }

    /// The `flux:` line for platform.yaml that pins `bytes` (the manifest as downloaded now): trust on first use,
    /// so the digest is only as good as the download it was taken from.
    public func pinLine(for bytes: [UInt8]) -> String {
        let digest = StableNames.sha256Hex(bytes)
        return "flux: { version: \(version)" + (customURL ? ", manifestURL: \"\(url)\"" : "") + ", sha256: \(digest) }"
    }

    /// Downloads the manifest: a local path, `file://`, or https (redirects followed for this unauthenticated GET,
    /// but never from https to plain http; the digest is what makes the bytes trustworthy).
    public static func download(_ location: String) async throws -> [UInt8] {
        try await KubeClusterObjects.download(location)
    }

    /// The install manifest after its digest was checked: the only form the renderer accepts for Flux's components in
    /// git, so what Flux later reconciles from git is byte-for-byte what the pin names.
    public struct VerifiedManifest: Sendable, Equatable {
        /// The Flux version the configuration pins (e.g. `v2.9.4`).
        public var version: String
        /// The SHA-256 of ``text`` (lowercase hex).
        public var sha256: String
        /// The manifest, exactly as downloaded.
        public var text: String
    }

    /// Checks `bytes` like ``verify(_:warn:)`` and returns them as a ``VerifiedManifest``.
    /// - Throws: ``VerificationError`` `flux.unpinned` or `flux.digest-mismatch`.
    public func verified(_ bytes: [UInt8], warn: (String) -> Void = { _ in }) throws -> VerifiedManifest {
        try verify(bytes, warn: warn)
        return VerifiedManifest(
            version: version,
            sha256: StableNames.sha256Hex(bytes),
            text: String(decoding: bytes, as: UTF8.self)
        )
    }

    /// Checks `bytes` (the downloaded manifest) against the pin. Without a pin (allowed only by
    /// `insecureAllowUnpinned`) the manifest is used and `warn` hears why that is risky; a digest that differs from
    /// the pin is always refused.
    /// - Throws: ``VerificationError`` `flux.unpinned` or `flux.digest-mismatch`.
    public func verify(_ bytes: [UInt8], warn: (String) -> Void = { _ in }) throws {
        guard let expected = sha256 else {
            try requirePin()
            warn(
                "INSECURE: no SHA-256 is pinned for Flux \(version) (\(url)); its install.yaml (SHA-256 "
                    + "\(StableNames.sha256Hex(bytes))) is applied unverified because insecureAllowUnpinned is set"
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
