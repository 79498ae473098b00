import EKSAWS
import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

/// A second Karpenter chart version made at run time from `../shared/charts/karpenter-1.14.1` (never committed): its
/// Chart.yaml says `version`, and its NodePool CRD has one more optional field, `spec.<field>`, the way a new Karpenter
/// release adds fields a NodePool written for it would use.
struct DerivedKarpenterChart {
    let directory: URL
    let version: String
    let field: String

    static func make(version: String, field: String) throws -> DerivedKarpenterChart {
        let source = try #require(TwinCluster.shared).appendingPathComponent("charts/karpenter-1.14.1")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "karpenter-\(version)-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.copyItem(at: source, to: directory)
        let chartFile = directory.appendingPathComponent("Chart.yaml")
        let chart = try String(contentsOf: chartFile, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> String in
                if line.hasPrefix("version:") { return "version: \(version)" }
                if line.hasPrefix("appVersion:") { return "appVersion: \(version)" }
                return String(line)
            }
            .joined(separator: "\n")
        try chart.write(to: chartFile, atomically: true, encoding: .utf8)
        let crdFile = directory.appendingPathComponent("crds/karpenter.sh_nodepools.yaml")
        var crd = try KubeFakeJSON.parseYAML(String(contentsOf: crdFile, encoding: .utf8))
        let versions = try #require(crd[path: ["spec", "versions"]]?.arrayValue)
        crd[path: ["spec", "versions"]] = .array(
            versions.map { version in
                var version = version
                version[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", field]] = [
                    "type": "string", "description": "A field only the derived chart version knows (test fixture).",
                ]
                return version
            }
        )
        // JSON is YAML: the twin and Helm read it as the chart's crds/ file.
        try crd.jsonString.write(to: crdFile, atomically: true, encoding: .utf8)
        return DerivedKarpenterChart(directory: directory, version: version, field: field)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// `karpenter.version` bumped in platform.yaml, re-rendered, and played in the twin with the real chart (1.14.1) and a
/// derived newer one whose NodePool CRD has a new field the new NodePool uses.
@Suite(
    "Cluster twin: a Karpenter version bump upgrades the chart and its CRDs before NodePools use new fields",
    .enabled(if: TwinCluster.prerequisites, "../shared (charts, CRDs) is missing"),
    .serialized
)
struct KarpenterUpgradeTwinTests {
    static let newVersion = "1.15.0"
    static let newField = "upgradeProbe"
    static let kustomizeAPI = "kustomize.toolkit.fluxcd.io/v1"
    static let nodePoolCRDPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/nodepools.karpenter.sh"
    static let nodePoolPath = "/apis/karpenter.sh/v1/nodepools/default"

    /// How the tree is changed before the twin sees it: `rendered` is today's render; the others put back what the
    /// render did before (no chart-version gate), or Flux's default `upgrade.crds` (Skip).
    enum Variant: String, CaseIterable, CustomTestStringConvertible {
        case rendered, withoutGate, upgradeCRDsSkipped
        var testDescription: String { rawValue }
    }

    /// A platform converged at 1.14.1 in the twin (the `karpenter` and `nodepools` Kustomizations of the rendered
    /// tree; the system nodes registered so Karpenter's pods run), ready for a bump.
    struct Scenario {
        let cluster: TwinCluster
        let twin: ClusterTwin
        let chart: DerivedKarpenterChart
        var config: PlatformConfig
        let variant: Variant

        static func start(_ variant: Variant) async throws -> Scenario {
            let helm = try #require(await ClusterTwin.installHelm(), "helm could not be installed (shared/tools/install-helm)")
            let cluster = try await TwinCluster.start()
            let chart = try DerivedKarpenterChart.make(version: newVersion, field: newField)
            let config = try cluster.writeRenderedTree()
            #expect(config.spec.karpenter.version == "1.14.1")
            let twin = ClusterTwin(
                api: cluster.api,
                options: .init(
                    checkout: cluster.checkout,
                    charts: [
                        TwinCluster.karpenterChartURL: try #require(TwinCluster.shared).appendingPathComponent(
                            "charts/karpenter-1.14.1"
                        ),
                        "oci://public.ecr.aws/karpenter/karpenter:\(newVersion)": chart.directory,
                    ],
                    helm: helm
                )
            )
            let scenario = Scenario(cluster: cluster, twin: twin, chart: chart, config: config, variant: variant)
            try scenario.writeTree(config)
            try await cluster.bootstrap(
                path: "./cluster",
                variables: [
                    "CLUSTER_NAME": config.name, "CLUSTER_ENDPOINT": "https://example", "KARPENTER_QUEUE_NAME": config.name,
                    "KARPENTER_NODE_ROLE_NAME": "node",
                ]
            )
            try await twin.registerNodes(
                names: ["system-a", "system-b"],
                labels: ["eksplatform.io/pool": "system"],
                taints: [("CriticalAddonsOnly", "true", "NoSchedule")]
            )
            try await twin.run(timeout: .seconds(120)) { twin in
                try await twin.isReady(kustomizeAPI, "Kustomization", namespace: "flux-system", name: "nodepools")
            }
            return scenario
        }

        /// Renders `config` into `kube/`, applies the variant, and lays out `cluster/` with the `karpenter` and
        /// `nodepools` Kustomizations as rendered.
        func writeTree(_ config: PlatformConfig, nodePoolField: Bool = false) throws {
            let kube = cluster.checkout.appendingPathComponent("kube")
            try GitOpsTreeWriter(directory: kube).write(try GitOpsRenderer.render(config))
            let folder = cluster.checkout.appendingPathComponent("cluster")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for name in ["karpenter.yaml", "nodepools.yaml"] {
                var text = try String(
                    contentsOf: kube.appendingPathComponent("clusters/\(config.name)/\(name)"),
                    encoding: .utf8
                )
                if name == "karpenter.yaml", variant == .withoutGate {
                    text = try Self.removingBlock("  healthCheckExprs:\n", until: "  postBuild:\n", in: text)
                }
                try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            if variant == .upgradeCRDsSkipped {
                let file = kube.appendingPathComponent("platform/karpenter/helmrelease.yaml")
                let text = try String(contentsOf: file, encoding: .utf8)
                let edited = text.replacingOccurrences(of: "  upgrade:\n    crds: CreateReplace\n", with: "  upgrade:\n")
                #expect(edited != text, "helmrelease.yaml no longer has upgrade.crds: CreateReplace")
                try edited.write(to: file, atomically: true, encoding: .utf8)
            }
            if nodePoolField {
                // The new NodePool uses the field only the new chart's CRD has.
                let file = kube.appendingPathComponent("platform/nodepools/nodepool.yaml")
                let text = try String(contentsOf: file, encoding: .utf8)
                let edited = text.replacingOccurrences(of: "\nspec:\n", with: "\nspec:\n  \(newField): enabled\n")
                #expect(edited != text)
                try edited.write(to: file, atomically: true, encoding: .utf8)
            }
        }

        static func removingBlock(_ start: String, until end: String, in text: String) throws -> String {
            let from = try #require(text.range(of: start), "no \(start) in\n\(text)")
            let to = try #require(text.range(of: end, range: from.upperBound..<text.endIndex))
            return String(text[..<from.lowerBound]) + String(text[to.lowerBound...])
        }

        /// platform.yaml's `karpenter.version` bumped, re-rendered, and the new NodePool field added.
        mutating func bump() throws {
            config.spec.karpenter.version = newVersion
            try writeTree(config, nodePoolField: true)
            cluster.fake.clearRequestLog()
        }

        func stop() async {
            await cluster.stop()
            chart.remove()
        }
    }

    @Test("the bump replaces the NodePool CRD before nodepools applies the new field; nodepools never fails")
    func bumpUpgradesChartAndCRDsBeforeNodePools() async throws {
        var scenario = try await Scenario.start(.rendered)
        let started = scenario
        defer { Task { await started.stop() } }
        let twin = scenario.twin
        let before = await twin.transitions.count
        try scenario.bump()
        let field = Self.newField
        try await twin.run(timeout: .seconds(120)) { twin in
            let pool = try await twin.api.get("karpenter.sh/v1", "NodePool", name: "default")
            return try await twin.isReady(Self.kustomizeAPI, "Kustomization", namespace: "flux-system", name: "nodepools")
                && pool?[path: ["spec", field]]?.stringValue == "enabled"
        }
        let cluster = scenario.cluster
        let release = try #require(
            try await cluster.object("helm.toolkit.fluxcd.io/v2", "HelmRelease", "kube-system", "karpenter")
        )
        let history = release[path: ["status", "history"]]?.arrayValue ?? []
        #expect(history.first?["chartVersion"]?.stringValue == Self.newVersion)
        #expect(history.dropFirst().first?["chartVersion"]?.stringValue == "1.14.1")
        #expect(
            release.condition("Ready")?["message"]?.stringValue
                == "Helm upgrade succeeded for release kube-system/karpenter.v2 with chart karpenter@\(Self.newVersion)"
        )
        // The HelmRelease's spec never changed: the version moved in the OCIRepository only.
        #expect(release.generation == 1)
        let crd = try #require(
            try await cluster.object("apiextensions.k8s.io/v1", "CustomResourceDefinition", nil, "nodepools.karpenter.sh")
        )
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        #expect(
            versions.allSatisfy { $0[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", field]] != nil }
        )

        // nodepools never failed after the bump: it waited for karpenter, which waited for the new release.
        let after = Array(await twin.transitions.dropFirst(before))
        let failures = after.filter { $0.name == "nodepools" && $0.status == "False" && $0.reason != "DependencyNotReady" }
        #expect(failures.isEmpty, "\(failures.map(\.message))")
        let upgraded = try #require(after.firstIndex { $0.kind == "HelmRelease" && $0.reason == "UpgradeSucceeded" })
        let karpenterReady = try #require(after.lastIndex { $0.name == "karpenter" && $0.status == "True" })
        let nodePoolsReady = try #require(after.lastIndex { $0.name == "nodepools" && $0.status == "True" })
        #expect(upgraded < karpenterReady && karpenterReady < nodePoolsReady, "\(after)")
        // The request log: the CRD was replaced (by helm-controller) before any request, dry-run included, touched the
        // NodePool.
        let log = cluster.fake.requestLog
        let crdReplaced = try #require(
            log.firstIndex { $0.method == "PATCH" && $0.path == Self.nodePoolCRDPath && !$0.query.contains("dryRun") },
            "the NodePool CRD was never replaced"
        )
        let firstNodePoolWrite = try #require(log.firstIndex { $0.method == "PATCH" && $0.path == Self.nodePoolPath })
        #expect(crdReplaced < firstNodePoolWrite)
        #expect(!log.contains { $0.path == Self.nodePoolPath && $0.status >= 400 }, "a NodePool request was refused")
    }

    /// Without the gate (the render before this change) or with Flux's default `upgrade.crds: Skip`, the same bump makes
    /// `nodepools` apply the new field against the old CRD: the twin shows the failure a real cluster would.
    @Test(
        "the old rendering fails the same bump with an unknown-field error",
        arguments: [Variant.withoutGate, Variant.upgradeCRDsSkipped]
    )
    func oldRenderingFailsTheBump(_ variant: Variant) async throws {
        var scenario = try await Scenario.start(variant)
        let started = scenario
        defer { Task { await started.stop() } }
        let twin = scenario.twin
        let before = await twin.transitions.count
        try scenario.bump()
        let field = Self.newField
        try await twin.run(timeout: .seconds(120)) { twin in
            await twin.transitions.dropFirst(before).contains {
                $0.name == "nodepools" && $0.reason == "ReconciliationFailed" && $0.message.contains(field)
            }
        }
        let failure = try #require(
            await twin.transitions.dropFirst(before).first { $0.name == "nodepools" && $0.reason == "ReconciliationFailed" }
        )
        #expect(failure.message.contains("unknown field"), "\(failure.message)")
        if variant == .upgradeCRDsSkipped {
            // Skip leaves the old CRD even after the upgrade succeeded.
            try await twin.run(timeout: .seconds(60)) { twin in
                let release = try await twin.api.get(
                    "helm.toolkit.fluxcd.io/v2",
                    "HelmRelease",
                    namespace: "kube-system",
                    name: "karpenter"
                )
                return release?.condition("Ready")?["reason"]?.stringValue == "UpgradeSucceeded"
            }
            let crd = try #require(
                try await scenario.cluster.object(
                    "apiextensions.k8s.io/v1",
                    "CustomResourceDefinition",
                    nil,
                    "nodepools.karpenter.sh"
                )
            )
            #expect(
                crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: [
                    "schema", "openAPIV3Schema", "properties", "spec", "properties", field,
                ]] == nil
            )
        }
    }
}
