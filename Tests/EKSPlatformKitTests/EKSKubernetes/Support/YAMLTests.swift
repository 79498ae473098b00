import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("Deterministic YAML")
struct YAMLTests {
    @Test func mapsAreSortedAndFieldsKeepDeclarationOrder() throws {
        let configMap = core.v1.ConfigMap(
            metadata: .init(name: "vars", namespace: "flux-system", labels: ["zeta": "1", "alpha": "2", "mid": "3"]),
            data: ["B": "2", "A": "1"]
        )
        let expected = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: vars
              namespace: flux-system
              labels:
                alpha: '2'
                mid: '3'
                zeta: '1'
            data:
              A: '1'
              B: '2'

            """
        for _ in 0..<5 {
            #expect(try YAML.encode(configMap) == expected)
        }
    }

    @Test func neverWritesNull() throws {
        let pod = core.v1.Pod(metadata: .init(name: "p"), spec: .init(containers: [.init(name: "c", image: "busybox")]))
        let yaml = try YAML.encode(pod)
        #expect(!yaml.contains("null"))
        #expect(!yaml.contains("~"))
        #expect(
            yaml == "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n"
        )
        let json = String(decoding: try JSONEncoder().encode(pod), as: UTF8.self)
        #expect(!json.contains("null"))
    }

    @Test func quotesStringsThatWouldChangeType() throws {
        let map: SortedMap<String> = [
            "bool": "true", "yes": "yes", "int": "100", "float": "1.5", "null": "null", "tilde": "~", "plain": "hello",
            "version": "1.14.1", "variable": "${CLUSTER_NAME}",
        ]
        let yaml = try YAML.encode(map)
        #expect(
            yaml == """
                bool: 'true'
                float: '1.5'
                int: '100'
                null: 'null'
                plain: hello
                tilde: '~'
                variable: ${CLUSTER_NAME}
                version: 1.14.1
                yes: 'yes'

                """
        )
        let back = try YAML.decode([String: String].self, from: yaml)
        #expect(back == map.storage)
    }

    @Test func multiLineStringsUseLiteralBlocks() throws {
        let patch = flux.kustomize.v1.Kustomization.Patch(patch: "- op: add\n  path: /x\n  value: 1\n")
        let yaml = try YAML.encode(patch)
        #expect(yaml == "patch: |\n  - op: add\n    path: /x\n    value: 1\n")
        #expect(try YAML.decode(flux.kustomize.v1.Kustomization.Patch.self, from: yaml) == patch)
    }

    @Test func multiDocumentRoundTrip() throws {
        let namespace = core.v1.Namespace(metadata: .init(name: "a"))
        let secret = core.v1.Secret(metadata: .init(name: "s", namespace: "a"), type: "Opaque", stringData: ["k": "v"])
        let stream = try YAML.encodeDocuments([namespace, secret])
        #expect(
            stream == "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n"
                + "  name: s\n  namespace: a\ntype: Opaque\nstringData:\n  k: v\n"
        )
        let documents = try YAML.decodeDocuments(stream)
        #expect(documents.count == 2)
        #expect(documents[1]["kind"] == "Secret")
        #expect(documents[1]["stringData"]?["k"] == "v")
        #expect(try documents[0].decode(as: core.v1.Namespace.self) == namespace)
        #expect(
            try YAML.decodeDocuments(
                core.v1.Namespace.self,
                from: "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n"
            )
                == [namespace]
        )
    }

    @Test func unstructuredKeepsScalarTypes() throws {
        let values = try YAML.decodeDocuments("a: 1\nb: 1.5\nc: true\nd: 'true'\ne: null\nf: [x, 2]\n")
        #expect(values == [.object(["a": 1, "b": .number(1.5), "c": true, "d": "true", "e": .null, "f": ["x", 2]])])
        let encoded = try YAML.encode(values[0])
        #expect(encoded == "a: 1\nb: 1.5\nc: true\nd: 'true'\ne: null\nf:\n- x\n- 2\n")
    }

    @Test func typedDeploymentRoundTripsThroughYAML() throws {
        let deployment = GitOpsRenderer.ubuntuDeployment()
        let yaml = try YAML.encode(deployment)
        #expect(try YAML.decode(apps.v1.Deployment.self, from: yaml) == deployment)
        #expect(apps.v1.Deployment.apiVersion == "apps/v1")
        #expect(deployment.kind == "Deployment")
    }

    @Test func typedDecodeRespectsQuoting() throws {
        let text = """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: r, namespace: n}
            spec:
              interval: 1m
              values: {a: 'true', b: true, c: '5', d: 5, e: 0.25}

            """
        let release = try YAML.decode(flux.helm.v2.HelmRelease.self, from: text)
        #expect(release.spec.values == ["a": "true", "b": true, "c": "5", "d": 5, "e": .number(0.25)])
        #expect(release.metadata == meta.v1.ObjectMeta(name: "r", namespace: "n"))
        #expect(throws: YAML.Error.self) { try YAML.decode(core.v1.Namespace.self, from: "a: 1\n---\nb: 2\n") }
        #expect(throws: YAML.Error.self) { try YAML.decode(core.v1.Namespace.self, from: "kind: [\n") }
    }
}
