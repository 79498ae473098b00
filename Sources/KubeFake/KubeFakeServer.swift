import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A fake Kubernetes API server on 127.0.0.1 (see shared/reference/kube-fake-spec.md), with test controls.
///
/// ```swift
/// let fake = try await KubeFakeServer.start(KubeFakeOptions(crdEstablishDelay: 0))
/// // point the client under test at fake.baseURL, then assert on fake.requestLog / fake.object(…)
/// try fake.advanceRollout(namespace: "default", name: "web", stage: .complete)
/// await fake.shutdown()
/// ```
public final class KubeFakeServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    let cluster: FakeCluster

    /// The port the server listens on.
    public let port: Int

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, cluster: FakeCluster, port: Int) {
        self.group = group
        self.channel = channel
        self.cluster = cluster
        self.port = port
    }

    /// Starts a server and returns once it is listening.
    public static func start(_ options: KubeFakeOptions = KubeFakeOptions()) async throws -> KubeFakeServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let cluster = FakeCluster(eventLoopGroup: group, options: options)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.backlog, value: 256)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(KubeHTTPHandler(cluster: cluster))
                    }
                }
                .childChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .bind(host: "127.0.0.1", port: options.port)
                .get()
            let port = channel.localAddress?.port ?? options.port
            cluster.withLock { cluster.port = port }
            return KubeFakeServer(group: group, channel: channel, cluster: cluster, port: port)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Ends every watch, closes the listener and stops the event loop.
    public func shutdown() async {
        dropWatches()
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    // MARK: Controls

    /// Seconds until new CRDs become Established; `nil` means never.
    public func setCRDEstablishDelay(_ seconds: Double?) {
        cluster.withLock { cluster.crdEstablishDelay = seconds }
    }

    /// After Established, keep a CRD's endpoints at 404 this many seconds longer.
    public func setEndpointLag(_ seconds: Double) {
        cluster.withLock { cluster.endpointLag = seconds }
    }

    /// Establishes a CRD now, whatever the delay setting.
    public func establishCRD(named name: String) {
        cluster.withLock { cluster.establish(name: name) }
    }

    /// Forgets history below `resourceVersion`: watches from older versions get 410 Expired, and open watches
    /// positioned before it get an ERROR event and end.
    public func compact(below resourceVersion: String) {
        cluster.withLock { cluster.compact(below: Int(resourceVersion) ?? 0) }
    }

    /// The newest resourceVersion handed out.
    public var currentResourceVersion: String {
        cluster.withLock { String(cluster.resourceVersion) }
    }

    /// Makes the next `times` requests with `method` (or `*`) whose path starts with `pathPrefix` fail with
    /// `status` and a Status body carrying the matching reason.
    public func failNext(
        method: String = "*",
        pathPrefix: String,
        status: Int,
        message: String = "injected failure",
        times: Int = 1
    ) {
        cluster.withLock {
            cluster.faults.append(
                InjectedFault(method: method, pathPrefix: pathPrefix, status: status, message: message, remaining: times)
            )
        }
    }

    /// Delays every response to a path starting with `pathPrefix` by `seconds` (0 removes the delay).
    public func delayResponses(pathPrefix: String = "/", seconds: Double) {
        cluster.withLock {
            cluster.responseDelays.removeAll { $0.pathPrefix == pathPrefix }
            if seconds > 0 { cluster.responseDelays.append((pathPrefix, seconds)) }
        }
    }

    /// Ends every open watch stream (cleanly), so clients must reconnect.
    public func dropWatches() {
        cluster.withLock {
            for id in cluster.watchers.keys { cluster.endWatch(id) }
        }
    }

    /// How many watches are open.
    public var openWatchCount: Int { cluster.withLock { cluster.watchers.count } }

    /// Every request answered so far, oldest first.
    public var requestLog: [KubeFakeRequestRecord] { cluster.withLock { cluster.requestLog } }

    /// Empties the request log.
    public func clearRequestLog() {
        cluster.withLock { cluster.requestLog.removeAll() }
    }

    /// Turns controller mode on (or off with `nil`): Deployments roll out and Flux objects turn Ready after `after`
    /// seconds.
    public func setControllerMode(after seconds: Double?) {
        cluster.withLock {
            cluster.controller = seconds.map { FakeCluster.ControllerSettings(rolloutAfter: $0, readyAfter: $0) }
        }
    }

    // MARK: State and drivers

    /// The stored object, as a client of `apiVersion` would read it; `nil` when absent or the kind is unknown.
    public func object(apiVersion: String, kind: String, namespace: String? = nil, name: String) -> KubeFakeJSON? {
        cluster.withLock {
            guard let type = cluster.type(apiVersion: apiVersion, kind: kind),
                let object = cluster.stored(type, namespace: namespace, name: name)
            else { return nil }
            return cluster.presented(object, as: type)
        }
    }

    /// Every stored object of a kind (in one namespace, or all), sorted by namespace and name.
    public func objects(apiVersion: String, kind: String, namespace: String? = nil) -> [KubeFakeJSON] {
        cluster.withLock {
            guard let type = cluster.type(apiVersion: apiVersion, kind: kind) else { return [] }
            return (cluster.objects[type.storageKey] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
                .filter { namespace == nil || $0[path: ["metadata", "namespace"]]?.stringValue == namespace }
                .map { cluster.presented($0, as: type) }
        }
    }

    /// Moves a Deployment's status one rollout step (or to the end, or to ProgressDeadlineExceeded) through
    /// its `/status` subresource. Returns the updated Deployment.
    @discardableResult
    public func advanceRollout(namespace: String, name: String, stage: RolloutStage = .nextStep) throws -> KubeFakeJSON {
        try cluster.withLock { try cluster.advanceRollout(namespace: namespace, name: name, stage: stage) }
    }

    /// Sets one condition in `status.conditions` (with `observedGeneration`), e.g. Flux `Ready=True`.
    @discardableResult
    public func setCondition(
        apiVersion: String,
        kind: String,
        namespace: String? = nil,
        name: String,
        type: String,
        status: String = "True",
        reason: String = "Succeeded",
        message: String = ""
    ) throws -> KubeFakeJSON {
        try cluster.withLock {
            try cluster.setCondition(
                apiVersion: apiVersion,
                kind: kind,
                namespace: namespace,
                name: name,
                type: type,
                status: status,
                reason: reason,
                message: message
            )
        }
    }

    /// Clears an object's finalizers; if it is being deleted it then disappears.
    public func removeFinalizers(apiVersion: String, kind: String, namespace: String? = nil, name: String) throws {
        try cluster.withLock {
            try cluster.removeFinalizers(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        }
    }
}
