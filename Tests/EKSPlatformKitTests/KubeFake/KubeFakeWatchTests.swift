import Foundation
import KubeFake
import Testing

@Suite("KubeFake watch")
struct KubeFakeWatchTests {
    let cmPath = "/api/v1/namespaces/default/configmaps"

    @Test func watchFromZeroSendsSyntheticAddedThenLiveEvents() async throws {
        try await withKubeFake { fake, client in
            _ = try await client.post(cmPath, Fixtures.configMap("a"))
            _ = try await client.post(cmPath, Fixtures.configMap("b"))
            let watch = Task { try await client.watch(cmPath + "?watch=true&resourceVersion=0", maxEvents: 5) }
            #expect(await eventually { fake.openWatchCount == 1 })
            _ = try await client.post(cmPath, Fixtures.configMap("c"))
            _ = try await client.patch(cmPath + "/c", #"{"data":{"a":"2"}}"#, type: "application/merge-patch+json")
            _ = try await client.delete(cmPath + "/a")
            let result = try await watch.value
            #expect(result.status == 200)
            #expect(result.contentType == "application/json")
            #expect(result.transferEncoding == "chunked")
            #expect(result.types == ["ADDED", "ADDED", "ADDED", "MODIFIED", "DELETED"])
            #expect(result.names == ["a", "b", "c", "c", "a"])
            #expect(result.events[0][path: ["object", "kind"]] == "ConfigMap")
            #expect(result.events[0][path: ["object", "apiVersion"]] == "v1")
            let deletedRV = result.events[4][path: ["object", "metadata", "resourceVersion"]]?.stringValue
            let modifiedRV = result.events[3][path: ["object", "metadata", "resourceVersion"]]?.stringValue
            #expect(deletedRV != modifiedRV)
        }
    }

    @Test func watchWithoutResourceVersionAlsoStartsWithAdded() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post(cmPath, Fixtures.configMap("a"))
            let result = try await client.watch(cmPath + "?watch=1", maxEvents: 1)
            #expect(result.types == ["ADDED"])
        }
    }

    @Test func watchFromResourceVersionSendsOnlyLaterEvents() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post(cmPath, Fixtures.configMap("a"))
            let b = try await client.post(cmPath, Fixtures.configMap("b"))
            _ = try await client.post(cmPath, Fixtures.configMap("c"))
            _ = try await client.delete(cmPath + "/a")
            let rv = try #require(b.resourceVersion)
            let result = try await client.watch(cmPath + "?watch=true&resourceVersion=\(rv)", maxEvents: 2)
            #expect(result.types == ["ADDED", "DELETED"])
            #expect(result.names == ["c", "a"])
        }
    }

    @Test func timeoutSecondsEndsTheStreamCleanly() async throws {
        try await withKubeFake { fake, client in
            let start = Date()
            let list = try await client.get(cmPath)
            let rv = try #require(list.resourceVersion)
            let result = try await client.watch(cmPath + "?watch=true&resourceVersion=\(rv)&timeoutSeconds=1")
            let elapsed = Date().timeIntervalSince(start)
            #expect(result.status == 200)
            #expect(result.events.isEmpty)
            #expect(result.endedByServer)
            #expect(elapsed >= 0.9 && elapsed < 5)
            #expect(await eventually { fake.openWatchCount == 0 })
        }
    }

    @Test func compactedResourceVersionIs410Expired() async throws {
        try await withKubeFake { fake, client in
            let a = try await client.post(cmPath, Fixtures.configMap("a"))
            let old = try #require(a.resourceVersion)
            _ = try await client.post(cmPath, Fixtures.configMap("b"))
            let mark = fake.currentResourceVersion
            fake.compact(below: mark)
            let result = try await client.watch(cmPath + "?watch=true&resourceVersion=\(old)")
            #expect(result.status == 410)
            let status = try #require(result.events.first)
            #expect(status["reason"] == "Expired")
            #expect(status["code"] == 410)
            #expect(status["message"] == .string("too old resource version: \(old) (\(mark))"))
        }
    }

    @Test func compactionMidStreamSendsErrorEvent() async throws {
        try await withKubeFake { fake, client in
            let list = try await client.get(cmPath)
            let rv = try #require(list.resourceVersion)
            let watch = Task { try await client.watch(cmPath + "?watch=true&resourceVersion=\(rv)") }
            #expect(await eventually { fake.openWatchCount == 1 })
            let mark = String((Int(fake.currentResourceVersion) ?? 0) + 100)
            fake.compact(below: mark)
            let result = try await watch.value
            #expect(result.types == ["ERROR"])
            #expect(result.events.first?[path: ["object", "reason"]] == "Expired")
            #expect(result.events.first?[path: ["object", "code"]] == 410)
            #expect(result.events.first?[path: ["object", "message"]] == .string("too old resource version: \(rv) (\(mark))"))
            #expect(result.endedByServer)
        }
    }

    @Test func bookmarksWhenAllowed() async throws {
        try await withKubeFake(KubeFakeOptions(crdEstablishDelay: 0, bookmarkInterval: 0.2)) { _, client in
            let list = try await client.get(cmPath)
            let rv = try #require(list.resourceVersion)
            let result = try await client.watch(
                cmPath + "?watch=true&resourceVersion=\(rv)&allowWatchBookmarks=true",
                maxEvents: 2
            )
            #expect(result.types == ["BOOKMARK", "BOOKMARK"])
            #expect(result.events[0][path: ["object", "kind"]] == "ConfigMap")
            #expect(result.events[0][path: ["object", "metadata", "resourceVersion"]] == .string(rv))
            let plain = try await client.watch(cmPath + "?watch=true&resourceVersion=\(rv)&timeoutSeconds=1")
            #expect(plain.events.isEmpty)
        }
    }

    @Test func droppedWatchesEndAndClientsCanReconnect() async throws {
        try await withKubeFake { fake, client in
            let list = try await client.get(cmPath)
            let rv = try #require(list.resourceVersion)
            let first = Task { try await client.watch(cmPath + "?watch=true&resourceVersion=\(rv)") }
            #expect(await eventually { fake.openWatchCount == 1 })
            fake.dropWatches()
            let dropped = try await first.value
            #expect(dropped.endedByServer)
            #expect(dropped.events.isEmpty)
            _ = try await client.post(cmPath, Fixtures.configMap("after"))
            let resumed = try await client.watch(cmPath + "?watch=true&resourceVersion=\(rv)", maxEvents: 1)
            #expect(resumed.names == ["after"])
        }
    }

    @Test func watchHonoursSelectors() async throws {
        try await withKubeFake { fake, client in
            let watch = Task {
                try await client.watch(cmPath + "?watch=true&fieldSelector=metadata.name%3Dwanted", maxEvents: 1)
            }
            #expect(await eventually { fake.openWatchCount == 1 })
            _ = try await client.post(cmPath, Fixtures.configMap("other"))
            _ = try await client.post(cmPath, Fixtures.configMap("wanted"))
            let result = try await watch.value
            #expect(result.names == ["wanted"])
            #expect(await eventually { fake.openWatchCount == 0 })

            let labelled = Task {
                try await client.watch("/api/v1/configmaps?watch=true&labelSelector=app%3Dx", maxEvents: 1)
            }
            #expect(await eventually { fake.openWatchCount == 1 })
            _ = try await client.post(cmPath, Fixtures.configMap("nolabel"))
            _ = try await client.post(
                "/api/v1/namespaces/kube-system/configmaps",
                Fixtures.configMap("lab", namespace: "kube-system", labels: ["app": "x"])
            )
            #expect(try await labelled.value.names == ["lab"])
        }
    }

    @Test func sendInitialEventsEndsWithAnnotatedBookmark() async throws {
        try await withKubeFake { _, client in
            _ = try await client.post(cmPath, Fixtures.configMap("a"))
            let result = try await client.watch(
                cmPath + "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
                maxEvents: 2
            )
            #expect(result.types == ["ADDED", "BOOKMARK"])
            let annotations = result.events.last?[path: ["object", "metadata", "annotations"]]
            #expect(annotations == ["k8s.io/initial-events-end": "true"])
        }
    }
}
