import Foundation

/// One request the fake answered, for assertions.
public struct KubeFakeRequestRecord: Sendable, Equatable {
    /// HTTP method, e.g. `PATCH`.
    public var method: String
    /// Decoded path, e.g. `/apis/apps/v1/namespaces/default/deployments/web`.
    public var path: String
    /// Raw query string without `?`.
    public var query: String
    /// The request's Content-Type (empty when absent).
    public var contentType: String
    /// The request body as UTF-8 text.
    public var body: String
    /// The request's User-Agent.
    public var userAgent: String
    /// The HTTP status the fake answered with.
    public var status: Int
    /// When the fake answered, to order its log against another peer's (the AWS emulator's entries carry `time`).
    public var date: Date = Date()
}
