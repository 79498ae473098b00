/// A failed API call, answered as a `metav1.Status` body with the apiserver's reason strings.
public struct KubeStatusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP status code, e.g. 404.
    public var code: Int
    /// `metav1.StatusReason`, e.g. `NotFound`.
    public var reason: String
    /// Human-readable message, exactly as a real apiserver phrases it.
    public var message: String
    /// `details` member (may hold `name`, `group`, `kind`, `uid`, `causes`).
    public var details: KubeFakeJSON

    /// Creates an error.
    public init(code: Int, reason: String, message: String, details: KubeFakeJSON = .emptyObject) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    /// `<code> <reason>: <message>`.
    public var description: String { "\(code) \(reason): \(message)" }

    /// The `metav1.Status` object for this error.
    public var status: KubeFakeJSON {
        var o: [String: KubeFakeJSON] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Failure",
            "message": .string(message), "details": details, "code": .int(Int64(code)),
        ]
        if !reason.isEmpty { o["reason"] = .string(reason) }
        return .object(o)
    }

    /// The Status a real server sends for an unknown group, version or resource.
    public static let resourceNotFound = KubeStatusError(
        code: 404,
        reason: "NotFound",
        message: "the server could not find the requested resource"
    )

    static func details(name: String, group: String, kind: String) -> KubeFakeJSON {
        var d: [String: KubeFakeJSON] = ["kind": .string(kind)]
        if !name.isEmpty { d["name"] = .string(name) }
        if !group.isEmpty { d["group"] = .string(group) }
        return .object(d)
    }

    /// `<plural>[.<group>] "<name>" not found`.
    static func notFound(_ type: ResourceType, name: String) -> KubeStatusError {
        KubeStatusError(
            code: 404,
            reason: "NotFound",
            message: "\(type.groupResource) \"\(name)\" not found",
            details: details(name: name, group: type.group, kind: type.plural)
        )
    }

    /// `namespaces "<ns>" not found`.
    static func namespaceNotFound(_ namespace: String) -> KubeStatusError {
        KubeStatusError(
            code: 404,
            reason: "NotFound",
            message: "namespaces \"\(namespace)\" not found",
            details: details(name: namespace, group: "", kind: "namespaces")
        )
    }

    /// `<plural>[.<group>] "<name>" already exists`.
    static func alreadyExists(_ type: ResourceType, name: String) -> KubeStatusError {
        KubeStatusError(
            code: 409,
            reason: "AlreadyExists",
            message: "\(type.groupResource) \"\(name)\" already exists",
            details: details(name: name, group: type.group, kind: type.plural)
        )
    }

    /// The optimistic-concurrency conflict.
    static func conflict(_ type: ResourceType, name: String) -> KubeStatusError {
        KubeStatusError(
            code: 409,
            reason: "Conflict",
            message: "Operation cannot be fulfilled on \(type.groupResource) \"\(name)\": the object has been "
                + "modified; please apply your changes to the latest version and try again",
            details: details(name: name, group: type.group, kind: type.plural)
        )
    }

    /// One field error inside an `Invalid` answer.
    public struct Cause: Sendable, Equatable {
        /// `FieldValueRequired`, `FieldValueInvalid`, …
        public var reason: String
        /// The message without the field prefix, e.g. `Required value`.
        public var message: String
        /// The field path, e.g. `spec.role`.
        public var field: String

        /// Creates a cause.
        public init(reason: String, message: String, field: String) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    /// 422 `Invalid`, with the message rendered like `field.ErrorList.ToAggregate()`.
    static func invalid(kind: String, group: String, name: String, causes: [Cause]) -> KubeStatusError {
        let qualified = group.isEmpty ? kind : "\(kind).\(group)"
        let rendered = causes.map { "\($0.field): \($0.message)" }
        let list = rendered.count == 1 ? rendered[0] : "[" + rendered.joined(separator: ", ") + "]"
        var d: [String: KubeFakeJSON] = ["kind": .string(kind), "name": .string(name)]
        if !group.isEmpty { d["group"] = .string(group) }
        d["causes"] = .array(
            causes.map {
                ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)]
            }
        )
        return KubeStatusError(
            code: 422,
            reason: "Invalid",
            message: "\(qualified) \"\(name)\" is invalid: \(list)",
            details: .object(d)
        )
    }

    /// 400 `BadRequest`.
    static func badRequest(_ message: String) -> KubeStatusError {
        KubeStatusError(code: 400, reason: "BadRequest", message: message)
    }

    /// 415 `UnsupportedMediaType`.
    static func unsupportedMediaType(_ contentType: String) -> KubeStatusError {
        KubeStatusError(
            code: 415,
            reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: "
                + "application/json, application/yaml, application/apply-patch+yaml, "
                + "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
                + " (got \(contentType.isEmpty ? "none" : contentType))"
        )
    }

    /// 405 `MethodNotAllowed`.
    static func methodNotAllowed(_ method: String) -> KubeStatusError {
        KubeStatusError(
            code: 405,
            reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested resource"
        )
    }

    /// 410 `Expired` for a watch or list from a compacted resourceVersion.
    static func expired(requested: Int, oldest: Int) -> KubeStatusError {
        KubeStatusError(
            code: 410,
            reason: "Expired",
            message: "too old resource version: \(requested) (\(oldest))"
        )
    }

    /// The reason a real server uses for a bare status code (for injected failures).
    public static func reason(forCode code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}
