import Foundation
import KubeFake
import Testing

@Suite("KubeFake server-side apply and patches")
struct KubeFakeApplyTests {
    let path = Fixtures.deploymentPath + "/web"

    @Test func applyCreatesWithOneManagedFieldsEntry() async throws {
        try await withKubeFake { _, client in
            let created = try await client.apply(path, Fixtures.deploymentYAML, manager: "platformctl")
            #expect(created.status == 201)
            let entries = try #require(created.json[path: ["metadata", "managedFields"]]?.arrayValue)
            #expect(entries.count == 1)
            let entry = entries[0]
            #expect(entry["manager"] == "platformctl")
            #expect(entry["operation"] == "Apply")
            #expect(entry["apiVersion"] == "apps/v1")
            #expect(entry["fieldsType"] == "FieldsV1")
            #expect(entry["time"]?.stringValue != nil)
            let expected = try KubeFakeJSON.parse(
                #"{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{"f:matchLabels":"#
                    + #"{"f:app":{}}},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":"#
                    + #"{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"#
                    + #""k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}"#
            )
            #expect(entry["fieldsV1"] == expected)
        }
    }

    @Test func identicalReapplyKeepsResourceVersion() async throws {
        try await withKubeFake { _, client in
            let first = try await client.apply(path, Fixtures.deploymentYAML)
            let second = try await client.apply(path, Fixtures.deploymentYAML)
            #expect(second.status == 200)
            #expect(second.resourceVersion == first.resourceVersion)
            #expect(second.json == first.json)
            let json = try await client.apply(path, try KubeFakeJSON.parseYAML(Fixtures.deploymentYAML).jsonString)
            #expect(json.resourceVersion == first.resourceVersion)
        }
    }

    @Test func fieldManagerIsRequired() async throws {
        try await withKubeFake { _, client in
            let response = try await client.apply(path, Fixtures.deploymentYAML, manager: nil)
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
            #expect(
                response.message
                    == #"PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch"#
            )
        }
    }

    @Test func bodyMustMatchTheURL() async throws {
        try await withKubeFake { _, client in
            let wrongName = try await client.apply(Fixtures.deploymentPath + "/other", Fixtures.deploymentYAML)
            #expect(wrongName.status == 400)
            #expect(wrongName.message == "the name of the object (web) does not match the name on the URL (other)")
            let wrongVersion = try await client.apply(
                path,
                Fixtures.deploymentYAML.replacingOccurrences(of: "apps/v1", with: "apps/v1beta1")
            )
            #expect(wrongVersion.status == 400)
            #expect(wrongVersion.reason == "BadRequest")
            let withManaged = try await client.apply(
                path,
                Fixtures.deploymentYAML.replacingOccurrences(
                    of: "  namespace: default\n",
                    with: "  namespace: default\n  managedFields: [{manager: x}]\n"
                )
            )
            #expect(withManaged.status == 400)
            #expect(withManaged.message == "metadata.managedFields must be nil")
        }
    }

    @Test func resourceVersionInApplyIsAPrecondition() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML)
            let stale = try await client.apply(
                path,
                Fixtures.deploymentYAML.replacingOccurrences(
                    of: "  namespace: default\n",
                    with: "  namespace: default\n  resourceVersion: \"1\"\n"
                )
            )
            #expect(stale.status == 409)
            #expect(stale.reason == "Conflict")
        }
    }

    @Test func conflictWithUpdaterThenForce() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML, manager: "kubectl")
            let scaled = try await client.patch(
                path + "?fieldManager=autoscaler",
                #"{"spec":{"replicas":3}}"#,
                type: "application/merge-patch+json"
            )
            #expect(scaled.status == 200)
            let managers = scaled.json[path: ["metadata", "managedFields"]]?.arrayValue?.compactMap { $0["manager"]?.stringValue }
            #expect(managers == ["kubectl", "autoscaler"])

            let conflict = try await client.apply(path, Fixtures.deploymentYAML, manager: "kubectl")
            #expect(conflict.status == 409)
            #expect(conflict.reason == "Conflict")
            #expect(
                conflict.message == #"Apply failed with 1 conflict: conflict with "autoscaler" using apps/v1: .spec.replicas"#
            )
            #expect(
                conflict.json[path: ["details", "causes"]] == [
                    [
                        "type": "FieldManagerConflict", "message": #"conflict with "autoscaler" using apps/v1"#,
                        "field": ".spec.replicas",
                    ]
                ]
            )

            let forced = try await client.apply(path, Fixtures.deploymentYAML, manager: "kubectl", force: true)
            #expect(forced.status == 200)
            #expect(forced.json[path: ["spec", "replicas"]] == 2)
            let after = forced.json[path: ["metadata", "managedFields"]]?.arrayValue?.compactMap { $0["manager"]?.stringValue }
            #expect(after == ["kubectl"])
        }
    }

    @Test func equalValuesAreSharedNotConflicting() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML, manager: "a")
            let other = try await client.apply(
                path,
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec: {replicas: 2}
                """,
                manager: "b"
            )
            #expect(other.status == 200)
            let entries = other.json[path: ["metadata", "managedFields"]]?.arrayValue ?? []
            #expect(entries.count == 2)
            #expect(entries.first { $0["manager"] == "b" }?["fieldsV1"] == ["f:spec": ["f:replicas": [:]]])

            let changed = try await client.apply(
                path,
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec: {replicas: 4}
                """,
                manager: "b"
            )
            #expect(changed.status == 409)
            #expect(changed.message == #"Apply failed with 1 conflict: conflict with "a": .spec.replicas"#)
        }
    }

    @Test func multipleConflictsAreListed() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML, manager: "a")
            let response = try await client.apply(
                path,
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default, labels: {app: api}}
                spec:
                  replicas: 3
                  template:
                    spec:
                      containers:
                      - name: web
                        image: nginx:1.28
                """,
                manager: "b"
            )
            #expect(response.status == 409)
            #expect(
                response.message == """
                    Apply failed with 3 conflicts: conflicts with "a":
                    - .metadata.labels.app
                    - .spec.replicas
                    - .spec.template.spec.containers[name="web"].image
                    """
            )
            #expect(response.json[path: ["details", "causes"]]?.arrayValue?.count == 3)
        }
    }

    @Test func fieldsLeftOutAreRemoved() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML)
            let withoutLabels = Fixtures.deploymentYAML.replacingOccurrences(of: "  labels:\n    app: web\nspec:", with: "spec:")
            #expect(withoutLabels != Fixtures.deploymentYAML)
            let response = try await client.apply(path, withoutLabels)
            #expect(response.status == 200)
            #expect(response.json[path: ["metadata", "labels"]] == nil)
            #expect(response.json[path: ["spec", "template", "metadata", "labels"]] == ["app": "web"])
        }
    }

    @Test func fieldsOwnedByOthersSurviveRemoval() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML, manager: "a")
            _ = try await client.patch(
                path + "?fieldManager=labeler",
                #"{"metadata":{"labels":{"team":"x"}}}"#,
                type: "application/merge-patch+json"
            )
            let withoutLabels = Fixtures.deploymentYAML.replacingOccurrences(of: "  labels:\n    app: web\nspec:", with: "spec:")
            let response = try await client.apply(path, withoutLabels, manager: "a")
            #expect(response.json[path: ["metadata", "labels"]] == ["team": "x"])
        }
    }

    @Test func associativeListsMergePerKey() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML, manager: "a")
            let sidecar = try await client.apply(
                path,
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  template:
                    spec:
                      containers:
                      - name: sidecar
                        image: busybox
                        env:
                        - {name: A, value: "1"}
                """,
                manager: "b"
            )
            #expect(sidecar.status == 200)
            let containers = sidecar.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
            #expect(containers.compactMap { $0["name"]?.stringValue } == ["web", "sidecar"])
            #expect(containers.first?["image"] == "nginx:1.27")

            let removed = try await client.apply(
                path,
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                """,
                manager: "b"
            )
            let left = removed.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
            #expect(left.compactMap { $0["name"]?.stringValue } == ["web"])
        }
    }

    @Test func otherListsAreAtomic() async throws {
        try await withKubeFake { _, client in
            let doc = { (args: String) in
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: default}
                spec:
                  containers:
                  - name: c
                    image: ubuntu
                    args: \(args)
                """
            }
            _ = try await client.apply("/api/v1/namespaces/default/pods/p", doc("[sleep, infinity]"), manager: "a")
            let response = try await client.apply("/api/v1/namespaces/default/pods/p", doc("[sleep, \"60\"]"), manager: "b")
            #expect(response.status == 409)
            #expect(response.message == #"Apply failed with 1 conflict: conflict with "a": .spec.containers[name="c"].args"#)
        }
    }

    @Test func serviceAndContainerPortKeysDefaultProtocol() async throws {
        try await withKubeFake { _, client in
            let response = try await client.apply(
                "/api/v1/namespaces/default/services/s",
                """
                apiVersion: v1
                kind: Service
                metadata: {name: s, namespace: default}
                spec:
                  ports:
                  - {port: 80, targetPort: 8080}
                  - {port: 53, protocol: UDP}
                """
            )
            #expect(response.status == 201)
            let fields = response.json[path: ["metadata", "managedFields"]]?.arrayValue?.first?["fieldsV1"]
            let ports = fields?[path: ["f:spec", "f:ports"]]?.objectValue?.keys.sorted()
            #expect(ports == [#"k:{"port":53,"protocol":"UDP"}"#, #"k:{"port":80,"protocol":"TCP"}"#])
        }
    }

    @Test func statusInApplyToMainEndpointIsIgnored() async throws {
        try await withKubeFake { _, client in
            let response = try await client.apply(path, Fixtures.deploymentYAML + "\nstatus:\n  replicas: 5\n")
            #expect(response.status == 201)
            #expect(response.json["status"] == nil)
            let entry = response.json[path: ["metadata", "managedFields"]]?.arrayValue?.first
            #expect(entry?[path: ["fieldsV1", "f:status"]] == nil)
        }
    }

    @Test func applyToMissingNamespaceIs404() async throws {
        try await withKubeFake { _, client in
            let response = try await client.apply(
                "/api/v1/namespaces/ghost/configmaps/c",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
            )
            #expect(response.status == 404)
            #expect(response.message == #"namespaces "ghost" not found"#)
        }
    }

    @Test func mergePatchFollowsRFC7386() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post(
                "/api/v1/namespaces/default/configmaps",
                Fixtures.configMap("m", data: ["a": "1", "b": "2"])
            )
            let response = try await client.patch(
                "/api/v1/namespaces/default/configmaps/m",
                #"{"data":{"a":null,"c":"3"}}"#,
                type: "application/merge-patch+json"
            )
            #expect(response.status == 200)
            #expect(response.json["data"] == ["b": "2", "c": "3"])
            let entry = response.json[path: ["metadata", "managedFields"]]?.arrayValue?.last
            #expect(entry?["manager"] == "kubefake-tests")
        }
    }

    @Test func strategicMergeMergesContainersByName() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML)
            let response = try await client.patch(
                path,
                #"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"},"#
                    + #"{"name":"log","image":"busybox"}]}}}}"#,
                type: "application/strategic-merge-patch+json"
            )
            #expect(response.status == 200)
            let containers = response.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
            #expect(containers.count == 2)
            #expect(containers.first?["image"] == "nginx:1.28")
            #expect(containers.first?["ports"] == [["containerPort": 80]])
            let deleted = try await client.patch(
                path,
                #"{"spec":{"template":{"spec":{"containers":[{"name":"log","$patch":"delete"}]}}}}"#,
                type: "application/strategic-merge-patch+json"
            )
            #expect(deleted.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.count == 1)
        }
    }

    @Test func jsonPatchFollowsRFC6902() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post("/api/v1/namespaces/default/configmaps", Fixtures.configMap("j", data: ["a": "1"]))
            let response = try await client.patch(
                "/api/v1/namespaces/default/configmaps/j",
                #"[{"op":"test","path":"/data/a","value":"1"},{"op":"add","path":"/data/b~1c","value":"2"},"#
                    + #"{"op":"remove","path":"/data/a"}]"#,
                type: "application/json-patch+json"
            )
            #expect(response.status == 200)
            #expect(response.json["data"] == ["b/c": "2"])
            let failed = try await client.patch(
                "/api/v1/namespaces/default/configmaps/j",
                #"[{"op":"test","path":"/data/b~1c","value":"x"}]"#,
                type: "application/json-patch+json"
            )
            #expect(failed.status == 422)
        }
    }

    @Test func nonApplyPatchOfMissingObjectIs404() async throws {
        try await withKubeFake { _, client in
            let response = try await client.patch(path, "{}", type: "application/merge-patch+json")
            #expect(response.status == 404)
            #expect(response.message == #"deployments.apps "web" not found"#)
        }
    }

    @Test func updaterDefaultsToUserAgentPrefix() async throws {
        try await withKubeFake { _, client in
            var custom = client
            custom.userAgent = "kubectl/v1.32.4 (linux/amd64) kubernetes/abc"
            let response = try await custom.post("/api/v1/namespaces/default/configmaps", Fixtures.configMap("ua"))
            #expect(response.json[path: ["metadata", "managedFields"]]?.arrayValue?.first?["manager"] == "kubectl")
        }
    }

    @Test func droppedListItemStaysWhileAnotherManagerOwnsPartOfIt() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(path, Fixtures.deploymentYAML, manager: "a")
            let patched = try await client.patch(
                path + "?fieldManager=imagebot",
                #"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.29"}]}}}}"#,
                type: "application/strategic-merge-patch+json"
            )
            #expect(patched.status == 200)
            let withoutContainers = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default, labels: {app: web}}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                """
            let response = try await client.apply(path, withoutContainers, manager: "a")
            #expect(response.status == 200)
            let containers = response.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
            #expect(containers.count == 1)
            #expect(containers.first?["image"] == "nginx:1.29")
            #expect(containers.first?["ports"] == nil)
            #expect(response.json[path: ["spec", "template", "metadata", "labels"]] == nil)
        }
    }
}
