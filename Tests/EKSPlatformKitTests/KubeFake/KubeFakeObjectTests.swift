import Foundation
import KubeFake
import Testing

@Suite("KubeFake objects")
struct KubeFakeObjectTests {
    let cmPath = "/api/v1/namespaces/default/configmaps"

    @Test func defaultNamespacesExist() async throws {
        try await withKubeFake { fake, client in
            let stored = fake.objects(apiVersion: "v1", kind: "Namespace")
            #expect(
                stored.compactMap { $0[path: ["metadata", "name"]]?.stringValue } == ["default", "kube-public", "kube-system"]
            )
            #expect(fake.objects(apiVersion: "v1", kind: "ConfigMap", namespace: "default").isEmpty)
            let list = try await client.get("/api/v1/namespaces")
            #expect(list.json["kind"] == "NamespaceList")
            #expect(list.json["apiVersion"] == "v1")
            let names = list.json["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
            #expect(names == ["default", "kube-public", "kube-system"])
            #expect(list.json["items"]?.arrayValue?.first?[path: ["status", "phase"]] == "Active")
        }
    }

    @Test func createStampsMetadata() async throws {
        try await withKubeFake { _, client in
            let created = try await client.post(cmPath, Fixtures.configMap("one"))
            #expect(created.status == 201)
            let meta = try #require(created.json["metadata"])
            #expect(meta["uid"]?.stringValue?.count == 36)
            let timestamp = try #require(meta["creationTimestamp"]?.stringValue)
            #expect(timestamp.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil)
            #expect(meta["generation"] == 1)
            #expect(meta["namespace"] == "default")
            let rv = try #require(meta["resourceVersion"]?.stringValue)
            #expect(Int(rv) != nil)
            let managed = try #require(meta["managedFields"]?.arrayValue?.first)
            #expect(managed["manager"] == "kubefake-tests")
            #expect(managed["operation"] == "Update")
            #expect(managed["fieldsType"] == "FieldsV1")
            #expect(managed["fieldsV1"] == ["f:data": ["f:a": [:]]])

            let fetched = try await client.get(cmPath + "/one")
            #expect(fetched.status == 200)
            #expect(fetched.json == created.json)
        }
    }

    @Test func duplicateCreateIsAlreadyExists() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post(cmPath, Fixtures.configMap("dup"))
            let again = try await client.post(cmPath, Fixtures.configMap("dup"))
            #expect(again.status == 409)
            #expect(again.reason == "AlreadyExists")
            #expect(again.message == #"configmaps "dup" already exists"#)
            #expect(again.json["details"] == ["name": "dup", "kind": "configmaps"])
        }
    }

    @Test func createInMissingNamespaceIs404() async throws {
        try await withKubeFake { _, client in
            let response = try await client.post(
                "/api/v1/namespaces/nope/configmaps",
                Fixtures.configMap("x", namespace: "nope")
            )
            #expect(response.status == 404)
            #expect(response.reason == "NotFound")
            #expect(response.message == #"namespaces "nope" not found"#)
        }
    }

    @Test func generateNameMakesAName() async throws {
        try await withKubeFake { _, client in
            let body: KubeFakeJSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generateName": "job-"]]
            let response = try await client.post(cmPath, body)
            #expect(response.status == 201)
            let name = try #require(response.json[path: ["metadata", "name"]]?.stringValue)
            #expect(name.hasPrefix("job-"))
            #expect(name.count == 9)
            #expect(try await client.get(cmPath + "/" + name).status == 200)
        }
    }

    @Test func missingNameIsInvalid() async throws {
        try await withKubeFake { _, client in
            let response = try await client.post(cmPath, ["apiVersion": "v1", "kind": "ConfigMap", "metadata": [:]])
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
            #expect(
                response.message
                    == #"ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required"#
            )
        }
    }

    @Test func getMissingIsNotFoundWithGroup() async throws {
        try await withKubeFake { _, client in
            let response = try await client.get(Fixtures.deploymentPath + "/ghost")
            #expect(response.status == 404)
            #expect(
                response.json == [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                    "message": #"deployments.apps "ghost" not found"#, "reason": "NotFound",
                    "details": ["name": "ghost", "group": "apps", "kind": "deployments"], "code": 404,
                ]
            )
        }
    }

    @Test func listWithLabelAndFieldSelectors() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post(cmPath, Fixtures.configMap("a", labels: ["tier": "web", "env": "prod"]))
            _ = try await client.post(cmPath, Fixtures.configMap("b", labels: ["tier": "db"]))
            _ = try await client.post(cmPath, Fixtures.configMap("c"))
            _ = try await client.post(
                "/api/v1/namespaces/kube-system/configmaps",
                Fixtures.configMap("d", namespace: "kube-system", labels: ["tier": "web"])
            )
            func names(_ query: String, path: String = "/api/v1/namespaces/default/configmaps") async throws -> [String] {
                let response = try await client.get(path + "?" + query)
                #expect(response.json["kind"] == "ConfigMapList")
                #expect(response.json[path: ["metadata", "resourceVersion"]]?.stringValue != nil)
                return response.json["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } ?? []
            }
            #expect(try await names("labelSelector=tier%3Dweb") == ["a"])
            #expect(try await names("labelSelector=tier%3D%3Dweb") == ["a"])
            #expect(try await names("labelSelector=tier%21%3Dweb") == ["b", "c"])
            #expect(try await names("labelSelector=tier") == ["a", "b"])
            #expect(try await names("labelSelector=%21tier") == ["c"])
            #expect(try await names("labelSelector=tier%3Dweb,env%3Dprod") == ["a"])
            #expect(try await names("fieldSelector=metadata.name%3Db") == ["b"])
            #expect(try await names("fieldSelector=metadata.name%21%3Db") == ["a", "c"])
            #expect(try await names("labelSelector=tier%3Dweb", path: "/api/v1/configmaps") == ["a", "d"])
            #expect(try await names("fieldSelector=metadata.namespace%3Dkube-system", path: "/api/v1/configmaps") == ["d"])
            let bad = try await client.get(cmPath + "?fieldSelector=spec.x%3D1")
            #expect(bad.status == 400)
            #expect(bad.reason == "BadRequest")
        }
    }

    @Test func putNeedsResourceVersionAndRejectsStaleOnes() async throws {
        try await withKubeFake { _, client in
            let created = try await client.apply(Fixtures.deploymentPath + "/web", Fixtures.deploymentYAML)
            #expect(created.status == 201)
            var body = created.json
            body[path: ["metadata", "resourceVersion"]] = nil
            let missing = try await client.put(Fixtures.deploymentPath + "/web", body)
            #expect(missing.status == 422)
            #expect(missing.reason == "Invalid")
            #expect(
                missing.message
                    == #"Deployment.apps "web" is invalid: metadata.resourceVersion: Invalid value: 0x0: "#
                    + "must be specified for an update"
            )
            #expect(
                missing.json[path: ["details", "causes"]] == [
                    [
                        "reason": "FieldValueInvalid", "message": "Invalid value: 0x0: must be specified for an update",
                        "field": "metadata.resourceVersion",
                    ]
                ]
            )

            var update = created.json
            update[path: ["spec", "replicas"]] = 5
            let ok = try await client.put(Fixtures.deploymentPath + "/web", update)
            #expect(ok.status == 200)
            #expect(ok.json[path: ["spec", "replicas"]] == 5)
            #expect(ok.resourceVersion != created.resourceVersion)
            #expect(ok.json[path: ["metadata", "generation"]] == 2)

            let stale = try await client.put(Fixtures.deploymentPath + "/web", update)
            #expect(stale.status == 409)
            #expect(stale.reason == "Conflict")
            #expect(
                stale.message
                    == #"Operation cannot be fulfilled on deployments.apps "web": the object has been modified; "#
                    + "please apply your changes to the latest version and try again"
            )
        }
    }

    @Test func noOpWriteKeepsResourceVersionAndSendsNoEvent() async throws {
        try await withKubeFake { fake, client in
            let created = try await client.post(cmPath, Fixtures.configMap("same"))
            let rv = try #require(created.resourceVersion)
            let watch = Task { try await client.watch(cmPath + "?watch=true&resourceVersion=\(rv)&timeoutSeconds=1") }
            #expect(await eventually { fake.openWatchCount == 1 })
            let put = try await client.put(cmPath + "/same", created.json)
            #expect(put.status == 200)
            #expect(put.resourceVersion == rv)
            let merge = try await client.patch(cmPath + "/same", #"{"data":{"a":"1"}}"#, type: "application/merge-patch+json")
            #expect(merge.resourceVersion == rv)
            let result = try await watch.value
            #expect(result.events.isEmpty)
            #expect(result.endedByServer)
        }
    }

    @Test func generationFollowsSpecNotMetadataOrStatus() async throws {
        try await withKubeFake { _, client in
            let path = Fixtures.deploymentPath + "/web"
            _ = try await client.apply(path, Fixtures.deploymentYAML)
            let labelled = try await client.patch(
                path,
                #"{"metadata":{"labels":{"x":"y"}}}"#,
                type: "application/merge-patch+json"
            )
            #expect(labelled.json[path: ["metadata", "generation"]] == 1)
            let status = try await client.patch(
                path + "/status",
                #"{"status":{"replicas":2}}"#,
                type: "application/merge-patch+json"
            )
            #expect(status.status == 200)
            #expect(status.json[path: ["metadata", "generation"]] == 1)
            #expect(status.json[path: ["status", "replicas"]] == 2)
            let spec = try await client.patch(path, #"{"spec":{"replicas":4}}"#, type: "application/merge-patch+json")
            #expect(spec.json[path: ["metadata", "generation"]] == 2)
        }
    }

    @Test func statusSubresourceSplit() async throws {
        try await withKubeFake { _, client in
            let path = Fixtures.deploymentPath + "/web"
            var withStatus = try KubeFakeJSON.parseYAML(Fixtures.deploymentYAML)
            withStatus["status"] = ["replicas": 9]
            let created = try await client.post(Fixtures.deploymentPath, withStatus)
            #expect(created.status == 201)
            #expect(created.json["status"] == nil)

            let mainWrite = try await client.patch(
                path,
                #"{"spec":{"replicas":3},"status":{"replicas":7}}"#,
                type: "application/merge-patch+json"
            )
            #expect(mainWrite.json[path: ["spec", "replicas"]] == 3)
            #expect(mainWrite.json["status"] == nil)

            let statusWrite = try await client.patch(
                path + "/status",
                #"{"spec":{"replicas":1},"status":{"replicas":7}}"#,
                type: "application/merge-patch+json"
            )
            #expect(statusWrite.json[path: ["spec", "replicas"]] == 3)
            #expect(statusWrite.json[path: ["status", "replicas"]] == 7)
            let entry = statusWrite.json[path: ["metadata", "managedFields"]]?.arrayValue?.first { $0["subresource"] == "status" }
            #expect(entry?["fieldsV1"] == ["f:status": ["f:replicas": [:]]])

            let noStatus = try await client.get("/api/v1/namespaces/default/configmaps/x/status")
            #expect(noStatus.status == 404)
        }
    }

    @Test func deleteReturnsSuccessStatus() async throws {
        try await withKubeFake { _, client in
            let created = try await client.apply(Fixtures.deploymentPath + "/web", Fixtures.deploymentYAML)
            let uid = try #require(created.json[path: ["metadata", "uid"]])
            let deleted = try await client.delete(
                Fixtures.deploymentPath + "/web",
                ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"]
            )
            #expect(deleted.status == 200)
            #expect(
                deleted.json == [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                    "details": ["name": "web", "group": "apps", "kind": "deployments", "uid": uid],
                ]
            )
            #expect(try await client.get(Fixtures.deploymentPath + "/web").status == 404)
            let again = try await client.delete(Fixtures.deploymentPath + "/web")
            #expect(again.status == 404)
            #expect(again.message == #"deployments.apps "web" not found"#)
        }
    }

    @Test func finalizersHoldDeletionUntilCleared() async throws {
        try await withKubeFake { fake, client in
            var cm = Fixtures.configMap("held")
            cm[path: ["metadata", "finalizers"]] = ["example.org/cleanup"]
            _ = try await client.post(cmPath, cm)
            let deleting = try await client.delete(cmPath + "/held")
            #expect(deleting.status == 200)
            #expect(deleting.json["kind"] == "ConfigMap")
            #expect(deleting.json[path: ["metadata", "deletionTimestamp"]]?.stringValue != nil)
            #expect(try await client.get(cmPath + "/held").status == 200)

            try fake.removeFinalizers(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "held")
            #expect(try await client.get(cmPath + "/held").status == 404)

            var other = Fixtures.configMap("held2")
            other[path: ["metadata", "finalizers"]] = ["example.org/cleanup"]
            _ = try await client.post(cmPath, other)
            _ = try await client.delete(cmPath + "/held2")
            let cleared = try await client.patch(
                cmPath + "/held2",
                #"{"metadata":{"finalizers":null}}"#,
                type: "application/merge-patch+json"
            )
            #expect(cleared.status == 200)
            #expect(try await client.get(cmPath + "/held2").status == 404)
        }
    }

    @Test func protectedNamespacesCannotBeDeleted() async throws {
        try await withKubeFake { _, client in
            let response = try await client.delete("/api/v1/namespaces/default")
            #expect(response.status == 403)
            #expect(response.reason == "Forbidden")
        }
    }

    @Test func namespaceDeletionRemovesItsObjects() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post(
                "/api/v1/namespaces",
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]]
            )
            _ = try await client.post("/api/v1/namespaces/team/configmaps", Fixtures.configMap("x", namespace: "team"))
            #expect(try await client.delete("/api/v1/namespaces/team").status == 200)
            #expect(try await client.get("/api/v1/namespaces/team/configmaps/x").status == 404)
        }
    }

    /// As on a real cluster, a namespace waits in `Terminating` for its objects' finalizers: deleting it before the
    /// controller that owns them has finished (Flux's namespace before the Flux objects) hangs.
    @Test func aNamespaceWaitsForItsObjectsFinalizers() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post(
                "/api/v1/namespaces",
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]]
            )
            var held = Fixtures.configMap("held", namespace: "team")
            held[path: ["metadata", "finalizers"]] = ["example.org/cleanup"]
            _ = try await client.post("/api/v1/namespaces/team/configmaps", held)
            _ = try await client.post("/api/v1/namespaces/team/configmaps", Fixtures.configMap("free", namespace: "team"))
            _ = try await client.delete("/api/v1/namespaces/team")
            let terminating = try await client.get("/api/v1/namespaces/team")
            #expect(terminating.status == 200)
            #expect(terminating.json[path: ["status", "phase"]] == "Terminating")
            #expect(try await client.get("/api/v1/namespaces/team/configmaps/free").status == 404)
            let marked = try await client.get("/api/v1/namespaces/team/configmaps/held")
            #expect(marked.json[path: ["metadata", "deletionTimestamp"]] != nil)
            _ = try await client.patch(
                "/api/v1/namespaces/team/configmaps/held",
                #"{"metadata":{"finalizers":null}}"#,
                type: "application/merge-patch+json"
            )
            #expect(try await client.get("/api/v1/namespaces/team/configmaps/held").status == 404)
            #expect(try await client.get("/api/v1/namespaces/team").status == 404)
        }
    }

    @Test func protobufAndUnknownMediaTypesAre415() async throws {
        try await withKubeFake { _, client in
            let proto = try await client.send(.POST, cmPath, body: "k8s\0", contentType: "application/vnd.kubernetes.protobuf")
            #expect(proto.status == 415)
            #expect(proto.reason == "UnsupportedMediaType")
            let cbor = try await client.send(.POST, cmPath, body: "x", contentType: "application/cbor")
            #expect(cbor.status == 415)
            _ = try await client.post(cmPath, Fixtures.configMap("m"))
            let patch = try await client.patch(cmPath + "/m", "{}", type: "text/plain")
            #expect(patch.status == 415)
        }
    }

    @Test func clusterScopedNodes() async throws {
        try await withKubeFake { _, client in
            let node: KubeFakeJSON = [
                "apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1", "labels": ["pool": "system"]],
            ]
            let created = try await client.post("/api/v1/nodes", node)
            #expect(created.status == 201)
            #expect(created.json[path: ["metadata", "namespace"]] == nil)
            #expect(try await client.get("/api/v1/nodes?labelSelector=pool%3Dsystem").json["items"]?.arrayValue?.count == 1)
            #expect(try await client.get("/api/v1/namespaces/default/nodes").status == 404)
        }
    }

    @Test func wrongKindInBodyIsBadRequest() async throws {
        try await withKubeFake { _, client in
            let response = try await client.post(cmPath, ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"]])
            #expect(response.status == 400)
            #expect(response.reason == "BadRequest")
        }
    }

    @Test func dryRunComputesButDoesNotStore() async throws {
        try await withKubeFake { fake, client in
            let before = fake.currentResourceVersion
            let dry = try await client.apply(Fixtures.deploymentPath + "/web?dryRun=All", Fixtures.deploymentYAML)
            #expect(dry.status == 201)
            #expect(dry.json[path: ["spec", "replicas"]] == 2)
            #expect(try await client.get(Fixtures.deploymentPath + "/web").status == 404)
            #expect(fake.currentResourceVersion == before)
        }
    }

    @Test func secretStringDataIsFoldedIntoData() async throws {
        try await withKubeFake { _, client in
            let doc = """
                apiVersion: v1
                kind: Secret
                metadata: {name: key, namespace: default}
                stringData: {identity: hello}
                """
            let created = try await client.apply("/api/v1/namespaces/default/secrets/key", doc)
            #expect(created.status == 201)
            #expect(created.json["data"] == ["identity": "aGVsbG8="])
            #expect(created.json["stringData"] == nil)
            let again = try await client.apply("/api/v1/namespaces/default/secrets/key", doc)
            #expect(again.resourceVersion == created.resourceVersion)
        }
    }

    @Test func namespacePathsAreNotConfusedWithNamespacedOnes() async throws {
        try await withKubeFake { _, client in
            let namespace = try await client.get("/api/v1/namespaces/default")
            #expect(namespace.status == 200)
            #expect(namespace.json["kind"] == "Namespace")
            let status = try await client.get("/api/v1/namespaces/default/status")
            #expect(status.status == 200)
            #expect(status.json[path: ["metadata", "name"]] == "default")
            let contents = try await client.get("/api/v1/namespaces/default/configmaps")
            #expect(contents.json["kind"] == "ConfigMapList")
        }
    }

    @Test func dependentsAreDeletedBeforeTheirNamespace() async throws {
        try await withKubeFake { fake, client in
            _ = try await client.post(
                "/api/v1/namespaces",
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]]
            )
            _ = try await client.post("/api/v1/namespaces/team/configmaps", Fixtures.configMap("x", namespace: "team"))
            let watch = Task {
                try await client.watch("/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Dteam", maxEvents: 2)
            }
            let cmWatch = Task { try await client.watch("/api/v1/configmaps?watch=true&labelSelector=", maxEvents: 2) }
            #expect(await eventually { fake.openWatchCount == 2 })
            _ = try await client.delete("/api/v1/namespaces/team")
            let namespaceEvents = try await watch.value
            let cmEvents = try await cmWatch.value
            #expect(namespaceEvents.types == ["ADDED", "DELETED"])
            #expect(cmEvents.types == ["ADDED", "DELETED"])
            let cmDeleted = Int(cmEvents.events[1][path: ["object", "metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0
            let nsDeleted =
                Int(namespaceEvents.events[1][path: ["object", "metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0
            #expect(cmDeleted > 0 && cmDeleted < nsDeleted)
        }
    }
}
