import EKSAWS
import Foundation

extension KubeClient {
    /// Patch formats other than server-side apply.
    public enum PatchType: String, Sendable {
        /// RFC 7386 JSON merge patch.
        case merge = "application/merge-patch+json"
        /// RFC 6902 JSON patch.
        case json = "application/json-patch+json"
        /// Strategic merge patch (built-in kinds only).
        case strategic = "application/strategic-merge-patch+json"
    }

    /// Patches an object (or its `status` subresource) and returns the stored object. `fieldManager` defaults to
    /// the configuration's; the server records the change as an Update by that manager.
    @discardableResult
    public func patch(
        apiVersion: String,
        kind: String,
        name: String,
        namespace: String? = nil,
        patch: JSONValue,
        type: PatchType = .merge,
        subresource: String? = nil,
        fieldManager: String? = nil
    ) async throws -> JSONValue {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let ns = resource.namespaced ? (namespace ?? configuration.defaultNamespace) : nil
        var path = resource.path(namespace: ns, name: name)
        if let subresource { path += "/\(subresource)" }
        return try await sendJSON(
            .PATCH,
            path,
            query: [("fieldManager", fieldManager ?? configuration.fieldManager)],
            body: Array(try JSONEncoder().encode(patch)),
            contentType: type.rawValue,
            object: Self.describe(kind, ns, name)
        )
    }
}
