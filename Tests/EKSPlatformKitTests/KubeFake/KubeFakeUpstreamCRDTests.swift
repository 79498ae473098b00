import Foundation
import KubeFake
import Testing

/// Where the upstream CRDs live: `../shared/crds` beside the package root.
enum KubeFakeSharedData {
    /// The package root (found by this file's path: Tests/EKSPlatformKitTests/KubeFake/ is three folders deep).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/crds`.
    static let crds = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/crds")

    /// Whether the CRD folder exists.
    static let hasCRDs = FileManager.default.fileExists(atPath: crds.path)

    /// The YAML text of one upstream CRD file.
    static func crd(_ file: String) throws -> String {
        try String(contentsOf: crds.appendingPathComponent(file), encoding: .utf8)
    }

    /// Every upstream CRD file name, sorted.
    static func crdFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: crds.path).filter { $0.hasSuffix(".yaml") }.sorted()
    }
}

@Suite(
    "KubeFake with the upstream Flux and Karpenter CRDs",
    .enabled(if: KubeFakeSharedData.hasCRDs, "../shared/crds is missing (CI lays shared/ beside the clone)")
)
struct KubeFakeUpstreamCRDTests {
    func install(_ file: String, _ client: KubeFakeTestClient) async throws -> KubeFakeJSON {
        let text = try KubeFakeSharedData.crd(file)
        let crd = try KubeFakeJSON.parseYAML(text)
        let name = try #require(crd[path: ["metadata", "name"]]?.stringValue)
        let response = try await client.apply(
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/\(name)?fieldManager=tests",
            text,
            manager: nil
        )
        #expect(response.status == 201, "\(file): \(response.text.prefix(300))")
        return crd
    }

    @Test func everyUpstreamCRDInstallsAndIsServed() async throws {
        try await withKubeFake { _, client in
            let files = try KubeFakeSharedData.crdFiles()
            #expect(files.count >= 8)
            for file in files {
                let crd = try await install(file, client)
                let group = try #require(crd[path: ["spec", "group"]]?.stringValue)
                let plural = try #require(crd[path: ["spec", "names", "plural"]]?.stringValue)
                let served = (crd[path: ["spec", "versions"]]?.arrayValue ?? []).filter { $0["served"] == true }
                #expect(!served.isEmpty)
                for version in served.compactMap({ $0["name"]?.stringValue }) {
                    let list = try await client.get("/apis/\(group)/\(version)")
                    let names = list.json["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                    #expect(names.contains(plural), "\(group)/\(version) lacks \(plural)")
                }
                let reapplied = try await client.apply(
                    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                        + (crd[path: ["metadata", "name"]]?.stringValue ?? ""),
                    try KubeFakeSharedData.crd(file),
                    manager: "tests"
                )
                #expect(reapplied.status == 200)
                #expect(reapplied.json[path: ["metadata", "generation"]] == 1, "\(file): re-apply changed nothing")
            }
        }
    }

    @Test func fluxKustomizationIsValidatedAgainstItsSchema() async throws {
        try await withKubeFake { _, client in
            _ = try await install("kustomize.toolkit.fluxcd.io_kustomizations.yaml", client)
            _ = try await client.post(
                "/api/v1/namespaces",
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "flux-system"]]
            )
            let path = "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps"
            let incomplete = try await client.apply(
                path,
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: flux-system}
                spec: {path: ./kube}
                """
            )
            #expect(incomplete.status == 422)
            #expect(incomplete.reason == "Invalid")
            #expect(incomplete.message?.hasPrefix(#"Kustomization.kustomize.toolkit.fluxcd.io "apps" is invalid: ["#) == true)
            let fields = incomplete.json[path: ["details", "causes"]]?.arrayValue?.compactMap { $0["field"]?.stringValue }
            #expect(fields?.sorted() == ["spec.interval", "spec.prune", "spec.sourceRef"])

            let valid = try await client.apply(
                path,
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: flux-system}
                spec:
                  interval: 10m
                  path: ./kube
                  prune: true
                  sourceRef: {kind: GitRepository, name: flux-system}
                """
            )
            #expect(valid.status == 201)
        }
    }

    @Test func ec2NodeClassRequiredFields() async throws {
        try await withKubeFake { _, client in
            _ = try await install("karpenter.k8s.aws_ec2nodeclasses.yaml", client)
            let response = try await client.apply(
                "/apis/karpenter.k8s.aws/v1/ec2nodeclasses/default",
                """
                apiVersion: karpenter.k8s.aws/v1
                kind: EC2NodeClass
                metadata: {name: default}
                spec:
                  role: KarpenterNodeRole-demo
                  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: demo}}]
                  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: demo}}]
                """
            )
            #expect(response.status == 422)
            let causes = response.json[path: ["details", "causes"]]?.arrayValue ?? []
            #expect(causes.contains { $0["field"] == "spec.amiSelectorTerms" && $0["reason"] == "FieldValueRequired" })
            #expect(response.message?.hasPrefix(#"EC2NodeClass.karpenter.k8s.aws "default" is invalid: "#) == true)
        }
    }

    @Test func fluxReadyConditionThroughTheDriver() async throws {
        try await withKubeFake { fake, client in
            _ = try await install("source.toolkit.fluxcd.io_gitrepositories.yaml", client)
            _ = try await client.post(
                "/api/v1/namespaces",
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "flux-system"]]
            )
            let created = try await client.apply(
                "/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/flux-system",
                """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: GitRepository
                metadata: {name: flux-system, namespace: flux-system}
                spec:
                  interval: 1m
                  url: ssh://git@github.com/acme/platform.git
                  ref: {branch: main}
                """
            )
            #expect(created.status == 201, "\(created.text.prefix(300))")
            let ready = try fake.setCondition(
                apiVersion: "source.toolkit.fluxcd.io/v1",
                kind: "GitRepository",
                namespace: "flux-system",
                name: "flux-system",
                type: "Ready",
                status: "True",
                reason: "Succeeded",
                message: "stored artifact for revision 'main@sha1:0123abc'"
            )
            let condition = ready[path: ["status", "conditions"]]?.arrayValue?.first
            #expect(condition?["status"] == "True")
            #expect(condition?["message"] == "stored artifact for revision 'main@sha1:0123abc'")
            #expect(ready[path: ["status", "observedGeneration"]] == 1)
        }
    }
}
