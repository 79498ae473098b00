import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

/// Starts a KubeFake and a client pointed at it; shuts both down after `body`.
func withFake<T>(
    _ options: KubeFakeOptions = KubeFakeOptions(crdEstablishDelay: 0.2),
    _ body: (KubeFakeServer, KubeClient) async throws -> T
) async throws -> T {
    let fake = try await KubeFakeServer.start(options)
    let client: KubeClient
    do {
        client = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: fake.baseURL))))
    } catch {
        await fake.shutdown()
        throw error
    }
    do {
        let result = try await body(fake, client)
        try? await client.shutdown()
        await fake.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        await fake.shutdown()
        throw error
    }
}

/// Parses one YAML document.
func yaml(_ text: String) throws -> JSONValue {
    try #require(try YAML.decodeDocuments(text).first)
}

enum KubeFixtures {
    static func configMap(_ name: String, data: String = "a: '1'", extra: String = "") -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
          namespace: default
        \(extra)
        data:
          \(data)
        """
    }

    static func deployment(_ name: String, replicas: Int = 2, image: String = "ubuntu:24.04") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: default, labels: {app: \(name)}}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              containers:
              - {name: main, image: "\(image)", command: [sleep, infinity]}
        """
    }

    static let gadgetCRD = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.example.org}
        spec:
          group: example.org
          names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  apiVersion: {type: string}
                  kind: {type: string}
                  metadata: {type: object}
                  spec:
                    type: object
                    properties:
                      color: {type: string, enum: [red, blue]}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """

    static func gadget(_ name: String, namespace: String = "gadgets") -> String {
        """
        apiVersion: example.org/v1
        kind: Gadget
        metadata: {name: \(name), namespace: \(namespace)}
        spec: {color: red}
        """
    }
}

@Suite("KubeClient against KubeFake")
struct KubeClientTests {
    @Test func createUpdateAndIdenticalReapply() async throws {
        try await withFake { fake, client in
            let created = try await client.apply(try yaml(KubeFixtures.configMap("settings")))
            let firstVersion = try #require(created["metadata"]?["resourceVersion"]?.stringValue)
            #expect(created["data"]?["a"] == "1")
            let again = try await client.apply(try yaml(KubeFixtures.configMap("settings")))
            #expect(again["metadata"]?["resourceVersion"]?.stringValue == firstVersion)
            let updated = try await client.apply(try yaml(KubeFixtures.configMap("settings", data: "a: '2'")))
            #expect(updated["metadata"]?["resourceVersion"]?.stringValue != firstVersion)
            let read = try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "settings", namespace: "default")
            #expect(read?["data"]?["a"] == "2")
            #expect(try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "nope") == nil)
            let patches = fake.requestLog.filter { $0.method == "PATCH" }
            #expect(patches.count == 3)
            #expect(patches.allSatisfy { $0.contentType == "application/apply-patch+yaml" })
            #expect(patches.allSatisfy { $0.query.contains("fieldManager=platformctl") && !$0.query.contains("force") })
            let managers = read?["metadata"]?["managedFields"]?.arrayValue?.compactMap { $0["manager"]?.stringValue }
            #expect(managers == ["platformctl"])
        }
    }

    @Test func listWithSelectors() async throws {
        try await withFake { _, client in
            for (name, tier) in [("one", "web"), ("two", "db"), ("three", "web")] {
                try await client.apply(try yaml(KubeFixtures.configMap(name, extra: "  labels: {tier: \(tier)}")))
            }
            let web = try await client.list(apiVersion: "v1", kind: "ConfigMap", namespace: "default", labelSelector: "tier=web")
            #expect(web.items.compactMap { $0["metadata"]?["name"]?.stringValue }.sorted() == ["one", "three"])
            let notWeb = try await client.list(
                apiVersion: "v1",
                kind: "ConfigMap",
                namespace: "default",
                labelSelector: "tier!=web"
            )
            #expect(notWeb.items.compactMap { $0["metadata"]?["name"]?.stringValue } == ["two"])
            let byName = try await client.list(
                apiVersion: "v1",
                kind: "ConfigMap",
                namespace: "default",
                fieldSelector: "metadata.name=two"
            )
            #expect(byName.items.count == 1)
            #expect(!byName.resourceVersion.isEmpty)
            let namespaces = try await client.list(apiVersion: "v1", kind: "Namespace")
            let namespaceNames = Set(namespaces.items.compactMap { $0["metadata"]?["name"]?.stringValue })
            #expect(namespaceNames.isSuperset(of: ["default", "kube-system"]))
        }
    }

    @Test func fieldConflictNamesTheOtherManager() async throws {
        try await withFake { _, client in
            try await client.apply(try yaml(KubeFixtures.deployment("web", replicas: 2)))
            try await client.patch(
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: "web",
                namespace: "default",
                patch: ["spec": ["replicas": 5]],
                fieldManager: "autoscaler"
            )
            do {
                try await client.apply(try yaml(KubeFixtures.deployment("web", replicas: 2)))
                Issue.record("the conflicting apply succeeded")
            } catch let error as KubeClientError {
                #expect(error.isConflict)
                #expect(error.statusCode == 409)
                #expect(error.message.contains("conflict with \"autoscaler\""))
                #expect(error.message.contains(".spec.replicas"))
                #expect(error.object == "Deployment default/web")
                #expect(error.causes.first?.field == ".spec.replicas")
                #expect(error.description.contains("autoscaler"))
            }
            let forced = try await client.apply(try yaml(KubeFixtures.deployment("web", replicas: 2)), force: true)
            #expect(forced["spec"]?["replicas"] == 2)
        }
    }

    @Test func customResourceWithItsCRDInOneManifest() async throws {
        try await withFake(KubeFakeOptions(crdEstablishDelay: 0.3, endpointLagAfterEstablished: 0.3)) { fake, client in
            let manifest = [
                KubeFixtures.gadget("g1"), KubeFixtures.configMap("plain"), KubeFixtures.gadgetCRD,
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: gadgets}",
            ].joined(separator: "\n---\n")
            let applied = try await client.applyManifest(manifest)
            #expect(
                applied.compactMap { $0["kind"]?.stringValue } == [
                    "Gadget", "ConfigMap", "CustomResourceDefinition", "Namespace",
                ]
            )
            let gadget = try await client.get(apiVersion: "example.org/v1", kind: "Gadget", name: "g1", namespace: "gadgets")
            #expect(gadget?["spec"]?["color"] == "red")
            // The CRD and the Namespace went first; the Gadget only after the CRD was Established.
            let writes = fake.requestLog.filter { $0.method == "PATCH" && $0.status < 300 }.map(\.path)
            let crdIndex = try #require(writes.firstIndex { $0.contains("customresourcedefinitions") })
            let gadgetIndex = try #require(writes.firstIndex { $0.contains("/gadgets/g1") })
            #expect(crdIndex < gadgetIndex)
            let crd = try await client.get(
                apiVersion: "apiextensions.k8s.io/v1",
                kind: "CustomResourceDefinition",
                name: "gadgets.example.org"
            )
            #expect(crd.map { KubeClient.condition($0, "Established")?.status } == "True")
        }
    }

    @Test func customResourceAloneReportsCRDNotInstalled() async throws {
        try await withFake { fake, client in
            let manifest = KubeFixtures.configMap("first") + "\n---\n" + KubeFixtures.gadget("lonely", namespace: "default")
            do {
                try await client.applyManifest(manifest)
                Issue.record("applying a Gadget without its CRD succeeded")
            } catch let error as KubeClientError {
                #expect(error.code == .unknownKind)
                #expect(error.message.contains("CRD not installed"))
                #expect(error.message.contains("Gadget (example.org/v1)"))
            }
            // Nothing was applied.
            #expect(!fake.requestLog.contains { $0.method == "PATCH" })
            do {
                try await client.apply(try yaml(KubeFixtures.gadget("lonely", namespace: "default")))
                Issue.record("applying a Gadget without its CRD succeeded")
            } catch let error as KubeClientError {
                #expect(error.code == .unknownKind)
                #expect(error.description.contains("Gadget"))
            }
        }
    }

    @Test func rolloutWaitIsNotSatisfiedWhileOldReplicasRemain() async throws {
        try await withFake { fake, client in
            try await client.apply(try yaml(KubeFixtures.deployment("web", replicas: 2)))
            // A fake "all ready" status that still runs an old replica: readyReplicas says 2, but replicas is 3.
            try await client.patch(
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: "web",
                namespace: "default",
                patch: [
                    "status": [
                        "observedGeneration": 1, "replicas": 3, "updatedReplicas": 2, "readyReplicas": 2,
                        "availableReplicas": 2,
                    ]
                ],
                subresource: "status",
                fieldManager: "kube-controller-manager"
            )
            do {
                try await client.waitForRollout(namespace: "default", name: "web", timeout: .seconds(4))
                Issue.record("the rollout counted as done while an old replica remained")
            } catch let error as KubeClientError {
                #expect(error.code == .timeout)
                #expect(error.message.contains("Deployment default/web to roll out"))
                #expect(error.message.contains("1 old replicas are pending termination"))
            }
            // Stepwise progress through the fake's driver, reported through the callback, then done.
            let seen = WarningSink()
            let waiter = Task {
                try await client.waitForRollout(
                    namespace: "default",
                    name: "web",
                    timeout: .seconds(60),
                    onProgress: { seen.add($0) }
                )
            }
            // Let the waiter see the pending state first (the machine may be busy), then finish the rollout.
            for _ in 0..<450 where seen.lines.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            try fake.advanceRollout(namespace: "default", name: "web", stage: .complete)
            let done = try await waiter.value
            #expect(done?["status"]?["updatedReplicas"] == 2)
            #expect(seen.lines.contains("1 old replicas are pending termination"))
        }
    }

    @Test func rolloutRuleMatchesKubectl() throws {
        func deployment(_ generation: Int, _ status: String, replicas: Int = 2) throws -> JSONValue {
            try yaml("metadata: {generation: \(generation)}\nspec: {replicas: \(replicas)}\nstatus: \(status)")
        }
        #expect(
            KubeClient.rolloutVerdict(
                try deployment(2, "{observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2}")
            )
                == .pending("waiting for the deployment spec update to be observed")
        )
        #expect(
            KubeClient.rolloutVerdict(
                try deployment(
                    1,
                    "{observedGeneration: 1, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2}"
                )
            )
                == .pending("1 out of 2 new replicas have been updated")
        )
        #expect(
            KubeClient.rolloutVerdict(
                try deployment(1, "{observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1}")
            )
                == .pending("1 of 2 updated replicas are available")
        )
        #expect(
            KubeClient.rolloutVerdict(
                try deployment(1, "{observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2}")
            )
                == .satisfied
        )
        #expect(KubeClient.rolloutVerdict(try deployment(1, "{observedGeneration: 1, replicas: 0}", replicas: 0)) == .satisfied)
        if case .failed(let reason) = KubeClient.rolloutVerdict(
            try deployment(
                1,
                "{observedGeneration: 1, conditions: [{type: Progressing, status: 'False', "
                    + "reason: ProgressDeadlineExceeded, message: slow}]}"
            )
        ) {
            #expect(reason.contains("progress deadline"))
        } else {
            Issue.record("ProgressDeadlineExceeded did not fail")
        }
    }

    @Test func progressDeadlineExceededFailsTheWait() async throws {
        try await withFake { fake, client in
            try await client.apply(try yaml(KubeFixtures.deployment("stuck", replicas: 1)))
            try fake.advanceRollout(namespace: "default", name: "stuck", stage: .progressDeadlineExceeded)
            do {
                try await client.waitForRollout(namespace: "default", name: "stuck", timeout: .seconds(10))
                Issue.record("the wait succeeded")
            } catch let error as KubeClientError {
                #expect(error.code == .waitFailed)
                #expect(error.message.contains("progress deadline"))
            }
        }
    }

    @Test func conditionWaitReportsMessagesUntilReady() async throws {
        try await withFake(KubeFakeOptions(crdEstablishDelay: 0)) { fake, client in
            try await client.applyManifest(
                KubeFixtures.gadgetCRD + "\n---\n" + KubeFixtures.gadget("g2", namespace: "default")
            )
            try fake.setCondition(
                apiVersion: "example.org/v1",
                kind: "Gadget",
                namespace: "default",
                name: "g2",
                type: "Ready",
                status: "False",
                reason: "Progressing",
                message: "building the gadget"
            )
            let seen = WarningSink()
            let waiter = Task {
                try await client.waitForCondition(
                    apiVersion: "example.org/v1",
                    kind: "Gadget",
                    name: "g2",
                    namespace: "default",
                    type: "Ready",
                    timeout: .seconds(60),
                    onProgress: { seen.add($0) }
                )
            }
            for _ in 0..<450 where !seen.lines.contains(where: { $0.contains("building") }) {
                try await Task.sleep(for: .milliseconds(100))
            }
            try fake.setCondition(
                apiVersion: "example.org/v1",
                kind: "Gadget",
                namespace: "default",
                name: "g2",
                type: "Ready",
                status: "True",
                reason: "Succeeded",
                message: "done"
            )
            let ready = try await waiter.value
            #expect(ready.map { KubeClient.condition($0, "Ready")?.status } == "True")
            #expect(seen.lines.contains { $0.contains("building the gadget") })

            do {
                try await client.waitForCondition(
                    apiVersion: "example.org/v1",
                    kind: "Gadget",
                    name: "g2",
                    namespace: "default",
                    type: "Healthy",
                    timeout: .seconds(4)
                )
                Issue.record("waiting for a condition that never comes succeeded")
            } catch let error as KubeClientError {
                #expect(error.code == .timeout)
                #expect(error.message.contains("Gadget g2 to be Healthy=True"))
                #expect(error.message.contains("no Healthy condition yet"))
            }
        }
    }

    @Test func deleteWithFinalizersWaitsUntilGone() async throws {
        try await withFake { fake, client in
            try await client.apply(
                try yaml(KubeFixtures.configMap("held", extra: "  finalizers: [example.org/hold]"))
            )
            let deleter = Task {
                try await client.delete(
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    name: "held",
                    namespace: "default",
                    propagationPolicy: .foreground,
                    waitUntilGone: .seconds(20)
                )
            }
            var pending: JSONValue?
            for _ in 0..<450 {
                pending = try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "held", namespace: "default")
                if pending?["metadata"]?["deletionTimestamp"] != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(pending?["metadata"]?["deletionTimestamp"] != nil)
            try fake.removeFinalizers(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "held")
            #expect(try await deleter.value == true)
            #expect(try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "held", namespace: "default") == nil)
            let deleteRequest = try #require(fake.requestLog.first { $0.method == "DELETE" })
            #expect(deleteRequest.body.contains("\"propagationPolicy\":\"Foreground\""))
            #expect(try await client.delete(apiVersion: "v1", kind: "ConfigMap", name: "held", namespace: "default") == false)

            // A finalizer that stays: the wait times out and says what is pending.
            try await client.apply(try yaml(KubeFixtures.configMap("stuck", extra: "  finalizers: [example.org/hold]")))
            do {
                try await client.delete(
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    name: "stuck",
                    namespace: "default",
                    waitUntilGone: .seconds(4)
                )
                Issue.record("the delete wait succeeded")
            } catch let error as KubeClientError {
                #expect(error.code == .timeout)
                #expect(error.message.contains("finalizers: example.org/hold"))
            }
        }
    }
}
