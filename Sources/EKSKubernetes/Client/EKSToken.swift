import EKSAWS
import Foundation

/// An EKS authentication token: a presigned STS `GetCallerIdentity` URL, as `aws eks get-token` and
/// aws-iam-authenticator make them (shared/reference/domain.md §6.1).
///
/// The token is a bearer secret. It is printed only as the ExecCredential on stdout and never logged.
public struct EKSToken: Sendable, Equatable {
    /// The token text, `k8s-aws-v1.` + unpadded base64url of the presigned URL.
    public var value: String
    /// When clients should stop using it (signing time + 14 minutes; the server accepts 15).
    public var expiration: Date

    /// The prefix every EKS token starts with.
    public static let prefix = "k8s-aws-v1."
    /// The header that binds a token to one cluster; it is signed, so the token is useless for other clusters.
    public static let clusterIDHeader = "x-k8s-aws-id"
    /// `X-Amz-Expires` of the presigned URL (STS ignores it and allows 15 minutes from `X-Amz-Date`).
    public static let presignExpirySeconds = 60
    /// How long clients treat a token as valid.
    public static let lifetime: TimeInterval = 14 * 60

    /// Creates a token value.
    public init(value: String, expiration: Date) {
        self.value = value
        self.expiration = expiration
    }

    /// Builds a token for `clusterName` signed with `credentials` for the regional STS endpoint of `region`.
    /// - Parameters:
    ///   - clusterName: the cluster name (or, for Outposts local clusters, its id).
    ///   - region: the region; the token points at `sts.<region>.<partition suffix>`.
    ///   - credentials: the credentials that sign the URL (no network call is made).
    ///   - date: the signing time.
    public static func make(
        clusterName: String,
        region: AWSRegion,
        credentials: AWSCredentials,
        date: Date = Date()
    ) throws -> EKSToken {
        // X-Amz-Date has whole seconds; the expiry is counted from the same second.
        let signed = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let url = try presignedURL(clusterName: clusterName, region: region, credentials: credentials, date: signed)
        return EKSToken(value: prefix + base64URL(Array(url.absoluteString.utf8)), expiration: signed + lifetime)
    }

    /// The presigned `GetCallerIdentity` URL that the token wraps.
    public static func presignedURL(
        clusterName: String,
        region: AWSRegion,
        credentials: AWSCredentials,
        date: Date
    ) throws -> URL {
        guard !clusterName.isEmpty else {
            throw EKSTokenError(.invalidInput, "the cluster name is empty; a token is for one named cluster")
        }
        let host = "sts.\(region.name).\(region.partition.dnsSuffix)"
        guard let base = URL(string: "https://\(host)/?Action=GetCallerIdentity&Version=2011-06-15") else {
            throw EKSTokenError(.invalidInput, "cannot form an STS URL for region \(region.name)")
        }
        let signer = SigV4Signer(credentials: credentials, region: region.name, service: "sts")
        return signer.presign(
            method: "GET",
            url: base,
            headers: [(clusterIDHeader, clusterName)],
            expires: presignExpirySeconds,
            date: date
        )
    }

    /// Unpadded base64url (RFC 4648 §5), as Go's `base64.RawURLEncoding`.
    public static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Decodes unpadded (or padded) base64url; `nil` when malformed.
    public static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard.append("=") }
        return Data(base64Encoded: standard).map { Array($0) }
    }
}

/// Why a token could not be made, cached or read.
public struct EKSTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable error codes.
    public enum Code: String, Sendable {
        /// A bad cluster name, region or role.
        case invalidInput = "InvalidInput"
        /// The cache directory or file could not be written.
        case cacheWrite = "TokenCacheWrite"
        /// Credentials could not be obtained.
        case credentials = "Credentials"
    }

    public var code: Code
    /// What happened and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `token error [Code]: message`.
    public var description: String { "token error [\(code.rawValue)]: \(message)" }
}
