import AsyncHTTPClient
import EKSAWS
import Foundation
import NIOCore

/// What a watch reports.
public enum KubeWatchEvent: Sendable {
    /// The full current state from a (re)list: at the start, and again after the server said the resourceVersion
    /// was too old (410). Consumers should treat it as "replace everything you know".
    case listed([JSONValue], resourceVersion: String)
    /// An object appeared.
    case added(JSONValue)
    /// An object changed.
    case modified(JSONValue)
    /// An object was deleted.
    case deleted(JSONValue)
}

extension KubeClient {
    /// Watches a kind: first a list (reported as ``KubeWatchEvent/listed(_:resourceVersion:)``), then the events after
    /// it. A connection that drops or times out is resumed from the last resourceVersion seen; when that version is
    /// too old (410 Expired, as a response or as an `ERROR` event) the client lists again and continues from there.
    ///
    /// The stream ends when the consumer stops iterating; it fails after repeated connection failures without
    /// progress, or on a Status error other than 410.
    public func watch(
        apiVersion: String,
        kind: String,
        namespace: String? = nil,
        allNamespaces: Bool = false,
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        timeoutSeconds: Int = 240
    ) -> AsyncThrowingStream<KubeWatchEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<KubeWatchEvent, any Error>.makeStream()
        let task = Task {
            do {
                try await self.runWatch(
                    apiVersion: apiVersion,
                    kind: kind,
                    namespace: namespace,
                    allNamespaces: allNamespaces,
                    labelSelector: labelSelector,
                    fieldSelector: fieldSelector,
                    timeoutSeconds: timeoutSeconds,
                    continuation: continuation
                )
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private enum WatchEnd { case ended, expired }

    private func runWatch(
        apiVersion: String,
        kind: String,
        namespace: String?,
        allNamespaces: Bool,
        labelSelector: String?,
        fieldSelector: String?,
        timeoutSeconds: Int,
        continuation: AsyncThrowingStream<KubeWatchEvent, any Error>.Continuation
    ) async throws {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let ns = resource.namespaced && !allNamespaces ? (namespace ?? configuration.defaultNamespace) : nil
        func relist() async throws -> String {
            let list = try await self.list(
                apiVersion: apiVersion,
                kind: kind,
                namespace: ns,
                allNamespaces: ns == nil,
                labelSelector: labelSelector,
                fieldSelector: fieldSelector
            )
            continuation.yield(.listed(list.items, resourceVersion: list.resourceVersion))
            return list.resourceVersion
        }
        var resourceVersion = try await relist()
        var failures = 0
        while !Task.isCancelled {
            var query: [(String, String)] = [
                ("watch", "true"), ("resourceVersion", resourceVersion), ("allowWatchBookmarks", "true"),
                ("timeoutSeconds", String(timeoutSeconds)),
            ]
            if let labelSelector { query.append(("labelSelector", labelSelector)) }
            if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
            let end: WatchEnd
            do {
                end = try await watchOnce(
                    path: resource.path(namespace: ns),
                    query: query,
                    timeoutSeconds: timeoutSeconds,
                    kind: kind
                ) { type, object in
                    if let version = object["metadata"]?["resourceVersion"]?.stringValue, !version.isEmpty {
                        resourceVersion = version
                    }
                    failures = 0
                    switch type {
                    case "ADDED": continuation.yield(.added(object))
                    case "MODIFIED": continuation.yield(.modified(object))
                    case "DELETED": continuation.yield(.deleted(object))
                    default: break  // BOOKMARK: only the resourceVersion matters
                    }
                }
            } catch let error as KubeClientError where error.isGone {
                end = .expired
            } catch let error as KubeClientError
                where error.code == .transport || error.code == .invalidResponse
                || (error.code == .apiStatus && (error.statusCode ?? 0 >= 500 || error.statusCode == 429))
            {
                failures += 1
                if failures >= 6 || Task.isCancelled { throw error }
                try await Task.sleep(for: .milliseconds(min(2000, 100 << failures)))
                continue
            }
            switch end {
            case .ended: continue
            case .expired: resourceVersion = try await relist()
            }
        }
    }

    /// One watch connection: reads newline-delimited `{"type","object"}` events until the server ends the stream.
    private func watchOnce(
        path: String,
        query: [(String, String)],
        timeoutSeconds: Int,
        kind: String,
        onEvent: (String, JSONValue) throws -> Void
    ) async throws -> WatchEnd {
        let request = try await makeRequest(.GET, path, query: query, body: nil, contentType: nil, forceRefresh: false)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(Int64(timeoutSeconds + 60)))
        } catch {
            throw transportError(error, method: .GET, path: path)
        }
        let status = Int(response.status.code)
        guard status == 200 else {
            var buffer = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
            let body = buffer.readBytes(length: buffer.readableBytes) ?? []
            if let error = KubeClientError.fromStatus(body: body, statusCode: status, object: kind) { throw error }
            throw invalidResponse(status: status, headers: response.headers, body: body, method: .GET, path: path)
        }
        var pending: [UInt8] = []
        do {
            for try await chunk in response.body {
                pending.append(contentsOf: chunk.readableBytesView)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if try handleLine(line, kind: kind, onEvent: onEvent) == .expired { return .expired }
                }
            }
        } catch let error as KubeClientError {
            throw error
        } catch {
            throw transportError(error, method: .GET, path: path)
        }
        if !pending.isEmpty, try handleLine(pending, kind: kind, onEvent: onEvent) == .expired { return .expired }
        return .ended
    }

    private func handleLine(_ line: [UInt8], kind: String, onEvent: (String, JSONValue) throws -> Void) throws -> WatchEnd {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { return .ended }
        guard let event = try? JSONDecoder().decode(JSONValue.self, from: Data(line)),
            let type = event["type"]?.stringValue, let object = event["object"]
        else {
            throw KubeClientError(
                .invalidResponse,
                "\(serverName) sent a watch line that is not a {type, object} event: "
                    + "\"\(String(decoding: line.prefix(200), as: UTF8.self))\""
            )
        }
        if type == "ERROR" {
            let body = (try? JSONEncoder().encode(object)).map(Array.init) ?? []
            let code: Int = {
                if case .integer(let value)? = object["code"] { return value }
                return 500
            }()
            let error =
                KubeClientError.fromStatus(body: body, statusCode: code, object: kind)
                ?? KubeClientError(.apiStatus, "watch error event", statusCode: code, object: kind)
            if error.isGone { return .expired }
            throw error
        }
        try onEvent(type, object)
        return .ended
    }
}
