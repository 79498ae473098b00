import AsyncHTTPClient
import Foundation
import KubeFake
import NIOCore
import NIOHTTP1
import Testing

/// A response from the fake: status code, Content-Type and the body parsed as JSON (or `.null`).
struct FakeHTTPResponse {
    var status: Int
    var contentType: String
    var text: String
    var json: KubeFakeJSON

    /// `reason` of a Status body.
    var reason: String? { json["reason"]?.stringValue }
    /// `message` of a Status body.
    var message: String? { json["message"]?.stringValue }
    /// `metadata.resourceVersion`.
    var resourceVersion: String? { json[path: ["metadata", "resourceVersion"]]?.stringValue }
}

/// Talks to a KubeFakeServer over real HTTP with AsyncHTTPClient.
struct KubeFakeTestClient {
    let baseURL: String
    var userAgent = "kubefake-tests/1.0 (linux/amd64)"

    func send(
        _ method: HTTPMethod,
        _ path: String,
        body: String? = nil,
        contentType: String? = "application/json"
    ) async throws -> FakeHTTPResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let text = String(buffer: buffer)
        return FakeHTTPResponse(
            status: Int(response.status.code),
            contentType: response.headers.first(name: "content-type") ?? "",
            text: text,
            json: (try? KubeFakeJSON.parse(text)) ?? .null
        )
    }

    func get(_ path: String) async throws -> FakeHTTPResponse { try await send(.GET, path) }

    func post(_ path: String, _ body: KubeFakeJSON) async throws -> FakeHTTPResponse {
        try await send(.POST, path, body: body.jsonString)
    }

    func put(_ path: String, _ body: KubeFakeJSON) async throws -> FakeHTTPResponse {
        try await send(.PUT, path, body: body.jsonString)
    }

    func delete(_ path: String, _ body: KubeFakeJSON? = nil) async throws -> FakeHTTPResponse {
        try await send(.DELETE, path, body: body?.jsonString)
    }

    /// Server-side apply of a YAML or JSON document.
    func apply(
        _ path: String,
        _ document: String,
        manager: String? = "tests",
        force: Bool = false
    ) async throws
        -> FakeHTTPResponse
    {
        var query: [String] = []
        if let manager { query.append("fieldManager=\(manager)") }
        if force { query.append("force=true") }
        let separator = path.contains("?") ? "&" : "?"
        return try await send(
            .PATCH,
            path + (query.isEmpty ? "" : separator + query.joined(separator: "&")),
            body: document,
            contentType: "application/apply-patch+yaml"
        )
    }

    func patch(_ path: String, _ body: String, type: String) async throws -> FakeHTTPResponse {
        try await send(.PATCH, path, body: body, contentType: type)
    }

    /// Result of reading a watch stream.
    struct WatchResult {
        var status: Int
        var contentType: String
        var transferEncoding: String
        var events: [KubeFakeJSON]
        /// Whether the server ended the stream (rather than the reader stopping after `maxEvents`).
        var endedByServer: Bool

        var types: [String] { events.compactMap { $0["type"]?.stringValue } }
        var names: [String] { events.compactMap { $0[path: ["object", "metadata", "name"]]?.stringValue } }
    }

    /// Opens a watch and reads events until `maxEvents` arrived, the server ends the stream, or `deadline` passes.
    func watch(_ path: String, maxEvents: Int = .max, deadline: TimeAmount = .seconds(10)) async throws -> WatchResult {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "User-Agent", value: userAgent)
        let response = try await HTTPClient.shared.execute(request, deadline: .now() + deadline)
        var result = WatchResult(
            status: Int(response.status.code),
            contentType: response.headers.first(name: "content-type") ?? "",
            transferEncoding: response.headers.first(name: "transfer-encoding") ?? "",
            events: [],
            endedByServer: false
        )
        if response.status != .ok {
            let buffer = try await response.body.collect(upTo: 1 << 20)
            result.events = [(try? KubeFakeJSON.parse(String(buffer: buffer))) ?? .null]
            return result
        }
        var pending = ""
        var ended = true
        reading: for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let newline = pending.firstIndex(of: "\n") {
                let line = String(pending[..<newline])
                pending = String(pending[pending.index(after: newline)...])
                if !line.isEmpty { result.events.append(try KubeFakeJSON.parse(line)) }
                if result.events.count >= maxEvents {
                    ended = false
                    break reading
                }
            }
        }
        result.endedByServer = ended
        return result
    }
}

/// Starts a fake, runs `body` with it and a client, and always shuts the fake down.
func withKubeFake(
    _ options: KubeFakeOptions = KubeFakeOptions(crdEstablishDelay: 0),
    _ body: (KubeFakeServer, KubeFakeTestClient) async throws -> Void
) async throws {
    let fake = try await KubeFakeServer.start(options)
    do {
        try await body(fake, KubeFakeTestClient(baseURL: fake.baseURL))
    } catch {
        await fake.shutdown()
        throw error
    }
    await fake.shutdown()
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass.
func eventually(timeout: Double = 5, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

enum Fixtures {
    static let deploymentPath = "/apis/apps/v1/namespaces/default/deployments"

    static let deploymentYAML = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
          labels:
            app: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80
        """

    static func configMap(
        _ name: String,
        namespace: String = "default",
        data: KubeFakeJSON = ["a": "1"],
        labels: KubeFakeJSON? = nil
    )
        -> KubeFakeJSON
    {
        var metadata: KubeFakeJSON = ["name": .string(name), "namespace": .string(namespace)]
        if let labels { metadata["labels"] = labels }
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data]
    }

    static let gadgetCRD = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.example.org
        spec:
          group: example.org
          names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList, shortNames: [gd]}
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
                    required: [color]
                    properties:
                      color: {type: string, enum: [red, blue]}
                      size: {type: integer, minimum: 1}
                      parts:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [name]
                        items:
                          type: object
                          properties:
                            name: {type: string}
                            count: {type: integer}
                      tags:
                        type: array
                        items: {type: string}
                  status:
                    type: object
                    properties:
                      phase: {type: string}
                      observedGeneration: {type: integer}
                      conditions:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [type]
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type: {type: string}
                            status: {type: string, enum: ["True", "False", Unknown]}
                            reason: {type: string}
                            message: {type: string}
                            observedGeneration: {type: integer}
                            lastTransitionTime: {type: string, format: date-time}
        """

    static let gadgetPath = "/apis/example.org/v1/namespaces/default/gadgets"

    static func gadget(_ name: String, color: String = "red", extra: String = "") -> String {
        """
        apiVersion: example.org/v1
        kind: Gadget
        metadata:
          name: \(name)
          namespace: default
        spec:
          color: \(color)
        \(extra)
        """
    }
}
