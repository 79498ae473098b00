import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSPlatformKit

/// Issue 16: what would fail 20 minutes into `up` is found before the first write, all of it at once.
@Suite("Preflight")
struct PreflightTests {
    @Test func gravitonAndX86InstanceTypes() {
        for arm in ["m7g.large", "c6gn.xlarge", "t4g.small", "x2gd.medium", "im4gn.large", "g5g.xlarge", "a1.large"] {
            #expect(Preflight.instanceTypeIsARM(arm), "\(arm)")
        }
        for x86 in ["m6i.large", "c5.xlarge", "g4dn.xlarge", "inf2.xlarge", "t3.micro", "r5n.large", "p4d.24xlarge"] {
            #expect(!Preflight.instanceTypeIsARM(x86), "\(x86)")
        }
        var config = PlatformConfig(name: "arch", spec: PlatformConfig.Spec(region: "us-west-2"))
        config.spec.systemNodeGroup.instanceTypes = ["m6i.large", "m7g.large"]
        let findings = Preflight.offline(config)
        #expect(findings.map(\.check) == ["preflight.architecture"])
        #expect(findings.first?.message.contains("m7g.large is an arm64 (Graviton) type") == true)
        config.spec.systemNodeGroup.amiType = "AL2023_ARM_64_STANDARD"
        #expect(Preflight.offline(config).first?.message.contains("m6i.large is an x86_64 type") == true)
    }

    /// A platform without a public endpoint cannot be finished from a machine outside its VPC: the cluster phase
    /// would fail after the cluster exists. Found before the first write, unless this machine says it reaches the VPC.
    @Test func aPrivateOnlyEndpointIsAFindingUnlessThisMachineReachesIt() async throws {
        var config = PlatformConfig(name: "private", spec: PlatformConfig.Spec(region: "us-west-2"))
        config.spec.gitops = PlatformConfig.GitOps(
            repository: .init(url: "https://example.com/platform.git", path: "kube/clusters/private")
        )
        config.spec.endpointAccess.public = false
        let redactor = Redactor()
        let offline: @Sendable (String) async throws -> [UInt8] = { _ in throw TestSupportError("no network in this test") }
        let home = ["HOME": "/nonexistent", "PATH": "/usr/bin:/bin"]
        func checks(_ preflight: Preflight, installsFlux: Bool = true) async -> [String] {
            await preflight.run(config, installsFlux: installsFlux).map(\.check).filter { $0 == "preflight.cluster-reach" }
        }
        #expect(await checks(Preflight(environment: home, redactor: redactor, download: offline)) == ["preflight.cluster-reach"])
        #expect(
            await checks(Preflight(environment: home, redactor: redactor, download: offline, reachesPrivateEndpoint: true))
                .isEmpty
        )
        #expect(await checks(Preflight(environment: home, redactor: redactor, download: offline), installsFlux: false).isEmpty)
        config.spec.endpointAccess.public = true
        #expect(await checks(Preflight(environment: home, redactor: redactor, download: offline)).isEmpty)
    }

    /// Hashed entries as `ssh-keygen -H` writes them (what `HashKnownHosts yes` produces) are found, also for a port.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen"), "needs ssh-keygen"))
    func hashedKnownHosts() async throws {
        let folder = try makeTemporaryDirectory("known-hosts")
        let file = folder + "/known_hosts"
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        try "github.com \(key)\n[git.example.com]:2222 \(key)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let hashed = try await Subprocess.run(["ssh-keygen", "-H", "-f", file], environment: [:])
        #expect(hashed.status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains("github.com") && text.contains("|1|"), "ssh-keygen hashed the names")
        #expect(KnownHosts.lines(for: "github.com", in: text).count == 1)
        #expect(KnownHosts.lines(for: "git.example.com", port: 2222, in: text).count == 1)
        #expect(KnownHosts.lines(for: "git.example.com", in: text).isEmpty, "port 22 is a different entry")
        #expect(KnownHosts.lines(for: "gitlab.com", in: text).isEmpty)
        #expect(KnownHosts.lines(for: "github.com", in: "github.com,140.82.112.3 \(key)\n# github.com x\n").count == 1)
    }

    @Test(
        "plan lists a broken op:// item, a loose key, an unknown host and a wrong digest at once; up stops before any write",
        .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
    )
    func planAndUpReportEverything() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let fake = try FakeOnePassword(values: ["op://Platform/flux-deploy-key/private key": "secret-deploy-key-value"])
        defer { fake.remove() }
        let home = try makeTemporaryDirectory("preflight-home")
        let manifest = home + "/install.yaml"
        try "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n".write(
            toFile: manifest,
            atomically: true,
            encoding: .utf8
        )
        let text = PlatformTemplate.yaml(name: "pre", region: "us-west-2")
            .replacingOccurrences(
                of: "flux: { version: v2.9.4 }",
                with: "flux: { version: v2.9.4, manifestURL: \(manifest), sha256: \(String(repeating: "a", count: 64)) }"
            )
            .replacingOccurrences(of: "op://Platform/flux-deploy-key/private key", with: "op://Platform/no-such-item/private key")
        let config = home + "/platform.yaml"
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let env = [
            "AWS_ACCESS_KEY_ID": "AKIAPREFLIGHT0000001", "AWS_SECRET_ACCESS_KEY": "preflight-secret", "HOME": home,
            "PATH": fake.path(), "PLATFORMCTL_KUBE_API": "http://127.0.0.1:9",
        ]
        let common = ["--config", config, "--endpoint-url", emulator.endpoint.absoluteString]
        let started = Date()
        let plan = try await CLI.run(["plan"] + common, environment: env)
        let seconds = Date().timeIntervalSince(started)
        #expect(plan.status == 1)
        let lines = plan.stderr.split(separator: "\n").filter { $0.hasPrefix("preflight: ") }
        #expect(lines.count == 3, "\(plan.stderr)")
        #expect(plan.stderr.contains("preflight.deploy-key: spec.gitops.credentials.sshPrivateKey: "))
        #expect(plan.stderr.contains("no-such-item"))
        #expect(plan.stderr.contains("preflight.known-hosts: \(home)/.ssh/known_hosts has no entry for github.com"))
        #expect(plan.stderr.contains("preflight.flux-manifest: "))
        print("plan with three preflight findings took \(String(format: "%.2f", seconds)) s")
        let writes = try await EngineEmulatorTests.operations(emulator).filter { !EngineEmulatorTests.isRead($0) }
        #expect(writes.isEmpty, "\(writes)")

        // up stops at the same findings, before observing anything: only the header's GetCallerIdentity.
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let up = try await CLI.run(["up", "--yes"] + common, environment: env)
        #expect(up.status == 1)
        #expect(up.stderr.contains("preflight found 3 problem(s) (listed above); nothing was changed"))
        #expect(try await EngineEmulatorTests.operations(emulator) == ["GetCallerIdentity"])
        // The item that exists is never printed; the missing one is named by its reference only.
        #expect(!(plan.stderr + plan.stdout + up.stderr + up.stdout).contains("secret-deploy-key-value"))
    }
}
