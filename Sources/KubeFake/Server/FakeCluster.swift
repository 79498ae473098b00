import Foundation
import NIOCore

/// What a watch stream receives: one JSON line, or the end of the stream.
enum WatchOutput: Sendable {
    case line(String)
    case end
}

/// An open watch: what it selects and where its events go.
final class WatchRegistration: @unchecked Sendable {
    let id: Int
    let type: ResourceType
    let namespace: String?
    let selector: ObjectSelector
    let sink: @Sendable (WatchOutput) -> Void
    var position: Int

    init(
        id: Int,
        type: ResourceType,
        namespace: String?,
        selector: ObjectSelector,
        position: Int,
        sink: @escaping @Sendable (WatchOutput) -> Void
    ) {
        self.id = id
        self.type = type
        self.namespace = namespace
        self.selector = selector
        self.position = position
        self.sink = sink
    }

    func selects(_ object: KubeFakeJSON, storageKey: String) -> Bool {
        guard storageKey == type.storageKey else { return false }
        if let namespace, object[path: ["metadata", "namespace"]]?.stringValue != namespace { return false }
        return selector.matches(object)
    }
}

/// One change in the cluster's history, kept for watches that start from an older resourceVersion.
struct StoredEvent {
    var resourceVersion: Int
    var storageKey: String
    var type: String
    var object: KubeFakeJSON
}

/// A failure the next matching request gets instead of its real answer.
struct InjectedFault {
    var method: String
    var pathPrefix: String
    var status: Int
    var message: String
    var remaining: Int
}

/// The fake's whole state: resource types, objects, history and open watches, guarded by one lock.
final class FakeCluster: @unchecked Sendable {
    let lock = NSLock()
    let eventLoopGroup: any EventLoopGroup

    /// Types in discovery, by `group/version/plural`.
    var types: [String: ResourceType] = [:]
    /// Types in discovery whose endpoints still answer 404 (the establish race).
    var unroutable: Set<String> = []
    /// Objects by storage key, then by `namespace/name`.
    var objects: [String: [String: KubeFakeJSON]] = [:]
    var resourceVersion = 1000
    var compactedBelow = 0
    var events: [StoredEvent] = []
    var watchers: [Int: WatchRegistration] = [:]
    var nextWatchID = 1

    var crdEstablishDelay: Double? = 0.3
    var endpointLag: Double = 0
    var bookmarkInterval: Double = 1
    var faults: [InjectedFault] = []
    var responseDelays: [(pathPrefix: String, seconds: Double)] = []
    var requestLog: [KubeFakeRequestRecord] = []
    var controller: ControllerSettings?
    /// Set while answering a `dryRun=All` request: writes are computed and returned but not stored.
    var dryRun = false
    /// Set while answering a request with `fieldValidation=Ignore` or `Warn`: unknown fields are not an error.
    var ignoreUnknownFields = false
    var port = 0

    struct ControllerSettings {
        var rolloutAfter: Double
        /// `nil`: Flux objects are left to a real (or simulated) Flux.
        var readyAfter: Double?
    }

    init(eventLoopGroup: any EventLoopGroup, options: KubeFakeOptions) {
        self.eventLoopGroup = eventLoopGroup
        self.crdEstablishDelay = options.crdEstablishDelay
        self.endpointLag = options.endpointLagAfterEstablished
        self.bookmarkInterval = options.bookmarkInterval
        if let after = options.autoRolloutAfter {
            controller = ControllerSettings(rolloutAfter: after, readyAfter: options.markFluxReady ? after : nil)
        }
        for type in ResourceType.builtIns { types[Self.typeKey(type.group, type.version, type.plural)] = type }
        for name in ["default", "kube-system", "kube-public"] {
            let ns: KubeFakeJSON = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
            if let type = types[Self.typeKey("", "v1", "namespaces")] {
                _ = try? create(type: type, namespace: nil, body: ns, manager: "kube-apiserver", queryFieldManager: nil)
            }
        }
    }

    static func typeKey(_ group: String, _ version: String, _ plural: String) -> String {
        "\(group)/\(version)/\(plural)"
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Type lookup

    func routableType(group: String, version: String, plural: String) -> ResourceType? {
        let key = Self.typeKey(group, version, plural)
        guard !unroutable.contains(key) else { return nil }
        return types[key]
    }

    func type(apiVersion: String, kind: String) -> ResourceType? {
        let (group, version) = Self.splitAPIVersion(apiVersion)
        return types.values.first { $0.group == group && $0.version == version && $0.kind == kind }
    }

    static func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("", apiVersion)
    }

    // MARK: Storage

    static func objectKey(namespace: String?, name: String) -> String { "\(namespace ?? "")/\(name)" }

    func stored(_ type: ResourceType, namespace: String?, name: String) -> KubeFakeJSON? {
        objects[type.storageKey]?[Self.objectKey(namespace: type.namespaced ? namespace : nil, name: name)]
    }

    /// The object as a client of `type`'s version sees it.
    func presented(_ object: KubeFakeJSON, as type: ResourceType) -> KubeFakeJSON {
        var o = object
        o["apiVersion"] = .string(type.apiVersion)
        o["kind"] = .string(type.kind)
        return o
    }

    func nextResourceVersion() -> Int {
        resourceVersion += Int.random(in: 1...3)
        return resourceVersion
    }

    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Stores `object` (already carrying its new resourceVersion) and tells watchers.
    func put(_ type: ResourceType, _ object: KubeFakeJSON, eventType: String) {
        let namespace = object[path: ["metadata", "namespace"]]?.stringValue
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        let key = Self.objectKey(namespace: type.namespaced ? namespace : nil, name: name)
        if eventType == "DELETED" {
            objects[type.storageKey]?[key] = nil
        } else {
            objects[type.storageKey, default: [:]][key] = object
        }
        let rv = Int(object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? resourceVersion
        events.append(StoredEvent(resourceVersion: rv, storageKey: type.storageKey, type: eventType, object: object))
        if events.count > 20_000 {
            // History is bounded: trimming is a compaction, so older watches get 410 instead of silent gaps.
            events.removeFirst(events.count - 20_000)
            compactedBelow = max(compactedBelow, events.first?.resourceVersion ?? compactedBelow)
        }
        for watcher in watchers.values where watcher.selects(object, storageKey: type.storageKey) {
            send(eventType, presented(object, as: watcher.type), to: watcher, rv: rv)
        }
    }

    func send(_ eventType: String, _ object: KubeFakeJSON, to watcher: WatchRegistration, rv: Int) {
        let line: KubeFakeJSON = ["type": .string(eventType), "object": object]
        watcher.sink(.line(line.jsonString + "\n"))
        watcher.position = max(watcher.position, rv)
    }

    // MARK: Watches

    /// Registers a watch, replaying history first; throws 410 when `from` is older than the compaction mark.
    func registerWatch(
        type: ResourceType,
        namespace: String?,
        selector: ObjectSelector,
        from: String?,
        sendInitialEvents: Bool = false,
        sink: @escaping @Sendable (WatchOutput) -> Void
    ) throws -> Int {
        let id = nextWatchID
        nextWatchID += 1
        let requested = from.flatMap { Int($0) } ?? 0
        if let from, !from.isEmpty, from != "0", Int(from) == nil {
            throw KubeStatusError.badRequest("invalid resource version: \(from)")
        }
        if requested != 0 && requested < compactedBelow && !sendInitialEvents {
            throw KubeStatusError.expired(requested: requested, oldest: compactedBelow)
        }
        let registration = WatchRegistration(
            id: id,
            type: type,
            namespace: namespace,
            selector: selector,
            position: requested,
            sink: sink
        )
        if requested == 0 || sendInitialEvents {
            let current = (objects[type.storageKey] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
            for object in current where registration.selects(object, storageKey: type.storageKey) {
                let rv = Int(object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0
                send("ADDED", presented(object, as: type), to: registration, rv: rv)
            }
            registration.position = resourceVersion
            if sendInitialEvents {
                // WatchList: the end of the initial state is marked by an annotated BOOKMARK.
                let object: KubeFakeJSON = [
                    "kind": .string(type.kind), "apiVersion": .string(type.apiVersion),
                    "metadata": [
                        "resourceVersion": .string(String(resourceVersion)),
                        "annotations": ["k8s.io/initial-events-end": "true"],
                    ],
                ]
                sink(.line((["type": "BOOKMARK", "object": object] as KubeFakeJSON).jsonString + "\n"))
            }
        } else {
            for event in events
            where event.resourceVersion > requested
                && registration.selects(event.object, storageKey: event.storageKey)
            {
                send(event.type, presented(event.object, as: type), to: registration, rv: event.resourceVersion)
            }
        }
        watchers[id] = registration
        return id
    }

    func bookmark(_ id: Int) {
        guard let watcher = watchers[id] else { return }
        watcher.position = max(watcher.position, resourceVersion)
        let object: KubeFakeJSON = [
            "kind": .string(watcher.type.kind), "apiVersion": .string(watcher.type.apiVersion),
            "metadata": ["resourceVersion": .string(String(watcher.position))],
        ]
        watcher.sink(.line((["type": "BOOKMARK", "object": object] as KubeFakeJSON).jsonString + "\n"))
    }

    func endWatch(_ id: Int) {
        guard let watcher = watchers.removeValue(forKey: id) else { return }
        watcher.sink(.end)
    }

    func unregisterWatch(_ id: Int) {
        watchers[id] = nil
    }

    /// Marks history below `mark` as compacted; watches positioned before it get a mid-stream 410 ERROR.
    func compact(below mark: Int) {
        compactedBelow = max(compactedBelow, mark)
        events.removeAll { $0.resourceVersion < compactedBelow }
        for watcher in watchers.values where watcher.position < compactedBelow {
            let status = KubeStatusError.expired(requested: watcher.position, oldest: compactedBelow).status
            watcher.sink(.line((["type": "ERROR", "object": status] as KubeFakeJSON).jsonString + "\n"))
            endWatch(watcher.id)
        }
    }

    // MARK: Scheduling

    func schedule(after seconds: Double, _ work: @escaping @Sendable () -> Void) {
        let nanos = Int64(max(0, seconds) * 1_000_000_000)
        eventLoopGroup.next().scheduleTask(in: .nanoseconds(nanos)) { work() }
    }
}
