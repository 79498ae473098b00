import Foundation
import KubeFake
import Testing

@Suite("KubeFake test controls and drivers")
struct KubeFakeControlsTests {
    let deployment = Fixtures.deploymentPath + "/web"

    @Test func failNextMatchingRequest() async throws {
        try await withKubeFake { fake, client in
            fake.failNext(method: "GET", pathPrefix: "/api/v1/namespaces/default/configmaps", status: 503, message: "try later")
            let other = try await client.get("/api/v1/namespaces")
            #expect(other.status == 200)
            let failed = try await client.get("/api/v1/namespaces/default/configmaps")
            #expect(failed.status == 503)
            #expect(failed.reason == "ServiceUnavailable")
            #expect(failed.message == "try later")
            #expect(failed.json["kind"] == "Status")
            #expect(try await client.get("/api/v1/namespaces/default/configmaps").status == 200)

            fake.failNext(pathPrefix: "/apis/apps", status: 500, times: 2)
            #expect(try await client.get(Fixtures.deploymentPath).status == 500)
            #expect(try await client.get(Fixtures.deploymentPath).reason == "InternalError")
            #expect(try await client.get(Fixtures.deploymentPath).status == 200)
        }
    }

    @Test func delayedResponses() async throws {
        try await withKubeFake { fake, client in
            fake.delayResponses(pathPrefix: "/version", seconds: 0.4)
            let start = Date()
            let slow = try await client.get("/version")
            #expect(slow.status == 200)
            #expect(Date().timeIntervalSince(start) >= 0.35)
            let quick = Date()
            let fast = try await client.get("/api")
            #expect(fast.status == 200)
            #expect(Date().timeIntervalSince(quick) < 0.35)
            fake.delayResponses(pathPrefix: "/version", seconds: 0)
        }
    }

    @Test func requestLogRecordsWhatWasSent() async throws {
        try await withKubeFake { fake, client in
            fake.clearRequestLog()
            _ = try await client.apply(deployment, Fixtures.deploymentYAML, manager: "platformctl", force: true)
            _ = try await client.get("/api/v1/namespaces/default/configmaps?labelSelector=a%3Db")
            let log = fake.requestLog
            #expect(log.count == 2)
            #expect(log[0].method == "PATCH")
            #expect(log[0].path == deployment)
            #expect(log[0].query == "fieldManager=platformctl&force=true")
            #expect(log[0].contentType == "application/apply-patch+yaml")
            #expect(log[0].body == Fixtures.deploymentYAML)
            #expect(log[0].userAgent == "kubefake-tests/1.0 (linux/amd64)")
            #expect(log[0].status == 201)
            #expect(log[1].method == "GET")
            #expect(log[1].query == "labelSelector=a%3Db")
            #expect(log[1].status == 200)
        }
    }

    @Test func advanceRolloutStepsLikeTheDeploymentController() async throws {
        try await withKubeFake { fake, client in
            _ = try await client.apply(deployment, Fixtures.deploymentYAML)
            let watch = Task { try await client.watch(Fixtures.deploymentPath + "?watch=true", maxEvents: 5) }
            #expect(await eventually { fake.openWatchCount == 1 })

            let observed = try fake.advanceRollout(namespace: "default", name: "web")
            #expect(observed[path: ["status", "observedGeneration"]] == 1)
            #expect(observed[path: ["status", "updatedReplicas"]] == 0)

            let partial = try fake.advanceRollout(namespace: "default", name: "web")
            #expect(partial[path: ["status", "updatedReplicas"]] == 1)
            #expect(partial[path: ["status", "replicas"]] == 3)
            #expect(
                partial[path: ["status", "readyReplicas"]] == 2,
                "old replica still ready: readyReplicas alone is not enough"
            )

            let done = try fake.advanceRollout(namespace: "default", name: "web")
            #expect(done[path: ["status", "updatedReplicas"]] == 2)
            #expect(done[path: ["status", "replicas"]] == 2)
            #expect(done[path: ["status", "availableReplicas"]] == 2)
            let progressing = done[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Progressing" }
            #expect(progressing?["reason"] == "NewReplicaSetAvailable")
            #expect(done[path: ["metadata", "generation"]] == 1)

            let failed = try fake.advanceRollout(namespace: "default", name: "web", stage: .progressDeadlineExceeded)
            let stuck = failed[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Progressing" }
            #expect(stuck?["status"] == "False")
            #expect(stuck?["reason"] == "ProgressDeadlineExceeded")

            let events = try await watch.value
            #expect(events.types == ["ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED"])
            #expect(fake.requestLog.allSatisfy { !$0.path.hasSuffix("/status") })
        }
    }

    @Test func rolloutControlEndpoint() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(deployment, Fixtures.deploymentYAML)
            let response = try await client.send(.POST, "/_fake/rollout/default/web?complete=true", body: "")
            #expect(response.status == 200)
            #expect(response.json[path: ["status", "updatedReplicas"]] == 2)
            let missing = try await client.send(.POST, "/_fake/rollout/default/ghost", body: "")
            #expect(missing.status == 404)
        }
    }

    @Test func setConditionForAnyObject() async throws {
        try await withKubeFake { fake, client in
            _ = try await client.apply(
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.org",
                Fixtures.gadgetCRD
            )
            _ = try await client.apply(Fixtures.gadgetPath + "/g1", Fixtures.gadget("g1"))
            try fake.setCondition(
                apiVersion: "example.org/v1",
                kind: "Gadget",
                namespace: "default",
                name: "g1",
                type: "Ready",
                status: "True",
                reason: "ReconciliationSucceeded",
                message: "Applied revision: main@sha1:abc"
            )
            let object = try #require(fake.object(apiVersion: "example.org/v1", kind: "Gadget", namespace: "default", name: "g1"))
            let ready = object[path: ["status", "conditions"]]?.arrayValue?.first
            #expect(ready?["type"] == "Ready")
            #expect(ready?["status"] == "True")
            #expect(ready?["message"] == "Applied revision: main@sha1:abc")
            #expect(ready?["observedGeneration"] == 1)
            #expect(object[path: ["metadata", "generation"]] == 1)
            #expect(throws: (any Error).self) {
                try fake.setCondition(
                    apiVersion: "example.org/v1",
                    kind: "Gadget",
                    namespace: "default",
                    name: "none",
                    type: "Ready"
                )
            }
        }
    }

    @Test func controllerModeRollsOutAndMarksFluxReady() async throws {
        try await withKubeFake(KubeFakeOptions(crdEstablishDelay: 0, autoRolloutAfter: 0.1)) { fake, client in
            _ = try await client.apply(deployment, Fixtures.deploymentYAML)
            #expect(
                await eventually {
                    fake.object(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web")?[
                        path: ["status", "updatedReplicas"]] == 2
                }
            )
            _ = try await client.apply(
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/kustomizations.kustomize.toolkit.fluxcd.io",
                """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: kustomizations.kustomize.toolkit.fluxcd.io}
                spec:
                  group: kustomize.toolkit.fluxcd.io
                  names: {kind: Kustomization, plural: kustomizations}
                  scope: Namespaced
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    subresources: {status: {}}
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """
            )
            _ = try await client.apply(
                "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/default/kustomizations/apps",
                "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                    + "metadata: {name: apps, namespace: default}\nspec: {path: ./kube}\n"
            )
            #expect(
                await eventually {
                    fake.object(
                        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                        kind: "Kustomization",
                        namespace: "default",
                        name: "apps"
                    )?[
                        path: ["status", "conditions"]]?.arrayValue?.first?["status"] == "True"
                }
            )
        }
    }

    @Test func establishDelayCanChangeAtRuntime() async throws {
        try await withKubeFake(KubeFakeOptions(crdEstablishDelay: nil)) { fake, client in
            fake.setCRDEstablishDelay(0)
            _ = try await client.apply(
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.org",
                Fixtures.gadgetCRD
            )
            #expect(try await client.get(Fixtures.gadgetPath).status == 200)
        }
    }
}
