import Foundation
import KubeFake
import Testing

@Suite("KubeFake discovery")
struct KubeFakeDiscoveryTests {
    @Test func versionAndCoreGroup() async throws {
        try await withKubeFake { _, client in
            let version = try await client.get("/version")
            #expect(version.status == 200)
            #expect(version.json["major"] == "1")
            #expect(version.json["minor"] == "32")
            #expect(version.json["gitVersion"]?.stringValue?.hasPrefix("v1.32.") == true)

            let api = try await client.get("/api")
            #expect(api.json["kind"] == "APIVersions")
            #expect(api.json["versions"] == ["v1"])

            let core = try await client.get("/api/v1")
            #expect(core.json["kind"] == "APIResourceList")
            #expect(core.json["groupVersion"] == "v1")
            let resources = core.json["resources"]?.arrayValue ?? []
            let names = resources.compactMap { $0["name"]?.stringValue }
            for expected in [
                "namespaces", "namespaces/status", "configmaps", "secrets", "serviceaccounts", "pods",
                "pods/status", "services", "nodes", "events",
            ] {
                #expect(names.contains(expected), "missing \(expected)")
            }
            let nodes = try #require(resources.first { $0["name"] == "nodes" })
            #expect(nodes["namespaced"] == false)
            #expect(nodes["kind"] == "Node")
            #expect(nodes["singularName"] == "node")
            #expect(nodes["shortNames"] == ["no"])
            #expect(nodes["verbs"] == ["create", "delete", "get", "list", "patch", "update", "watch"])
        }
    }

    @Test func groupsAndGroupVersions() async throws {
        try await withKubeFake { _, client in
            let groups = try await client.get("/apis")
            #expect(groups.json["kind"] == "APIGroupList")
            let names = groups.json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names == ["apps", "rbac.authorization.k8s.io", "policy", "networking.k8s.io", "apiextensions.k8s.io"])

            let apps = try await client.get("/apis/apps")
            #expect(apps.json["kind"] == "APIGroup")
            #expect(apps.json["preferredVersion"] == ["groupVersion": "apps/v1", "version": "v1"])

            let appsV1 = try await client.get("/apis/apps/v1")
            #expect(appsV1.json["groupVersion"] == "apps/v1")
            let deployments = appsV1.json["resources"]?.arrayValue?.first { $0["name"] == "deployments" }
            #expect(deployments?["shortNames"] == ["deploy"])
            #expect(appsV1.json["resources"]?.arrayValue?.contains { $0["name"] == "deployments/status" } == true)
        }
    }

    @Test func unknownGroupVersionOrPluralIs404Status() async throws {
        try await withKubeFake { _, client in
            let expected = try KubeFakeJSON.parse(
                #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","#
                    + #""message":"the server could not find the requested resource","reason":"NotFound","#
                    + #""details":{},"code":404}"#
            )
            for path in [
                "/apis/example.org", "/apis/example.org/v1", "/apis/apps/v2", "/api/v1/widgets",
                "/apis/apps/v1/namespaces/default/widgets", "/apis/example.org/v1/namespaces/default/gadgets/x",
            ] {
                let response = try await client.get(path)
                #expect(response.status == 404, "\(path)")
                #expect(response.json == expected, "\(path)")
            }
        }
    }

    @Test func discoveryChangesWhenCRDIsEstablishedAndDeleted() async throws {
        try await withKubeFake(KubeFakeOptions(crdEstablishDelay: nil)) { fake, client in
            let created = try await client.apply(
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.org",
                Fixtures.gadgetCRD
            )
            #expect(created.status == 201)
            #expect(try await client.get("/apis/example.org/v1").status == 404)
            let served = try await client.get("/apis").json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(served?.contains("example.org") == false)
            #expect(served?.isEmpty == false)

            fake.establishCRD(named: "gadgets.example.org")
            let list = try await client.get("/apis/example.org/v1")
            #expect(list.status == 200)
            #expect(list.json["groupVersion"] == "example.org/v1")
            let gadgets = try #require(list.json["resources"]?.arrayValue?.first { $0["name"] == "gadgets" })
            #expect(gadgets["kind"] == "Gadget")
            #expect(gadgets["namespaced"] == true)
            #expect(gadgets["shortNames"] == ["gd"])
            #expect(list.json["resources"]?.arrayValue?.contains { $0["name"] == "gadgets/status" } == true)
            let groups = try await client.get("/apis")
            #expect(groups.json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.last == "example.org")

            let deleted = try await client.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.org")
            #expect(deleted.status == 200)
            #expect(try await client.get("/apis/example.org/v1").status == 404)
            #expect(try await client.get("/apis/example.org").status == 404)
        }
    }

    @Test func controlEndpointsStayOutOfDiscovery() async throws {
        try await withKubeFake { _, client in
            let text = try await client.get("/apis").text + (try await client.get("/api/v1").text)
            #expect(!text.contains("_fake"))
        }
    }
}
