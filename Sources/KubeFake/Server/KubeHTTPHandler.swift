import Foundation
import NIOCore
import NIOHTTP1

/// Turns HTTP/1.1 requests into calls on the cluster, and streams watches as chunked JSON lines.
final class KubeHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let cluster: FakeCluster
    private var head: HTTPRequestHead?
    private var body = Data()
    private var watchID: Int?
    private var watchTimers: [Scheduled<Void>] = []
    private var repeating: [RepeatedTask] = []
    private var busy = false

    init(cluster: FakeCluster) {
        self.cluster = cluster
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = Data()
        case .body(var buffer):
            if let bytes = buffer.readBytes(length: buffer.readableBytes) { body.append(contentsOf: bytes) }
        case .end:
            guard let head else { return }
            self.head = nil
            handle(head, body, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatch()
        context.fireChannelInactive()
    }

    private func stopWatch() {
        for timer in watchTimers { timer.cancel() }
        watchTimers = []
        for task in repeating { task.cancel() }
        repeating = []
        if let id = watchID {
            cluster.withLock { cluster.unregisterWatch(id) }
            watchID = nil
        }
    }

    private func handle(_ head: HTTPRequestHead, _ body: Data, context: ChannelHandlerContext) {
        let request = FakeRequest(
            method: head.method.rawValue,
            uri: head.uri,
            contentType: head.headers.first(name: "content-type") ?? "",
            userAgent: head.headers.first(name: "user-agent") ?? "",
            body: body
        )
        let keepAlive = head.isKeepAlive
        let (response, delay) = cluster.withLock { () -> (FakeResponse, Double) in
            let delay = cluster.responseDelays.filter { request.path.hasPrefix($0.pathPrefix) }.map(\.seconds).max() ?? 0
            return (cluster.route(request), delay)
        }
        let loop = context.eventLoop.assumeIsolated()
        if delay > 0 {
            loop.scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) {
                self.respond(response, request: request, keepAlive: keepAlive, context: context)
            }
        } else {
            respond(response, request: request, keepAlive: keepAlive, context: context)
        }
    }

    private func respond(_ response: FakeResponse, request: FakeRequest, keepAlive: Bool, context: ChannelHandlerContext) {
        switch response {
        case .json(let status, let body):
            log(request, status)
            writeFull(
                status: status,
                contentType: "application/json",
                body: body.jsonString,
                keepAlive: keepAlive,
                context: context
            )
        case .text(let status, let body):
            log(request, status)
            writeFull(
                status: status,
                contentType: "text/plain; charset=utf-8",
                body: body,
                keepAlive: keepAlive,
                context: context
            )
        case .watch(let plan):
            startWatch(plan, request: request, context: context)
        }
    }

    private func log(_ request: FakeRequest, _ status: Int) {
        let record = KubeFakeRequestRecord(
            method: request.method,
            path: request.path,
            query: request.rawQuery,
            contentType: request.contentType,
            body: String(decoding: request.body, as: UTF8.self),
            userAgent: request.userAgent,
            status: status
        )
        cluster.withLock {
            cluster.requestLog.append(record)
            if cluster.requestLog.count > 10_000 { cluster.requestLog.removeFirst(cluster.requestLog.count - 10_000) }
        }
    }

    private func writeFull(status: Int, contentType: String, body: String, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Cache-Control", value: "no-cache, private")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func startWatch(_ plan: WatchPlan, request: FakeRequest, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let sink: @Sendable (WatchOutput) -> Void = { output in
            loop.execute { bound.value.handler.deliver(output, context: bound.value.context) }
        }
        let id: Int
        do {
            id = try cluster.withLock {
                try cluster.registerWatch(
                    type: plan.type,
                    namespace: plan.namespace,
                    selector: plan.selector,
                    from: plan.from,
                    sendInitialEvents: plan.sendInitialEvents,
                    sink: sink
                )
            }
        } catch let error as KubeStatusError {
            log(request, error.code)
            writeFull(
                status: error.code,
                contentType: "application/json",
                body: error.status.jsonString,
                keepAlive: false,
                context: context
            )
            return
        } catch {
            writeFull(status: 500, contentType: "text/plain", body: "\(error)", keepAlive: false, context: context)
            return
        }
        log(request, 200)
        watchID = id
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "Cache-Control", value: "no-cache, private")
        context.writeAndFlush(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
            promise: nil
        )
        let isolated = loop.assumeIsolated()
        let shared = self.cluster
        if let timeout = plan.timeoutSeconds, timeout > 0 {
            watchTimers.append(
                isolated.scheduleTask(in: .nanoseconds(Int64(timeout * 1e9))) {
                    shared.withLock { shared.endWatch(id) }
                }
            )
        }
        if plan.bookmarks {
            cluster.withLock { cluster.bookmark(id) }
            let interval = cluster.withLock { cluster.bookmarkInterval }
            if interval > 0 {
                let step = TimeAmount.nanoseconds(Int64(interval * 1e9))
                repeating.append(
                    loop.scheduleRepeatedTask(initialDelay: step, delay: step) { _ in
                        shared.withLock { shared.bookmark(id) }
                    }
                )
            }
        }
    }

    private func deliver(_ output: WatchOutput, context: ChannelHandlerContext) {
        guard watchID != nil, context.channel.isActive else { return }
        switch output {
        case .line(let line):
            var buffer = context.channel.allocator.buffer(capacity: line.utf8.count)
            buffer.writeString(line)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end:
            stopWatch()
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
