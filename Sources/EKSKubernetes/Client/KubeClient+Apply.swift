import EKSAWS
import Foundation

extension KubeClient {
    /// Server-side applies one object (`PATCH` with `application/apply-patch+yaml`, `fieldManager` from the
    /// configuration) and returns the object as the server stored it.
    ///
    /// Namespaced objects without `metadata.namespace` go to the default namespace. A conflict with another field
    /// manager throws ``KubeClientError`` (reason `Conflict`) whose message names that manager and the fields; pass
    /// `force` to take the fields over. A custom resource whose endpoint is not there yet although discovery lists
    /// it (the Established race) is retried briefly.
    @discardableResult
    public func apply(_ object: JSONValue, force: Bool = false) async throws -> JSONValue {
        guard case .object(var map) = object else {
            throw KubeClientError(.invalidObject, "an object to apply must be a mapping")
        }
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else {
            throw KubeClientError(.invalidObject, "the object has no apiVersion or kind")
        }
        guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw KubeClientError(.invalidObject, "the \(kind) has no metadata.name", object: kind)
        }
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        var namespace: String?
        if resource.namespaced {
            namespace = object["metadata"]?["namespace"]?.stringValue ?? configuration.defaultNamespace
            if case .object(var metadata)? = map["metadata"] {
                metadata["namespace"] = .string(namespace ?? configuration.defaultNamespace)
                map["metadata"] = .object(metadata)
            }
        }
        let body = try JSONEncoder().encode(JSONValue.object(map))
        var query = [("fieldManager", configuration.fieldManager)]
        if force { query.append(("force", "true")) }
        let label = Self.describe(kind, namespace, name)
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await sendJSON(
                    .PATCH,
                    resource.path(namespace: namespace, name: name),
                    query: query,
                    body: Array(body),
                    contentType: "application/apply-patch+yaml",
                    object: label
                )
            } catch let error as KubeClientError
                where error.isNotFound && error.message == "the server could not find the requested resource"
                && attempt < 8
            {
                // The route lags discovery right after a CRD is Established; a short retry covers it.
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    /// Server-side applies a typed model (any `Encodable` Kubernetes object).
    @discardableResult
    public func apply<T: Encodable & Sendable>(_ object: T, force: Bool = false) async throws -> JSONValue {
        try await apply(try JSONValue(encoding: object), force: force)
    }
}
