import EKSAWS
import EKSKubernetes
import Foundation

/// One thing that would make `up` fail later — after the VPC, cluster and node group exist, 15 to 20 minutes into
/// a real run — found before the first write.
public struct PreflightFinding: Sendable, Equatable, CustomStringConvertible {
    /// A stable name for the check, e.g. `preflight.deploy-key`.
    public var check: String
    /// What is wrong, where, and how to fix it (never a secret value).
    public var message: String

    /// Creates a finding.
    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }

    /// `check: message`.
    public var description: String { "\(check): \(message)" }
}

/// The checks that need no AWS call: secret references resolvable, the deploy key private, the Git host known, the
/// Flux manifest reachable with its pinned digest, instance types matching the AMI's architecture. Every check
/// runs, so the user sees all problems at once.
public struct Preflight: Sendable {
    /// The environment (`HOME` for `~` and `~/.ssh/known_hosts`, `PATH` for `op`).
    public var environment: [String: String]
    /// Reads `op://` references (the value is registered with the redactor and dropped).
    public var onePassword: OnePasswordCLI
    /// Fetches the Flux manifest (injectable for tests).
    public var download: @Sendable (String) async throws -> [UInt8]
    /// Whether this machine reaches the cluster's private endpoint (it runs inside the VPC, or is routed there); when
    /// not, a platform without a public endpoint is a finding, since the cluster phase runs from here.
    public var reachesPrivateEndpoint: Bool

    /// Creates the checks.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        redactor: Redactor,
        download: @escaping @Sendable (String) async throws -> [UInt8] = { try await FluxRelease.download($0) },
        reachesPrivateEndpoint: Bool = false
    ) {
        self.reachesPrivateEndpoint = reachesPrivateEndpoint
        self.environment = environment
        self.onePassword = OnePasswordCLI(environment: environment, redactor: redactor)
        self.download = download
    }

    /// Runs every check for `config`; `installsFlux` is whether the cluster phase will apply the Flux manifest.
    public func run(_ config: PlatformConfig, installsFlux: Bool) async -> [PreflightFinding] {
        var findings = Self.offline(config)
        guard let gitops = config.spec.gitops else { return findings }
        // The identity running `up` gets an access entry (the blueprint adds one unless access.admins covers it); the
        // network path is the other half of reaching the cluster. Without a public endpoint the API server answers only
        // inside the VPC (EKS user guide, "Cluster API server endpoint"), and the cluster phase runs from here.
        if installsFlux, !config.spec.endpointAccess.public, !reachesPrivateEndpoint {
            findings.append(
                PreflightFinding(
                    check: "preflight.cluster-reach",
                    message: "spec.endpointAccess.public is false, so the cluster API answers only inside the VPC, but "
                        + "the cluster phase (Flux) runs from this machine and would fail once the cluster is built; "
                        + "set public: true with publicCIDRs covering this machine, or run from a host that reaches "
                        + "the VPC and say so (see the README)"
                )
            )
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        switch gitops.credentials {
        case .sshPrivateKey(let reference)?:
            do {
                _ = try await onePassword.read(reference)
            } catch let error as OnePasswordError {
                findings.append(
                    PreflightFinding(
                        check: "preflight.deploy-key",
                        message: "spec.gitops.credentials.sshPrivateKey: \(error.message)"
                    )
                )
            } catch {
                findings.append(
                    PreflightFinding(check: "preflight.deploy-key", message: "spec.gitops.credentials.sshPrivateKey: \(error)")
                )
            }
        case .file(let path)?:
            if let problem = Self.privateFileProblem(path, home: home) {
                findings.append(
                    PreflightFinding(check: "preflight.deploy-key", message: "spec.gitops.credentials.file: \(problem)")
                )
            }
        case nil:
            break
        }
        if let (host, port) = KnownHosts.endpoint(ofRepository: gitops.repository.url) {
            let text = (try? String(contentsOfFile: home + "/.ssh/known_hosts", encoding: .utf8)) ?? ""
            if KnownHosts.lines(for: host, port: port, in: text).isEmpty {
                let name = port == 22 ? host : "[\(host)]:\(port)"
                findings.append(
                    PreflightFinding(
                        check: "preflight.known-hosts",
                        message: "\(home)/.ssh/known_hosts has no entry for \(name) (plain or hashed), so Flux could not "
                            + "verify the Git server; check the host's fingerprint and add it, e.g. ssh-keyscan "
                            + (port == 22 ? "" : "-p \(port) ") + "\(host) >> ~/.ssh/known_hosts"
                    )
                )
            }
        }
        if installsFlux {
            let release = FluxRelease(flux: gitops.flux)
            do {
                try release.requirePin()
                let bytes = try await download(release.url)
                try release.verify(bytes)
            } catch let error as FluxRelease.VerificationError {
                findings.append(PreflightFinding(check: "preflight.flux-manifest", message: error.message))
            } catch {
                findings.append(
                    PreflightFinding(check: "preflight.flux-manifest", message: "cannot download \(release.url): \(error)")
                )
            }
        }
        return findings
    }

    /// The checks that need nothing but the file (what `validate` runs).
    public static func offline(_ config: PlatformConfig) -> [PreflightFinding] {
        var findings: [PreflightFinding] = []
        let group = config.spec.systemNodeGroup
        if let arm = amiIsARM(group.amiType) {
            for type in group.instanceTypes where instanceTypeIsARM(type) != arm {
                findings.append(
                    PreflightFinding(
                        check: "preflight.architecture",
                        message: "spec.systemNodeGroup.instanceTypes: \(type) is "
                            + (arm ? "an x86_64" : "an arm64 (Graviton)") + " type but amiType \(group.amiType) is for "
                            + (arm ? "arm64" : "x86_64") + "; EKS would refuse the node group. Use "
                            + (arm ? "Graviton types such as m7g.large" : "x86 types such as m6i.large")
                            + " or an amiType for that architecture"
                    )
                )
            }
        }
        return findings
    }

    /// `true` for an arm64 AMI type, `false` for x86_64, `nil` when it says neither (CUSTOM).
    static func amiIsARM(_ amiType: String) -> Bool? {
        if amiType.contains("ARM_64") { return true }
        if amiType.contains("x86_64") || amiType.contains("WINDOWS") || amiType.contains("GPU") { return false }
        return nil
    }

    /// Whether an EC2 instance type is Graviton (arm64): `a1`, or a family whose generation digit is followed by
    /// `g` (m7g, c6gn, t4g, x2gd, im4gn, is4gen, g5g, hpc7g).
    static func instanceTypeIsARM(_ type: String) -> Bool {
        let family = type.split(separator: ".").first.map(String.init) ?? type
        if family == "a1" { return true }
        guard let digit = family.firstIndex(where: \.isNumber) else { return false }
        let afterDigits = family[digit...].drop(while: \.isNumber)
        return afterDigits.hasPrefix("g")
    }

    /// Why the key file at `path` cannot be used, or `nil`: it must be a readable regular file that nobody else can
    /// read (ssh itself refuses a private key with group or other permissions).
    static func privateFileProblem(_ path: String, home: String) -> String? {
        let expanded = path.hasPrefix("~/") ? home + path.dropFirst(1) : path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: expanded) else {
            return "\(path) does not exist or cannot be read"
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { return "\(path) is not a regular file" }
        let mode = (attributes[.posixPermissions] as? Int) ?? 0
        guard mode & 0o077 == 0 else {
            return "\(path) is readable by other users (mode \(String(mode, radix: 8))); chmod 600 \(path)"
        }
        guard FileManager.default.isReadableFile(atPath: expanded) else { return "\(path) cannot be read" }
        return nil
    }
}

extension PlatformEngine {
    /// ``Preflight`` for this engine's configuration and redactor (the Flux manifest only when the cluster phase
    /// runs), before any AWS request.
    /// - Parameter reachesPrivateEndpoint: this machine reaches the cluster's private endpoint (it runs in the VPC).
    public func preflight(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        reachesPrivateEndpoint: Bool = false
    ) async -> [PreflightFinding] {
        await Preflight(environment: environment, redactor: session.redactor, reachesPrivateEndpoint: reachesPrivateEndpoint)
            .run(config, installsFlux: clusterObjects != nil)
    }
}
