import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// Issue 15 item 4: an unpinned Flux manifest stops `plan` (and so `up`) before the first AWS request, instead of
/// being applied with a warning 20 minutes later when the cluster exists.
@Suite("Unpinned Flux manifests are refused at plan time")
struct UnpinnedFluxTests {
    @Test("plan throws flux.unpinned and the emulator sees no request; the opt-out plans normally")
    func planStopsBeforeAnyRequest() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let cluster = ClusterConnection(
            session: session,
            clusterName: "pin",
            target: .server(try KubeClientConfiguration(server: try #require(URL(string: "https://127.0.0.1:1"))))
        )
        var config = EngineFixtures.config(name: "pin")
        #expect(config.spec.gitops?.flux.sha256 == nil)
        let engine = PlatformEngine(config: config, session: session, cluster: cluster)
        await #expect {
            _ = try await engine.plan()
        } throws: { ($0 as? FluxRelease.VerificationError)?.code == "flux.unpinned" }
        #expect(try await EngineEmulatorTests.operations(emulator).isEmpty, "nothing was asked of AWS")

        config.spec.gitops?.flux.insecureAllowUnpinned = true
        let optedOut = PlatformEngine(config: config, session: session, cluster: cluster)
        let planned = try await optedOut.plan()
        #expect(planned.plan.hasChanges)
        try? await session.shutdown()
    }

    @Test(
        "init pins the manifest it downloads; pin-flux prints the line; validate warns about an unpinned one",
        .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl"),
        .enabled(if: PackagePaths.shared != nil, "needs ../shared")
    )
    func pinningHelpers() async throws {
        let manifest = try #require(PackagePaths.shared).appendingPathComponent("flux/install-v2.9.4.yaml").path
        let digest = StableNames.sha256Hex(Array(try Data(contentsOf: URL(fileURLWithPath: manifest))))
        let folder = try makeTemporaryDirectory("flux-pin")
        let pinned = "\(folder)/pinned.yaml"
        let initRun = try await CLI.run(["init", "--config", pinned, "--flux-manifest", manifest])
        #expect(initRun.status == 0, "\(initRun.stderr)")
        let config = try PlatformConfig.load(contentsOf: URL(fileURLWithPath: pinned))
        #expect(config.spec.gitops?.flux.sha256 == digest)
        #expect(config.spec.gitops?.flux.manifestURL == manifest)

        let unpinned = "\(folder)/unpinned.yaml"
        let offline = try await CLI.run(["init", "--config", unpinned, "--no-flux-pin"])
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(try PlatformConfig.load(contentsOf: URL(fileURLWithPath: unpinned)).spec.gitops?.flux.sha256 == nil)
        let validate = try await CLI.run(["validate", "--config", unpinned])
        #expect(validate.status == 0)
        #expect(validate.stderr.contains("no sha256"), "\(validate.stderr)")

        let text = try String(contentsOfFile: unpinned, encoding: .utf8).replacingOccurrences(
            of: "flux: { version: v2.9.4 }",
            with: "flux: { version: v2.9.4, manifestURL: \"\(manifest)\" }"
        )
        try text.write(toFile: unpinned, atomically: true, encoding: .utf8)
        let helper = try await CLI.run(["pin-flux", "--config", unpinned])
        #expect(helper.status == 0, "\(helper.stderr)")
        #expect(helper.stdout.contains("flux: { version: v2.9.4, manifestURL: \"\(manifest)\", sha256: \(digest) }"))
        #expect(helper.stdout.contains("Trust on first use"))
        let check = try await CLI.run(["pin-flux", "--config", pinned])
        #expect(check.status == 0 && check.stdout.contains("matches the pinned SHA-256"), "\(check.stderr)")
        try String(contentsOfFile: pinned, encoding: .utf8).replacingOccurrences(
            of: digest,
            with: String(repeating: "0", count: 64)
        )
        .write(toFile: pinned, atomically: true, encoding: .utf8)
        let mismatch = try await CLI.run(["pin-flux", "--config", pinned])
        #expect(mismatch.status != 0 && mismatch.stderr.contains("now has SHA-256 \(digest)"))
    }
}
