import AsyncHTTPClient
import Foundation
import KubeFake
import NIOCore
import NIOHTTP1
import Yams

/// An error from the API server (a `Status` body), or one a client raises before any request (a kind the server
/// does not serve).
public struct TwinAPIError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status; 0 when the client raised it without a response.
    public var status: Int
    /// The Status `reason` (`NotFound`, `Invalid`, `Conflict`…); empty when there is none, as for a kind without a
    /// REST mapping.
    public var reason: String
    /// The Status `message`.
    public var message: String

    /// The message alone, as Go's `err.Error()` prints an API error.
    public var description: String { message }

    /// Whether the server answered 404 NotFound.
    public var isNotFound: Bool { status == 404 }

    /// controller-runtime's REST mapper fails this way when discovery does not list the kind: the text of
    /// `meta.NoKindMatchError` (k8s.io/apimachinery pkg/api/meta/errors.go) for one searched version.
    static func noKindMatch(kind: String, apiVersion: String) -> TwinAPIError {
        TwinAPIError(status: 0, reason: "", message: "no matches for kind \"\(kind)\" in version \"\(apiVersion)\"")
    }
}

/// One resource from discovery.
struct TwinResource: Sendable {
    var group: String
    var version: String
    var plural: String
    var namespaced: Bool

    func path(namespace: String?, name: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { path += "/namespaces/\(namespace)" }
        path += "/\(plural)"
        if let name { path += "/\(name)" }
        return path
    }
}

/// The twin's own small Kubernetes client, independent of the library's `KubeClient` (the code under test): plain
/// HTTP to kube-fake, discovery that is re-read on every miss (as controller-runtime's dynamic REST mapper does),
/// server-side apply with `dryRun=All`, merge patches of `/status`, deletes.
public actor TwinAPI {
    /// The API server, e.g. `http://127.0.0.1:6443`.
    public nonisolated let baseURL: String
    private var discovery: [String: [String: TwinResource]] = [:]

    /// A client for the server at `baseURL`.
    public init(baseURL: String) { self.baseURL = baseURL }

    /// Sends one request and returns the decoded body; a non-2xx answer throws ``TwinAPIError``.
    @discardableResult
    func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)] = [],
        body: KubeFakeJSON? = nil,
        contentType: String = "application/json",
        userAgent: String = "cluster-twin"
    ) async throws -> KubeFakeJSON {
        var url = baseURL + path
        if !query.isEmpty {
            url +=
                "?"
                + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }
                .joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "\(userAgent)/v2.9.4")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body.jsonString))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        let text = String(buffer: buffer)
        let json = (try? KubeFakeJSON.parse(text)) ?? .null
        let code = Int(response.status.code)
        guard (200..<300).contains(code) else {
            throw TwinAPIError(
                status: code,
                reason: json["reason"]?.stringValue ?? "",
                message: json["message"]?.stringValue ?? text
            )
        }
        return json
    }

    /// The resource serving `kind` in `apiVersion`, re-reading discovery on a miss.
    /// - Throws: the REST mapper's `no matches for kind` error when the server does not serve it.
    func resource(apiVersion: String, kind: String) async throws -> TwinResource {
        if let hit = discovery[apiVersion]?[kind] { return hit }
        let parts = apiVersion.split(separator: "/").map(String.init)
        let (group, version) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts.first ?? "v1")
        let document: KubeFakeJSON
        do {
            document = try await send(.GET, group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)")
        } catch let error as TwinAPIError where error.isNotFound {
            throw TwinAPIError.noKindMatch(kind: kind, apiVersion: apiVersion)
        }
        var kinds: [String: TwinResource] = [:]
        for entry in document["resources"]?.arrayValue ?? [] {
            guard let plural = entry["name"]?.stringValue, !plural.contains("/"),
                let entryKind = entry["kind"]?.stringValue
            else { continue }
            kinds[entryKind] = TwinResource(
                group: group,
                version: version,
                plural: plural,
                namespaced: entry["namespaced"]?.boolValue ?? false
            )
        }
        discovery[apiVersion] = kinds
        guard let hit = kinds[kind] else { throw TwinAPIError.noKindMatch(kind: kind, apiVersion: apiVersion) }
        return hit
    }

    /// One object, or `nil` when it does not exist.
    public func get(
        _ apiVersion: String,
        _ kind: String,
        namespace: String? = nil,
        name: String
    ) async throws
        -> KubeFakeJSON?
    {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        do {
            return try await send(.GET, resource.path(namespace: namespace, name: name))
        } catch let error as TwinAPIError where error.isNotFound {
            return nil
        }
    }

    /// Every object of a kind (in one namespace, or in all), optionally selected by labels.
    public func list(
        _ apiVersion: String,
        _ kind: String,
        namespace: String? = nil,
        labelSelector: String? = nil
    )
        async throws -> [KubeFakeJSON]
    {
        let found: TwinResource
        do {
            found = try await resource(apiVersion: apiVersion, kind: kind)
        } catch let error as TwinAPIError where error.status == 0 {
            return []
        }
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        let list = try await send(.GET, found.path(namespace: namespace), query: query)
        return (list["items"]?.arrayValue ?? []).map { item in
            var item = item
            item["apiVersion"] = .string(apiVersion)
            item["kind"] = .string(kind)
            return item
        }
    }

    /// Server-side apply of one object, with `force` (Flux always forces ownership) and optionally `dryRun=All`.
    @discardableResult
    public func apply(_ object: KubeFakeJSON, fieldManager: String, dryRun: Bool = false) async throws -> KubeFakeJSON {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        var query = [("fieldManager", fieldManager), ("force", "true")]
        if dryRun { query.append(("dryRun", "All")) }
        return try await send(
            .PATCH,
            resource.path(namespace: object[path: ["metadata", "namespace"]]?.stringValue, name: name),
            query: query,
            body: object,
            contentType: "application/apply-patch+yaml",
            userAgent: fieldManager
        )
    }

    /// A JSON merge patch of the object (or of its `status` subresource).
    @discardableResult
    public func mergePatch(
        _ apiVersion: String,
        _ kind: String,
        namespace: String?,
        name: String,
        patch: KubeFakeJSON,
        status: Bool = false,
        fieldManager: String
    ) async throws -> KubeFakeJSON {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        return try await send(
            .PATCH,
            resource.path(namespace: namespace, name: name) + (status ? "/status" : ""),
            query: [("fieldManager", fieldManager)],
            body: patch,
            contentType: "application/merge-patch+json",
            userAgent: fieldManager
        )
    }

    /// Creates an object (POST); the server fills in what it defaults.
    @discardableResult
    public func create(_ object: KubeFakeJSON, fieldManager: String) async throws -> KubeFakeJSON {
        let resource = try await resource(
            apiVersion: object["apiVersion"]?.stringValue ?? "",
            kind: object["kind"]?.stringValue ?? ""
        )
        return try await send(
            .POST,
            resource.path(namespace: object[path: ["metadata", "namespace"]]?.stringValue),
            query: [("fieldManager", fieldManager)],
            body: object,
            userAgent: fieldManager
        )
    }

    /// Deletes an object; `false` when it was already gone.
    @discardableResult
    public func delete(_ apiVersion: String, _ kind: String, namespace: String?, name: String) async throws -> Bool {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        do {
            try await send(
                .DELETE,
                resource.path(namespace: namespace, name: name),
                body: ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"]
            )
            return true
        } catch let error as TwinAPIError where error.isNotFound {
            return false
        }
    }
}

extension KubeFakeJSON {
    /// Every document of a YAML stream (`---` separated), skipping empty ones.
    public static func parseYAMLDocuments(_ text: String) throws -> [KubeFakeJSON] {
        var documents: [KubeFakeJSON] = []
        for node in try Yams.compose_all(yaml: text) {
            let document = try KubeFakeJSON.parseYAML(try Yams.serialize(node: node))
            if case .object(let map) = document, !map.isEmpty { documents.append(document) }
        }
        return documents
    }

    /// `metadata.name`, or empty.
    public var name: String { self[path: ["metadata", "name"]]?.stringValue ?? "" }
    /// `metadata.namespace`, if any.
    public var namespace: String? { self[path: ["metadata", "namespace"]]?.stringValue }
    /// `kind`, or empty.
    public var kind: String { self["kind"]?.stringValue ?? "" }
    /// `apiVersion`, or empty.
    public var apiVersion: String { self["apiVersion"]?.stringValue ?? "" }
    /// The group of `apiVersion` (empty for the core group).
    public var group: String {
        let parts = apiVersion.split(separator: "/")
        return parts.count == 2 ? String(parts[0]) : ""
    }
    /// The `status.conditions` entry of `type`.
    public func condition(_ type: String) -> KubeFakeJSON? {
        self[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }
    /// Whether `metadata.deletionTimestamp` is set.
    public var isDeleting: Bool { self[path: ["metadata", "deletionTimestamp"]] != nil }
    /// `metadata.finalizers`.
    public var finalizers: [String] { self[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    /// `metadata.generation`, or 0.
    public var generation: Int64 { self[path: ["metadata", "generation"]]?.intValue ?? 0 }
}

/// A condition as Kubernetes API conventions write it, with `observedGeneration` and a transition time that only
/// moves when the status changes.
func twinCondition(
    _ type: String,
    _ status: String,
    reason: String,
    message: String,
    generation: Int64,
    previous: KubeFakeJSON?
) -> KubeFakeJSON {
    let now = ISO8601DateFormatter().string(from: Date())
    let transition =
        previous?["status"]?.stringValue == status ? (previous?["lastTransitionTime"] ?? .string(now)) : .string(now)
    return [
        "type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
        "observedGeneration": .int(generation), "lastTransitionTime": transition,
    ]
}
