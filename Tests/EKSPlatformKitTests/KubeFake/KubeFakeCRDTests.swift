import Foundation
import KubeFake
import Testing

@Suite("KubeFake CRDs and custom resources")
struct KubeFakeCRDTests {
    let crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.org"

    @Test func customResourceBeforeItsCRDGetsTheExact404() async throws {
        try await withKubeFake { _, client in
            let response = try await client.apply(Fixtures.gadgetPath + "/g1", Fixtures.gadget("g1"))
            #expect(response.status == 404)
            #expect(
                response.text
                    == #"{"apiVersion":"v1","code":404,"details":{},"kind":"Status","#
                    + #""message":"the server could not find the requested resource","metadata":{},"#
                    + #""reason":"NotFound","status":"Failure"}"#
            )
        }
    }

    @Test func establishedAfterTheDelayWithConditionsAndAWatchEvent() async throws {
        try await withKubeFake(KubeFakeOptions(crdEstablishDelay: 1.5)) { fake, client in
            let watch = Task {
                try await client.watch(
                    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions?watch=true"
                        + "&fieldSelector=metadata.name%3Dgadgets.example.org",
                    maxEvents: 2
                )
            }
            #expect(await eventually { fake.openWatchCount == 1 })
            let start = Date()
            let created = try await client.apply(crdPath, Fixtures.gadgetCRD)
            #expect(created.status == 201)
            #expect(created.json["status"] == nil)
            #expect(try await client.apply(Fixtures.gadgetPath + "/g1", Fixtures.gadget("g1")).status == 404)

            let result = try await watch.value
            let elapsed = Date().timeIntervalSince(start)
            #expect(result.types == ["ADDED", "MODIFIED"])
            #expect(elapsed >= 1.45)
            let crd = try #require(result.events.last?["object"])
            let conditions = crd[path: ["status", "conditions"]]?.arrayValue ?? []
            #expect(conditions.map { $0["type"] } == ["NamesAccepted", "Established"])
            #expect(conditions.allSatisfy { $0["status"] == "True" })
            #expect(conditions.last?["reason"] == "InitialNamesAccepted")
            #expect(crd[path: ["status", "acceptedNames", "kind"]] == "Gadget")
            #expect(crd[path: ["status", "storedVersions"]] == ["v1"])
            #expect(crd[path: ["metadata", "generation"]] == 1)
            let statusEntry = crd[path: ["metadata", "managedFields"]]?.arrayValue?.first { $0["subresource"] == "status" }
            #expect(statusEntry?["manager"] == "kube-apiserver")

            let gadget = try await client.apply(Fixtures.gadgetPath + "/g1", Fixtures.gadget("g1"))
            #expect(gadget.status == 201)
            #expect(gadget.json["kind"] == "Gadget")
            #expect(gadget.json["apiVersion"] == "example.org/v1")
            let list = try await client.get(Fixtures.gadgetPath)
            #expect(list.json["kind"] == "GadgetList")
            #expect(list.json["items"]?.arrayValue?.count == 1)
        }
    }

    @Test func neverEstablishedKeepsTheEndpointAway() async throws {
        try await withKubeFake(KubeFakeOptions(crdEstablishDelay: nil)) { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await client.get(crdPath).json["status"] == nil)
            #expect(try await client.get(Fixtures.gadgetPath).status == 404)
        }
    }

    @Test func endpointLagAfterEstablished() async throws {
        // The lag is long enough that a loaded CI machine still sees the 404 before it ends.
        try await withKubeFake(KubeFakeOptions(crdEstablishDelay: 0, endpointLagAfterEstablished: 5)) { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            let discovery = try await client.get("/apis/example.org/v1")
            #expect(discovery.status == 200)
            #expect(try await client.get(Fixtures.gadgetPath).status == 404)
            #expect(try await eventually(timeout: 15) { try await client.get(Fixtures.gadgetPath).status == 200 })
        }
    }

    @Test func customResourceStatusSubresourceAndGeneration() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            let created = try await client.apply(
                Fixtures.gadgetPath + "/g1",
                Fixtures.gadget("g1") + "status:\n  phase: Ready\n"
            )
            #expect(created.status == 201)
            #expect(created.json["status"] == nil)
            let status = try await client.patch(
                Fixtures.gadgetPath + "/g1/status",
                #"{"status":{"phase":"Ready"},"spec":{"color":"blue"}}"#,
                type: "application/merge-patch+json"
            )
            #expect(status.json[path: ["status", "phase"]] == "Ready")
            #expect(status.json[path: ["spec", "color"]] == "red")
            #expect(status.json[path: ["metadata", "generation"]] == 1)
            let spec = try await client.apply(Fixtures.gadgetPath + "/g1", Fixtures.gadget("g1", color: "blue"))
            #expect(spec.json[path: ["metadata", "generation"]] == 2)
            #expect(spec.json[path: ["status", "phase"]] == "Ready")
        }
    }

    /// A CRD is removed only after its custom resources, whose finalizers it waits for (apiextensions-apiserver's
    /// CRD finalizer): deleting Flux's CRDs does not make Flux objects with pending finalizers vanish.
    @Test func aCRDWaitsForItsResourcesFinalizers() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            _ = try await client.apply(
                Fixtures.gadgetPath + "/g1",
                Fixtures.gadget("g1", extra: "").replacingOccurrences(
                    of: "namespace: default",
                    with: "namespace: default\n  finalizers: [example.org/cleanup]"
                )
            )
            _ = try await client.delete(crdPath)
            #expect(try await client.get(crdPath).json[path: ["metadata", "deletionTimestamp"]] != nil)
            let held = try await client.get(Fixtures.gadgetPath + "/g1")
            #expect(held.status == 200)
            #expect(held.json[path: ["metadata", "deletionTimestamp"]] != nil)
            _ = try await client.patch(
                Fixtures.gadgetPath + "/g1",
                #"{"metadata":{"finalizers":null}}"#,
                type: "application/merge-patch+json"
            )
            #expect(try await client.get(crdPath).status == 404)
        }
    }

    @Test func strategicMergeIsUnsupportedForCustomResources() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            _ = try await client.apply(Fixtures.gadgetPath + "/g1", Fixtures.gadget("g1"))
            let response = try await client.patch(
                Fixtures.gadgetPath + "/g1",
                #"{"spec":{"color":"blue"}}"#,
                type: "application/strategic-merge-patch+json"
            )
            #expect(response.status == 415)
            #expect(response.reason == "UnsupportedMediaType")
        }
    }

    @Test func customListsAreAtomicUnlessTheSchemaSaysMap() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            _ = try await client.apply(
                Fixtures.gadgetPath + "/g1",
                Fixtures.gadget("g1", extra: "  parts: [{name: a, count: 1}]\n  tags: [x]"),
                manager: "one"
            )
            let merged = try await client.apply(
                Fixtures.gadgetPath + "/g1",
                """
                apiVersion: example.org/v1
                kind: Gadget
                metadata: {name: g1, namespace: default}
                spec:
                  parts: [{name: b, count: 2}]
                """,
                manager: "two"
            )
            #expect(merged.status == 200)
            #expect(merged.json[path: ["spec", "parts"]]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["a", "b"])
            let atomic = try await client.apply(
                Fixtures.gadgetPath + "/g1",
                """
                apiVersion: example.org/v1
                kind: Gadget
                metadata: {name: g1, namespace: default}
                spec:
                  tags: [y]
                """,
                manager: "two"
            )
            #expect(atomic.status == 409)
            #expect(atomic.message == #"Apply failed with 1 conflict: conflict with "one": .spec.tags"#)
        }
    }

    @Test func deletingTheCRDRemovesItsResourcesAndEndpoints() async throws {
        try await withKubeFake { fake, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            _ = try await client.apply(Fixtures.gadgetPath + "/g1", Fixtures.gadget("g1"))
            let watch = Task { try await client.watch(Fixtures.gadgetPath + "?watch=true", maxEvents: 10) }
            #expect(await eventually { fake.openWatchCount == 1 })
            let deleted = try await client.delete(crdPath)
            #expect(deleted.status == 200)
            #expect(deleted.json["status"] == "Success")
            let events = try await watch.value
            #expect(events.types == ["ADDED", "DELETED"])
            #expect(events.endedByServer)
            #expect(try await client.get(Fixtures.gadgetPath).status == 404)
            #expect(fake.object(apiVersion: "example.org/v1", kind: "Gadget", namespace: "default", name: "g1") == nil)

            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            let list = try await client.get(Fixtures.gadgetPath)
            #expect(list.status == 200)
            #expect(list.json["items"] == [])
        }
    }

    /// Plumbing of 422 answers: whatever the schema validator reports comes back as `Invalid` with causes and the
    /// apiserver's message shape. With the placeholder validator (no violations) the invalid object is accepted, so
    /// the exact-message expectations below wait on the real validator (render branch).
    @Test func schemaViolationsBecome422Invalid() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            let bad = try await client.apply(
                Fixtures.gadgetPath + "/bad",
                Fixtures.gadget("bad", color: "green", extra: "  size: 0")
            )
            let violations = OpenAPISchemaValidator.validate(
                try KubeFakeJSON.parseYAML("apiVersion: example.org/v1\nkind: Gadget\nspec: {color: green, size: 0}")
                    .foundationValue,
                against: try #require(
                    try KubeFakeJSON.parseYAML(Fixtures.gadgetCRD)[path: [
                        "spec", "versions",
                    ]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]]
                ).foundationValue
            )
            if violations.isEmpty {
                #expect(bad.status == 201, "placeholder validator: nothing to reject")
            } else {
                #expect(bad.status == 422)
                #expect(bad.reason == "Invalid")
                let causes = bad.json[path: ["details", "causes"]]?.arrayValue ?? []
                #expect(causes.count == violations.count)
                #expect(bad.json[path: ["details", "kind"]] == "Gadget")
                #expect(bad.json[path: ["details", "group"]] == "example.org")
                #expect(bad.message?.hasPrefix(#"Gadget.example.org "bad" is invalid: "#) == true)
                for (cause, violation) in zip(causes, violations) {
                    #expect(cause["field"] == .string(violation.field))
                    #expect(cause["reason"] == .string(violation.reason))
                    #expect(violation.message.hasSuffix(cause["message"]?.stringValue ?? "<none>"))
                }
            }
        }
    }

    /// The exact apiserver rendering for the spec's examples; passes once the real validator lands.
    @Test(
        .enabled(
            if: !OpenAPISchemaValidator.validate(
                (["spec": ["color": "green"]] as KubeFakeJSON).foundationValue,
                against: ([
                    "type": "object",
                    "properties": ["spec": ["type": "object", "properties": ["color": ["type": "string", "enum": ["red"]]]]],
                ] as KubeFakeJSON).foundationValue
            ).isEmpty,
            "waits on the real OpenAPISchemaValidator (placeholder returns no violations)"
        )
    )
    func schemaViolationMessagesMatchTheApiserver() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            let bad = try await client.apply(
                Fixtures.gadgetPath + "/bad",
                Fixtures.gadget("bad", color: "green", extra: "  size: 0")
            )
            #expect(bad.status == 422)
            #expect(
                bad.message
                    == #"Gadget.example.org "bad" is invalid: [spec.color: Unsupported value: "green": supported values: "red", "#
                    + #""blue", spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1]"#
            )
            let missing = try await client.apply(
                Fixtures.gadgetPath + "/bare",
                "apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: bare, namespace: default}\nspec: {size: 2}\n"
            )
            #expect(missing.status == 422)
            #expect(missing.message == #"Gadget.example.org "bare" is invalid: spec.color: Required value"#)
            #expect(
                missing.json[path: ["details", "causes"]] == [
                    ["reason": "FieldValueRequired", "message": "Required value", "field": "spec.color"]
                ]
            )
        }
    }

    /// Unknown fields are rejected (the spec's strict behaviour) unless the request asks for
    /// `fieldValidation=Ignore`, as kubectl does with `--validate=false`.
    @Test(
        .enabled(
            if: !OpenAPISchemaValidator.validate(
                (["spec": ["shape": "round"]] as KubeFakeJSON).foundationValue,
                against: (["type": "object", "properties": ["spec": ["type": "object"]]] as KubeFakeJSON)
                    .foundationValue
            ).isEmpty,
            "waits on the real OpenAPISchemaValidator (placeholder returns no violations)"
        )
    )
    func unknownFieldsAreInvalidUnlessIgnored() async throws {
        try await withKubeFake { _, client in
            _ = try await client.apply(crdPath, Fixtures.gadgetCRD)
            let strict = try await client.apply(
                Fixtures.gadgetPath + "/odd",
                Fixtures.gadget("odd", extra: "  shape: round")
            )
            #expect(strict.status == 422)
            #expect(strict.reason == "Invalid")
            #expect(
                strict.json[path: ["details", "causes"]] == [
                    ["reason": "FieldValueUnknown", "message": #"unknown field "spec.shape""#, "field": "spec.shape"]
                ]
            )
            let ignored = try await client.apply(
                Fixtures.gadgetPath + "/odd?fieldValidation=Ignore",
                Fixtures.gadget("odd", extra: "  shape: round")
            )
            #expect(ignored.status == 201)
        }
    }
}
