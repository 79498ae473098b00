import EKSAWS
import Foundation

/// Every error the Kubernetes client raises: transport and TLS failures, authentication, and API `Status` answers
/// (with the Status reason, HTTP code, message and the object concerned).
public struct KubeClientError: Error, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public enum Code: String, Sendable {
        /// The API server answered with a `Status` failure (see ``reason`` and ``statusCode``).
        case apiStatus = "APIStatus"
        /// The connection failed, was reset or timed out.
        case transport = "Transport"
        /// The TLS handshake failed (wrong CA, bad certificate).
        case tls = "TLS"
        /// The server answered something that is not Kubernetes JSON (HTML, garbage).
        case invalidResponse = "InvalidResponse"
        /// Credentials could not be obtained (exec plugin failed, token provider failed).
        case authentication = "Authentication"
        /// The client was configured wrongly (plain http to a remote host, bad CA data, bad URL).
        case configuration = "Configuration"
        /// The kind is not served by the cluster (a CRD not installed).
        case unknownKind = "UnknownKind"
        /// A wait ran out of time.
        case timeout = "Timeout"
        /// A wait ended in a failure state (e.g. ProgressDeadlineExceeded).
        case waitFailed = "WaitFailed"
        /// A manifest or object was malformed.
        case invalidObject = "InvalidObject"
        /// The server answered with a redirect, which is never followed.
        case redirectRefused = "RedirectRefused"
    }

    public var code: Code
    /// The message (from the `Status`, or ours).
    public var message: String
    /// The `Status` reason, e.g. `NotFound`, `Conflict`, `AlreadyExists`, `Invalid`, `Expired`.
    public var reason: String?
    /// The HTTP status code, when the server answered.
    public var statusCode: Int?
    /// The object concerned, e.g. `Deployment default/web`.
    public var object: String?
    /// `details.causes` of the Status: (reason/type, message, field).
    public var causes: [(reason: String, message: String, field: String)]

    /// Creates an error.
    public init(
        _ code: Code,
        _ message: String,
        reason: String? = nil,
        statusCode: Int? = nil,
        object: String? = nil,
        causes: [(reason: String, message: String, field: String)] = []
    ) {
        self.code = code
        self.message = message
        self.reason = reason
        self.statusCode = statusCode
        self.object = object
        self.causes = causes
    }

    /// Whether this is a 404 NotFound.
    public var isNotFound: Bool { statusCode == 404 }
    /// Whether this is a 409 Conflict (stale resourceVersion or SSA field conflict).
    public var isConflict: Bool { statusCode == 409 && reason == "Conflict" }
    /// Whether this is 410 Gone / Expired (watch resourceVersion too old).
    public var isGone: Bool { statusCode == 410 || reason == "Expired" || reason == "Gone" }

    /// One line: `kubernetes [reason 409] Deployment default/web: message`.
    public var description: String {
        var head = "kubernetes"
        switch (reason, statusCode) {
        case (let reason?, let status?): head += " [\(reason) \(status)]"
        case (nil, let status?): head += " [\(status)]"
        case (let reason?, nil): head += " [\(reason)]"
        default: head += " [\(code.rawValue)]"
        }
        if let object { head += " \(object)" }
        var text = "\(head): \(message)"
        let extra = causes.filter { !message.contains($0.message) }
        if !extra.isEmpty {
            text +=
                " ("
                + extra.map { $0.field.isEmpty ? $0.message : "\($0.field): \($0.message)" }
                .joined(separator: "; ") + ")"
        }
        return text
    }

    /// Reads a `metav1.Status` body; `nil` when the body is not one.
    static func fromStatus(body: [UInt8], statusCode: Int, object: String?) -> KubeClientError? {
        guard let status = try? JSONDecoder().decode(JSONValue.self, from: Data(body)),
            status["kind"]?.stringValue == "Status"
        else { return nil }
        var causes: [(reason: String, message: String, field: String)] = []
        for cause in status["details"]?["causes"]?.arrayValue ?? [] {
            causes.append(
                (
                    cause["reason"]?.stringValue ?? cause["type"]?.stringValue ?? "",
                    cause["message"]?.stringValue ?? "", cause["field"]?.stringValue ?? ""
                )
            )
        }
        let code: Int = {
            if case .integer(let value)? = status["code"] { return value }
            return statusCode
        }()
        return KubeClientError(
            .apiStatus,
            status["message"]?.stringValue ?? "HTTP \(statusCode)",
            reason: status["reason"]?.stringValue,
            statusCode: code,
            object: object,
            causes: causes
        )
    }
}
