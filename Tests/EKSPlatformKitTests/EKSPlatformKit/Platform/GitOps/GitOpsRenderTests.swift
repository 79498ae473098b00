import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit
@testable import platformctl

@Suite("GitOps render")
struct GitOpsRenderTests {
    static func exampleFiles() throws -> [RenderedFile] {
        try GitOpsRenderer.render(try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform))
    }

    @Test func committedKubeTreeMatchesTheRenderByteForByte() throws {
        let files = try Self.exampleFiles()
        let writer = GitOpsTreeWriter(directory: RenderPaths.kubeTree)
        #expect(try writer.generatedFiles() == files.map(\.path), "kube/ has stale or missing files: run platformctl render")
        for file in files {
            let onDisk = try String(contentsOf: RenderPaths.kubeTree.appendingPathComponent(file.path), encoding: .utf8)
            #expect(onDisk == file.contents, "kube/\(file.path) drifted from the render of Examples/platform.yaml")
        }
    }

    @Test func renderingTwiceGivesIdenticalBytes() throws {
        let first = try Self.exampleFiles()
        for _ in 0..<3 {
            #expect(try Self.exampleFiles() == first)
        }
    }

    @Test func treeLayoutAndOrdering() throws {
        let files = try Self.exampleFiles()
        #expect(
            files.map(\.path) == [
                "clusters/demo/karpenter.yaml", "clusters/demo/kustomization.yaml", "clusters/demo/nodepools.yaml",
                "clusters/demo/workloads.yaml", "platform/karpenter/helmrelease.yaml", "platform/karpenter/kustomization.yaml",
                "platform/karpenter/ocirepository.yaml", "platform/karpenter/values.yaml", "platform/kustomization.yaml",
                "platform/nodepools/ec2nodeclass.yaml", "platform/nodepools/kustomization.yaml",
                "platform/nodepools/nodepool.yaml",
                "platform/workloads/deployment.yaml", "platform/workloads/kustomization.yaml",
                "platform/workloads/namespace.yaml",
                "platform/workloads/pod.yaml",
            ]
        )
        func kustomization(_ name: String) throws -> flux.kustomize.v1.Kustomization {
            let file = try #require(files.first { $0.path == "clusters/demo/\(name).yaml" })
            return try YAML.decode(flux.kustomize.v1.Kustomization.self, from: file.contents)
        }
        let karpenter = try kustomization("karpenter")
        let nodepools = try kustomization("nodepools")
        let workloads = try kustomization("workloads")
        #expect(karpenter.spec.dependsOn == nil)
        #expect(karpenter.spec.wait == true)
        #expect(karpenter.spec.timeout == "10m")
        #expect(nodepools.spec.dependsOn == [.init(name: "karpenter")])
        #expect(workloads.spec.dependsOn == [.init(name: "nodepools")])
        // karpenter is Ready only once the wanted chart version is deployed (nodepools waits for its CRDs).
        #expect(karpenter.spec.healthCheckExprs == [GitOpsRenderer.karpenterReleaseGate])
        #expect(nodepools.spec.healthCheckExprs == nil && workloads.spec.healthCheckExprs == nil)
        for (object, name) in [(karpenter, "karpenter"), (nodepools, "nodepools"), (workloads, "workloads")] {
            #expect(object.spec.path == "./kube/platform/\(name)")
            #expect(object.spec.sourceRef == .init(kind: "GitRepository", name: "flux-system", namespace: "flux-system"))
            #expect(object.spec.postBuild?.substituteFrom == [.init(kind: "ConfigMap", name: "platform-vars")])
            #expect(object.spec.prune)
        }
    }

    @Test func karpenterReleaseToleratesTheSystemTaintAndWorkloadsDoNot() throws {
        let files = try Self.exampleFiles()
        let release = try YAML.decode(
            flux.helm.v2.HelmRelease.self,
            from: try #require(files.first { $0.path == "platform/karpenter/helmrelease.yaml" }).contents
        )
        #expect(release.metadata.namespace == "kube-system")
        #expect(release.spec.install?.crds == .createReplace)
        #expect(release.spec.upgrade?.crds == .createReplace)
        #expect(release.spec.chartRef == .init(kind: "OCIRepository", name: "karpenter"))
        #expect(release.metadata.annotations?[GitOpsRenderer.chartVersionAnnotation] == "1.14.1")
        let values = try #require(release.spec.values).decode(as: KarpenterValues.self)
        let config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        #expect(values.tolerations == [config.systemTaint.toleration])
        #expect(values.serviceAccount?.name == "karpenter")
        #expect(values.nodeSelector?["eksplatform.io/pool"] == "system")
        #expect(values.settings.clusterName == "${CLUSTER_NAME}")
        #expect(values.settings.interruptionQueue == "${KARPENTER_QUEUE_NAME}")
        #expect(values == GitOpsRenderer.karpenterValues(config))

        let pod = try YAML.decode(
            core.v1.Pod.self,
            from: try #require(files.first { $0.path == "platform/workloads/pod.yaml" }).contents
        )
        let deployment = try YAML.decode(
            apps.v1.Deployment.self,
            from: try #require(files.first { $0.path == "platform/workloads/deployment.yaml" }).contents
        )
        for spec in [pod.spec, deployment.spec.template.spec] {
            #expect(spec.tolerations == nil)
            #expect(spec.containers.first?.command == ["sleep", "infinity"])
            #expect(spec.containers.first?.resources?.requests?["cpu"] == (try Quantity(parsing: "100m")))
        }
    }

    /// A version bump changes exactly the OCIRepository's tag, the HelmRelease's wanted-version annotation and the
    /// helm users' values.yaml header; the gate in clusters/<name>/karpenter.yaml stays byte for byte.
    @Test func aKarpenterBumpChangesOnlyTheVersionedFiles() throws {
        var config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        let before = try GitOpsRenderer.render(config)
        config.spec.karpenter.version = "1.15.0"
        let after = try GitOpsRenderer.render(config)
        let changed = zip(before, after).filter { $0.contents != $1.contents }.map(\.0.path)
        #expect(
            changed == [
                "platform/karpenter/helmrelease.yaml", "platform/karpenter/ocirepository.yaml", "platform/karpenter/values.yaml",
            ]
        )
        let release = try #require(after.first { $0.path == "platform/karpenter/helmrelease.yaml" })
        #expect(release.contents.contains("eksplatform.io/chart-version: 1.15.0"))
    }

    @Test func variablesAreExactlyWhatTheTreeUses() throws {
        let config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        #expect(
            try GitOpsRenderer.requiredVariables(for: config)
                == ["CLUSTER_ENDPOINT", "CLUSTER_NAME", "KARPENTER_NODE_ROLE_NAME", "KARPENTER_QUEUE_NAME"]
        )
        var noQueue = config
        noQueue.spec.karpenter.interruptionQueue = false
        #expect(
            try GitOpsRenderer.requiredVariables(for: noQueue) == [
                "CLUSTER_ENDPOINT", "CLUSTER_NAME", "KARPENTER_NODE_ROLE_NAME",
            ]
        )
        let names = Set(GitOpsRenderer.Variable.allCases.map(\.rawValue))
        #expect(Set(try GitOpsRenderer.requiredVariables(for: config)).isSubset(of: names))
        // Flux variable names must match ^[_[:alpha:]][_[:alpha:][:digit:]]*$.
        for name in names { #expect(name.range(of: "^[_A-Za-z][_A-Za-z0-9]*$", options: .regularExpression) != nil) }
    }

    @Test func treeHoldsNoAccountIDNoARNAndNoSecrets() throws {
        // Also scan with a config that carries an ARN admin and an op:// key, which must not leak into the tree.
        var config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        config.spec.access.admins.append(.arn("arn:aws:iam::111122223333:role/Admin"))
        for files in [try Self.exampleFiles(), try GitOpsRenderer.render(config)] {
            for file in files {
                let text = file.contents
                #expect(text.range(of: "(?<![0-9])[0-9]{12}(?![0-9])", options: .regularExpression) == nil, "\(file.path)")
                #expect(!text.contains("arn:"), "\(file.path)")
                #expect(!text.contains("op://"), "\(file.path)")
                #expect(text.range(of: "(AKIA|ASIA)[A-Z0-9]{16}", options: .regularExpression) == nil, "\(file.path)")
                #expect(!text.contains("PRIVATE KEY"), "\(file.path)")
                #expect(
                    text.range(of: "(?i)(password|secretAccessKey|token|sshPrivateKey)\\s*:", options: .regularExpression) == nil
                )
                #expect(!text.contains("kind: Secret"), "\(file.path)")
            }
        }
    }

    @Test func writerReplacesChangedFilesAndRemovesOnlyItsOwnStaleFiles() throws {
        let directory = try RenderPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = GitOpsTreeWriter(directory: directory)
        let files = try Self.exampleFiles()
        let first = try writer.write(files)
        #expect(first.written.count == files.count)
        #expect(RenderPaths.files(under: directory) == files.map(\.path))

        let second = try writer.write(files)
        #expect(second.written.isEmpty)
        #expect(second.unchanged.count == files.count)

        // A hand-written file and a stale generated file.
        let handWritten = directory.appendingPathComponent("clusters/demo/flux-system/gotk-sync.yaml")
        try FileManager.default.createDirectory(at: handWritten.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "kind: Kustomization\n".write(to: handWritten, atomically: true, encoding: .utf8)
        let stale = directory.appendingPathComponent("platform/old/thing.yaml")
        try FileManager.default.createDirectory(at: stale.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (GitOpsRenderer.header + "\nkind: ConfigMap\n").write(to: stale, atomically: true, encoding: .utf8)

        var changed = files
        changed[0].contents += "# changed\n"
        let third = try writer.write(changed)
        #expect(third.written == [changed[0].path])
        #expect(third.removed == ["platform/old/thing.yaml"])
        #expect(FileManager.default.fileExists(atPath: handWritten.path))
        #expect(!FileManager.default.fileExists(atPath: stale.deletingLastPathComponent().path))
        #expect(!RenderPaths.files(under: directory).contains { $0.contains(".tmp-") })
        #expect(throws: GitOpsTreeWriter.WriteError.self) {
            try writer.write([RenderedFile(path: "../escape.yaml", contents: "")])
        }
    }

    @Test func renderingAnotherClusterKeepsThisClustersFolder() throws {
        let directory = try RenderPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = GitOpsTreeWriter(directory: directory)
        let demo = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        try writer.write(try GitOpsRenderer.render(demo), staleScope: GitOpsRenderer.ownedFolders(for: demo))
        var other = demo
        other.name = "other"
        other.spec.gitops?.repository.path = "kube/clusters/other"
        let report = try writer.write(try GitOpsRenderer.render(other), staleScope: GitOpsRenderer.ownedFolders(for: other))
        #expect(report.removed.isEmpty)
        let paths = RenderPaths.files(under: directory)
        #expect(paths.contains("clusters/demo/karpenter.yaml"))
        #expect(paths.contains("clusters/other/karpenter.yaml"))
        // Without a scope, the whole directory is the render's: the demo folder is stale and goes.
        let unscoped = try writer.write(try GitOpsRenderer.render(other))
        #expect(unscoped.removed.sorted().first == "clusters/demo/karpenter.yaml")
        #expect(!RenderPaths.files(under: directory).contains { $0.hasPrefix("clusters/demo/") })
    }

    @Test func renderCommandWritesTheTreeAndNothingOnInvalidConfig() async throws {
        let directory = try RenderPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("kube")
        var command = try Render.parse(["--config", RenderPaths.examplePlatform.path, "--output-dir", output.path])
        // Examples/platform.yaml pins no Flux manifest, so no flux-system/ (this repository's kube/).
        try await command.run()
        #expect(RenderPaths.files(under: output) == (try Self.exampleFiles()).map(\.path))

        let bad = directory.appendingPathComponent("bad.yaml")
        let text = try String(contentsOf: RenderPaths.examplePlatform, encoding: .utf8)
            .replacingOccurrences(of: "effect: NoSchedule }", with: "effect: Never }")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let empty = directory.appendingPathComponent("empty")
        let badCommand = try Render.parse(["--config", bad.path, "--output-dir", empty.path])
        await #expect(throws: (any Error).self) {
            var command = badCommand; try await command.run()
        }
        #expect(!FileManager.default.fileExists(atPath: empty.path))
        do {
            _ = try PlatformConfig.load(contentsOf: bad)
            Issue.record("invalid config accepted")
        } catch let error as ConfigError {
            #expect(error.path == "spec.systemNodeGroup.taint.effect")
            #expect(error.line == 21)
        }
    }
}

@Suite("platform-vars ConfigMap")
struct VariablesConfigMapTests {
    @Test func holdsExactlyTheVariablesTheTreeUses() throws {
        var config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        let values: [GitOpsRenderer.Variable: String] = [
            .clusterName: "demo", .clusterEndpoint: "https://example.eks.amazonaws.com",
            .karpenterNodeRoleName: "demo-karpenter-node", .karpenterQueueName: "demo-karpenter",
        ]
        let configMap = try GitOpsRenderer.variablesConfigMap(for: config, values: values)
        #expect(configMap.metadata.name == "platform-vars")
        #expect(configMap.metadata.namespace == "flux-system")
        #expect(configMap.metadata.labels?["reconcile.fluxcd.io/watch"] == "Enabled")
        #expect(configMap.data?.keys == ["CLUSTER_ENDPOINT", "CLUSTER_NAME", "KARPENTER_NODE_ROLE_NAME", "KARPENTER_QUEUE_NAME"])
        config.spec.karpenter.interruptionQueue = false
        #expect(
            try GitOpsRenderer.variablesConfigMap(for: config, values: values).data?.keys.contains("KARPENTER_QUEUE_NAME")
                == false
        )
        #expect(throws: GitOpsRenderer.MissingVariablesError(names: ["CLUSTER_NAME"])) {
            try GitOpsRenderer.variablesConfigMap(for: config, values: values.filter { $0.key != .clusterName })
        }
    }
}
