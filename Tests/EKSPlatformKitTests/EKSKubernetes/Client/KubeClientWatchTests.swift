import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

/// Collects watch events in the background.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var entries: [String] { lock.withLock { stored } }
    func add(_ entry: String) { lock.withLock { stored.append(entry) } }

    /// Waits until `predicate` holds for the entries (or fails after `timeout`).
    func waitFor(_ what: String, timeout: Duration = .seconds(45), _ predicate: ([String]) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !predicate(entries) {
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("timed out waiting for \(what); events: \(entries)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

@Suite("KubeClient watch")
struct KubeClientWatchTests {
    static func name(_ object: JSONValue) -> String { object["metadata"]?["name"]?.stringValue ?? "?" }

    static func startWatch(_ client: KubeClient, log: EventLog) -> Task<Void, any Error> {
        Task {
            for try await event in client.watch(apiVersion: "v1", kind: "ConfigMap", namespace: "default") {
                switch event {
                case .listed(let items, _): log.add("LISTED " + items.map(name).sorted().joined(separator: ","))
                case .added(let object): log.add("ADDED \(name(object))")
                case .modified(let object): log.add("MODIFIED \(name(object))")
                case .deleted(let object): log.add("DELETED \(name(object))")
                }
            }
        }
    }

    @Test func resumesFromTheLastResourceVersionAfterADroppedConnection() async throws {
        try await withFake { fake, client in
            try await client.apply(try yaml(KubeFixtures.configMap("before")))
            let log = EventLog()
            let watcher = Self.startWatch(client, log: log)
            defer { watcher.cancel() }
            try await log.waitFor("the initial list") { $0.contains("LISTED before") }
            while fake.openWatchCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let created = try await client.apply(try yaml(KubeFixtures.configMap("first")))
            try await log.waitFor("ADDED first") { $0.contains("ADDED first") }
            let lastSeen = try #require(created["metadata"]?["resourceVersion"]?.stringValue)

            fake.dropWatches()
            try await client.apply(try yaml(KubeFixtures.configMap("second")))
            try await log.waitFor("ADDED second after the reconnect") { $0.contains("ADDED second") }
            // Resumed, not relisted: one list only, and the new watch started at the last version seen.
            #expect(log.entries.filter { $0.hasPrefix("LISTED") }.count == 1)
            #expect(log.entries.filter { $0 == "ADDED first" }.count == 1)
            let watches = fake.requestLog.filter { $0.query.contains("watch=true") }
            #expect(watches.count >= 2)
            #expect(watches.contains { $0.query.contains("resourceVersion=\(lastSeen)&") })
        }
    }

    @Test func relistsAfterA410ErrorEventMidStream() async throws {
        try await withFake(KubeFakeOptions(crdEstablishDelay: 0.2, bookmarkInterval: 0)) { fake, client in
            try await client.apply(try yaml(KubeFixtures.configMap("old")))
            let log = EventLog()
            let watcher = Self.startWatch(client, log: log)
            defer { watcher.cancel() }
            try await log.waitFor("the initial list") { $0.contains("LISTED old") }
            while fake.openWatchCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
            // Changes elsewhere move the global resourceVersion on; compaction then leaves the open watch behind.
            var other = try yaml(KubeFixtures.configMap("elsewhere"))
            if case .object(var map) = other, case .object(var metadata)? = map["metadata"] {
                metadata["namespace"] = "kube-public"
                map["metadata"] = .object(metadata)
                other = .object(map)
            }
            try await client.apply(other)
            fake.compact(below: fake.currentResourceVersion)
            try await log.waitFor("a relist") { $0.filter { $0.hasPrefix("LISTED") }.count == 2 }
            #expect(log.entries.filter { $0.hasPrefix("LISTED") } == ["LISTED old", "LISTED old"])
            // After the relist, live events flow again.
            try await client.apply(try yaml(KubeFixtures.configMap("later")))
            try await log.waitFor("ADDED later") { $0.contains("ADDED later") }
        }
    }

    @Test func relistsWhenTheReconnectGets410() async throws {
        try await withFake { fake, client in
            try await client.apply(try yaml(KubeFixtures.configMap("old")))
            let log = EventLog()
            let watcher = Self.startWatch(client, log: log)
            defer { watcher.cancel() }
            try await log.waitFor("the initial list") { $0.contains("LISTED old") }
            while fake.openWatchCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
            fake.failNext(
                method: "GET",
                pathPrefix: "/api/v1/namespaces/default/configmaps",
                status: 410,
                message: "too old resource version: 1 (2)"
            )
            fake.dropWatches()
            try await log.waitFor("a relist") { $0.filter { $0.hasPrefix("LISTED") }.count == 2 }
            #expect(fake.requestLog.contains { $0.status == 410 && $0.query.contains("watch=true") })
            try await client.apply(try yaml(KubeFixtures.configMap("later")))
            try await log.waitFor("ADDED later") { $0.contains("ADDED later") }
        }
    }

    @Test func retriesAServerErrorOnReconnect() async throws {
        try await withFake { fake, client in
            let log = EventLog()
            let watcher = Self.startWatch(client, log: log)
            defer { watcher.cancel() }
            try await log.waitFor("the initial list") { $0.contains("LISTED ") }
            while fake.openWatchCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
            fake.failNext(method: "GET", pathPrefix: "/api/v1/namespaces/default/configmaps", status: 503, times: 2)
            fake.dropWatches()
            try await client.apply(try yaml(KubeFixtures.configMap("after-errors")))
            try await log.waitFor("ADDED after-errors") { $0.contains("ADDED after-errors") }
            #expect(fake.requestLog.filter { $0.status == 503 }.count == 2)
        }
    }

    @Test func streamsAddModifyDelete() async throws {
        try await withFake { fake, client in
            let log = EventLog()
            let watcher = Self.startWatch(client, log: log)
            defer { watcher.cancel() }
            try await log.waitFor("the initial list") { $0.contains("LISTED ") }
            while fake.openWatchCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
            try await client.apply(try yaml(KubeFixtures.configMap("x")))
            try await client.apply(try yaml(KubeFixtures.configMap("x", data: "a: '9'")))
            try await client.delete(apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "default")
            try await log.waitFor("three events") { $0.contains("DELETED x") }
            #expect(log.entries == ["LISTED ", "ADDED x", "MODIFIED x", "DELETED x"])
        }
    }
}
