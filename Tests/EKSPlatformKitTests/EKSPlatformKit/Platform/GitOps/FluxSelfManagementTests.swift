import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit
@testable import platformctl

/// `clusters/<name>/flux-system/`: Flux's pinned components, its sync objects and the system-node patch, built with
/// the real `kubectl kustomize` (offline) and compared with what `up` installs the first time.
@Suite(
    "Flux manages itself from git",
    .enabled(if: FluxInstallManifest.isAvailable, "needs ../shared/flux/install-v2.9.4.yaml")
)
struct FluxSelfManagementTests {
    /// Examples/platform.yaml with Flux pinned to the shared manifest.
    static func pinnedConfig() throws -> PlatformConfig {
        var config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        config.spec.gitops?.flux = try FluxInstallManifest.fluxSettings()
        return config
    }

    static func verifiedManifest(_ config: PlatformConfig) throws -> FluxRelease.VerifiedManifest {
        let gitops = try #require(config.spec.gitops)
        return try FluxRelease(flux: gitops.flux).verified(try FluxInstallManifest.bytes())
    }

    /// `kind namespace/name` of a manifest object.
    static func key(_ object: JSONValue) -> String {
        let metadata = object["metadata"]
        return "\(object["kind"]?.stringValue ?? "") \(metadata?["namespace"]?.stringValue ?? "")/"
            + (metadata?["name"]?.stringValue ?? "")
    }

    /// The paths at which `built` and `installed` differ.
    static func differences(_ built: JSONValue?, _ installed: JSONValue?, path: String) -> [String] {
        if case .object(let left)? = built, case .object(let right)? = installed {
            return Set(left.keys).union(right.keys).sorted().flatMap {
                differences(left[$0], right[$0], path: "\(path).\($0)")
            }
        }
        if case .array(let left)? = built, case .array(let right)? = installed, left.count == right.count {
            return zip(left, right).enumerated().flatMap { differences($1.0, $1.1, path: "\(path)[\($0)]") }
        }
        return built == installed ? [] : [path.isEmpty ? "(whole object)" : path]
    }

    @Test("the shared manifest has the SHA-256 the tests pin")
    func pinMatchesTheFile() throws {
        #expect(StableNames.sha256Hex(try FluxInstallManifest.bytes()) == FluxInstallManifest.sha256)
    }

    @Test("the folder's files, the pinned bytes in git, and the cluster folder listing it")
    func layout() throws {
        let config = try Self.pinnedConfig()
        let files = try GitOpsRenderer.render(config, fluxComponents: try Self.verifiedManifest(config))
        let folder = files.filter { $0.path.hasPrefix("clusters/demo/flux-system/") }.map(\.path)
        #expect(
            folder == [
                "clusters/demo/flux-system/gotk-components.yaml", "clusters/demo/flux-system/gotk-sync.yaml",
                "clusters/demo/flux-system/kustomization.yaml", "clusters/demo/flux-system/system-nodes-patch.yaml",
            ]
        )
        let components = try #require(files.first { $0.path.hasSuffix("/gotk-components.yaml") })
        #expect(StableNames.sha256Hex(Array(components.contents.utf8)) == FluxInstallManifest.sha256)
        let clusterKustomization = try #require(files.first { $0.path == "clusters/demo/kustomization.yaml" })
        let resources = try YAML.decodeDocuments(clusterKustomization.contents).first?["resources"]
        #expect(resources == .array(["karpenter.yaml", "nodepools.yaml", "workloads.yaml", "flux-system"]))
        // Without the manifest nothing of Flux's is rendered (the committed kube/ of the unpinned example).
        #expect(!(try GitOpsRenderer.render(config)).contains { $0.path.contains("flux-system") })
    }

    @Test("a manifest that is not the pinned one is refused")
    func refusesAnotherManifest() throws {
        let config = try Self.pinnedConfig()
        var other = try Self.verifiedManifest(config)
        other.sha256 = String(repeating: "0", count: 64)
        #expect(throws: GitOpsRenderer.FluxComponentsError.self) {
            try GitOpsRenderer.render(config, fluxComponents: other)
        }
        var older = try Self.verifiedManifest(config)
        older.version = "v2.9.3"
        #expect(throws: GitOpsRenderer.FluxComponentsError.self) {
            try GitOpsRenderer.render(config, fluxComponents: older)
        }
    }

    @Test("platformctl render: a pinned config gets flux-system/ from the verified download; a wrong pin writes nothing")
    func renderCommand() async throws {
        let directory = try RenderPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let example = try String(contentsOf: RenderPaths.examplePlatform, encoding: .utf8)
        #expect(example.contains("flux: { version: v2.9.4 }"))
        let pinned = directory.appendingPathComponent("platform.yaml")
        try example.replacingOccurrences(of: "flux: { version: v2.9.4 }", with: try FluxInstallManifest.fluxLine())
            .write(to: pinned, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("kube")
        var command = try Render.parse(["--config", pinned.path, "--output-dir", output.path])
        try await command.run()
        let written = RenderPaths.files(under: output)
        #expect(written.filter { $0.hasPrefix("clusters/demo/flux-system/") }.count == 4)
        let components = try Data(contentsOf: output.appendingPathComponent("clusters/demo/flux-system/gotk-components.yaml"))
        #expect(StableNames.sha256Hex(Array(components)) == FluxInstallManifest.sha256)

        let wrong = directory.appendingPathComponent("wrong.yaml")
        try example.replacingOccurrences(
            of: "flux: { version: v2.9.4 }",
            with: try FluxInstallManifest.fluxLine().replacingOccurrences(
                of: FluxInstallManifest.sha256,
                with: String(repeating: "0", count: 64)
            )
        ).write(to: wrong, atomically: true, encoding: .utf8)
        let empty = directory.appendingPathComponent("empty")
        let refused = try Render.parse(["--config", wrong.path, "--output-dir", empty.path])
        await #expect(throws: (any Error).self) {
            var command = refused; try await command.run()
        }
        #expect(!FileManager.default.fileExists(atPath: empty.path))
    }

    @Test("kubectl kustomize builds flux-system to exactly the objects up installs the first time")
    func buildsToWhatUpInstalls() throws {
        try #require(Kubectl.path != nil, "kubectl is not on PATH")
        let config = try Self.pinnedConfig()
        let manifest = try Self.verifiedManifest(config)
        let directory = try RenderPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try GitOpsTreeWriter(directory: directory).write(try GitOpsRenderer.render(config, fluxComponents: manifest))

        let (status, output) = try KustomizeBuildTests.kustomize(
            directory.appendingPathComponent("clusters/demo/flux-system")
        )
        try #require(status == 0, "kubectl kustomize flux-system: \(output)")
        let built = try YAML.decodeDocuments(output).filter { $0 != .null }

        let objects = ClusterObjects(config: config, gitops: try #require(config.spec.gitops))
        let installed =
            try objects.fluxInstallDocuments(manifest.text).documents.filter { $0 != .null }
            + [try JSONValue(encoding: objects.gitRepository), try JSONValue(encoding: objects.kustomization)]
        #expect(built.count == FluxInstallManifest.objectCount + 2)
        let builtByKey = Dictionary(built.map { (Self.key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let installedByKey = Dictionary(installed.map { (Self.key($0), $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(builtByKey.keys) == Set(installedByKey.keys))
        for (key, object) in installedByKey where builtByKey[key] != object {
            let paths = Self.differences(builtByKey[key], object, path: "")
            Issue.record("\(key) differs between git and the first install at \(paths.prefix(5))")
        }
        // The patch reached every controller.
        let deployments = built.filter { $0["kind"]?.stringValue == "Deployment" }
        #expect(deployments.count == 4)
        for deployment in deployments {
            let podSpec = deployment["spec"]?["template"]?["spec"]
            #expect(podSpec?["nodeSelector"]?["eksplatform.io/pool"] == .string("system"))
            #expect(podSpec?["tolerations"]?.arrayValue?.first?["key"] == .string("CriticalAddonsOnly"))
        }

        // The cluster folder the sync Kustomization points at builds too, with Flux inside it.
        let (clusterStatus, clusterOutput) = try KustomizeBuildTests.kustomize(
            directory.appendingPathComponent("clusters/demo")
        )
        try #require(clusterStatus == 0, "kubectl kustomize clusters/demo: \(clusterOutput)")
        let clusterObjects = try YAML.decodeDocuments(clusterOutput).filter { $0 != .null }
        #expect(clusterObjects.count == FluxInstallManifest.objectCount + 2 + 3)
    }
}
