import EKSAWS
import Foundation
import NIOHTTP1

/// One served resource type, from discovery.
public struct APIResource: Sendable, Equatable {
    /// The API group (`""` for core).
    public var group: String
    public var version: String
    /// The plural resource name used in paths, e.g. `deployments`.
    public var plural: String
    /// The kind, e.g. `Deployment`.
    public var kind: String
    /// Whether objects live in namespaces.
    public var namespaced: Bool

    /// `v1` or `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The collection path, in `namespace` for namespaced kinds.
    public func path(namespace: String?, name: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { path += "/namespaces/\(Self.segment(namespace))" }
        path += "/\(plural)"
        if let name { path += "/\(Self.segment(name))" }
        return path
    }

    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:@")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension KubeClient {
    /// The resource type serving `kind` in `apiVersion`. Discovery is cached per group/version and fetched again on
    /// a miss (e.g. after a CRD became Established).
    /// - Throws: ``KubeClientError`` `.unknownKind` when the cluster does not serve it ("CRD not installed").
    public func resource(apiVersion: String, kind: String) async throws -> APIResource {
        if let hit = state.withLock({ $0.discovery[apiVersion] })?.first(where: { $0.kind == kind }) { return hit }
        let list = try await discover(apiVersion: apiVersion)
        if let hit = list.first(where: { $0.kind == kind }) { return hit }
        throw KubeClientError(
            .unknownKind,
            "no kind \"\(kind)\" is served in \"\(apiVersion)\": CRD not installed? Install the "
                + "CustomResourceDefinition for \(kind) (or apply it in the same manifest) first",
            reason: "NotFound",
            object: kind
        )
    }

    /// Fetches (and caches) the resource list of one group/version; an unknown group/version gives an empty list.
    @discardableResult
    public func discover(apiVersion: String) async throws -> [APIResource] {
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let (group, version): (String, String)
        switch parts.count {
        case 1: (group, version) = ("", parts[0])
        case 2: (group, version) = (parts[0], parts[1])
        default: throw KubeClientError(.invalidObject, "malformed apiVersion \"\(apiVersion)\"")
        }
        let path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let document: JSONValue
        do {
            document = try await sendJSON(.GET, path)
        } catch let error as KubeClientError where error.isNotFound {
            state.withLock { $0.discovery[apiVersion] = [] }
            return []
        }
        var resources: [APIResource] = []
        for entry in document["resources"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, !name.contains("/"), let kind = entry["kind"]?.stringValue
            else { continue }
            let namespaced: Bool = {
                if case .bool(let flag)? = entry["namespaced"] { return flag }
                return false
            }()
            resources.append(APIResource(group: group, version: version, plural: name, kind: kind, namespaced: namespaced))
        }
        state.withLock { $0.discovery[apiVersion] = resources }
        return resources
    }

    /// Forgets cached discovery (all of it, or one group/version).
    public func invalidateDiscovery(apiVersion: String? = nil) {
        state.withLock {
            if let apiVersion { $0.discovery[apiVersion] = nil } else { $0.discovery.removeAll() }
        }
    }

    // MARK: - Reads and deletes
    //
    // `namespace` means the same everywhere: the namespace of a namespaced kind, `nil` for the configuration's
    // default namespace; it is ignored for cluster-scoped kinds. Lists and watches across every namespace say so
    // with `allNamespaces: true`.

    /// One object, or `nil` when it does not exist.
    public func get(apiVersion: String, kind: String, name: String, namespace: String? = nil) async throws -> JSONValue? {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let ns = resource.namespaced ? (namespace ?? configuration.defaultNamespace) : nil
        do {
            return try await sendJSON(
                .GET,
                resource.path(namespace: ns, name: name),
                object: Self.describe(kind, ns, name)
            )
        } catch let error as KubeClientError where error.isNotFound && error.reason == "NotFound" {
            return nil
        }
    }

    /// A list result.
    public struct ObjectList: Sendable {
        /// The objects.
        public var items: [JSONValue]
        /// The list's resourceVersion (where a watch should start).
        public var resourceVersion: String
    }

    /// Lists objects of a kind: in `namespace` (the default namespace when `nil`), or in every namespace with
    /// `allNamespaces`; cluster-scoped kinds ignore both.
    public func list(
        apiVersion: String,
        kind: String,
        namespace: String? = nil,
        allNamespaces: Bool = false,
        labelSelector: String? = nil,
        fieldSelector: String? = nil
    ) async throws -> ObjectList {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let scope = resource.namespaced && !allNamespaces ? (namespace ?? configuration.defaultNamespace) : nil
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        let document = try await sendJSON(
            .GET,
            resource.path(namespace: scope),
            query: query,
            object: kind
        )
        return ObjectList(
            items: document["items"]?.arrayValue ?? [],
            resourceVersion: document["metadata"]?["resourceVersion"]?.stringValue ?? ""
        )
    }

    /// One typed object (`get(apps.v1.Deployment.self, name: "web", in: "shop")`), or `nil` when it does not
    /// exist.
    /// - Throws: ``KubeClientError`` `.invalidResponse` when the server's object does not decode as `Object`.
    public func get<Object: KubernetesObject>(
        _ type: Object.Type,
        name: String,
        in namespace: String? = nil
    ) async throws -> Object? {
        guard let value = try await get(apiVersion: Object.apiVersion, kind: Object.kind, name: name, namespace: namespace)
        else { return nil }
        return try Self.decode(value, as: Object.self)
    }

    /// Typed objects of a kind, with ``list(apiVersion:kind:namespace:allNamespaces:labelSelector:fieldSelector:)``'s
    /// namespace rules.
    public func list<Object: KubernetesObject>(
        _ type: Object.Type,
        in namespace: String? = nil,
        allNamespaces: Bool = false,
        labelSelector: String? = nil
    ) async throws -> [Object] {
        let list = try await list(
            apiVersion: Object.apiVersion,
            kind: Object.kind,
            namespace: namespace,
            allNamespaces: allNamespaces,
            labelSelector: labelSelector
        )
        return try list.items.map { try Self.decode($0, as: Object.self) }
    }

    static func decode<Object: KubernetesObject>(_ value: JSONValue, as type: Object.Type) throws -> Object {
        do {
            return try value.decode(as: Object.self)
        } catch {
            let name = value["metadata"]?["name"]?.stringValue ?? "?"
            throw KubeClientError(
                .invalidResponse,
                "\(Object.kind) \(name) from the API server does not decode as \(Object.apiVersion) \(Object.kind): \(error)"
            )
        }
    }

    /// How dependents are deleted.
    public enum PropagationPolicy: String, Sendable {
        /// Dependents are deleted in the background.
        case background = "Background"
        /// The object stays until its dependents are gone.
        case foreground = "Foreground"
        /// Dependents are left behind.
        case orphan = "Orphan"
    }

    /// Deletes an object. Returns `false` when it did not exist. With `waitUntilGone`, returns only once the object
    /// has disappeared (finalizers done), or throws a timeout naming what is still pending.
    @discardableResult
    public func delete(
        apiVersion: String,
        kind: String,
        name: String,
        namespace: String? = nil,
        propagationPolicy: PropagationPolicy = .background,
        waitUntilGone: Duration? = nil
    ) async throws -> Bool {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let ns = resource.namespaced ? (namespace ?? configuration.defaultNamespace) : nil
        let body = Array(
            "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"\(propagationPolicy.rawValue)\"}"
                .utf8
        )
        do {
            _ = try await send(
                .DELETE,
                resource.path(namespace: ns, name: name),
                body: body,
                contentType: "application/json",
                object: Self.describe(kind, ns, name)
            )
        } catch let error as KubeClientError where error.isNotFound && error.reason == "NotFound" {
            return false
        }
        if let waitUntilGone {
            try await waitUntilDeleted(apiVersion: apiVersion, kind: kind, name: name, namespace: ns, timeout: waitUntilGone)
        }
        return true
    }

    /// `Kind ns/name` or `Kind name`.
    static func describe(_ kind: String, _ namespace: String?, _ name: String) -> String {
        namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)"
    }
}
