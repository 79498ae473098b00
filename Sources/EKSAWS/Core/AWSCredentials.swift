import Foundation

/// A set of AWS credentials: long-term keys, or temporary keys with a session token and an expiry.
public struct AWSCredentials: Sendable, Equatable {
    /// The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones).
    public var accessKeyID: String
    /// The secret access key. Never printed: see ``description``.
    public var secretAccessKey: String
    /// The session token of temporary credentials.
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public var expiration: Date?
    /// The account the credentials belong to, when the source said so (e.g. `credential_process` `AccountId`).
    public var accountID: String?
    /// Where the credentials came from, e.g. `environment` or `profile dev (assume role)`.
    public var source: String

    /// Creates credentials.
    public init(
        accessKeyID: String,
        secretAccessKey: String,
        sessionToken: String? = nil,
        expiration: Date? = nil,
        accountID: String? = nil,
        source: String = "static"
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.accountID = accountID
        self.source = source
    }

    /// Whether the credentials expire within `margin` seconds of `now`.
    public func expires(within margin: TimeInterval, of now: Date = Date()) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) <= margin
    }
}

extension AWSCredentials: CustomStringConvertible {
    /// A description that shows only the last four characters of the access key id and no secret.
    public var description: String {
        "AWSCredentials(accessKeyID: \(Redactor.maskAccessKeyID(accessKeyID)), source: \(source)"
            + (expiration.map { ", expires: \(ISO8601.format($0))" } ?? "") + ")"
    }
}
