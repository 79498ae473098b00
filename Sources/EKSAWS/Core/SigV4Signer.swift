import Crypto
import Foundation

/// AWS Signature Version 4: signs requests with headers, or presigns URLs with query parameters.
///
/// The stages are named after the AWS documentation: canonical request → string to sign → signing key → signature.
/// The date is always passed in, so tests can pin it.
public struct SigV4Signer: Sendable {
    /// The credentials that sign.
    public var credentials: AWSCredentials
    /// The region in the credential scope (`us-east-1` for global services such as IAM).
    public var region: String
    /// The signing name of the service in the credential scope (e.g. `ec2`, `sts`, `eks`, `events`).
    public var service: String

    /// Headers that are never signed: proxies and HTTP stacks may change or drop them.
    static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "expect", "transfer-encoding", "x-amzn-trace-id", "content-length",
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "upgrade",
    ]

    /// Creates a signer for one service and region.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The SHA-256 of `data`, lower-case hex.
    public static func hexSHA256<D: DataProtocol>(_ data: D) -> String {
        SHA256.hash(data: data).hexString
    }

    /// The SHA-256 of the empty payload.
    public static let emptyPayloadHash = hexSHA256([UInt8]())

    /// Signs a request: returns `headers` plus `host`, `x-amz-date`, `x-amz-content-sha256`,
    /// `x-amz-security-token` (temporary credentials) and `authorization`.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - url: the URL exactly as it is sent (path and query already percent-encoded).
    ///   - headers: headers to send; all of them are signed except ``unsignedHeaders``.
    ///   - body: the request body.
    ///   - date: the signing time.
    ///   - addContentSHA256: add (and sign) `x-amz-content-sha256`; some services (EKS through moto) insist on it.
    /// - Returns: the headers to send, in a stable order.
    public func signHeaders(
        method: String,
        url: URL,
        headers: [(name: String, value: String)],
        body: [UInt8],
        date: Date,
        addContentSHA256: Bool = true
    ) -> [(name: String, value: String)] {
        let amzDate = Self.amzDate(date)
        var out = headers.filter { $0.name.lowercased() != "authorization" }
        func has(_ name: String) -> Bool { out.contains { $0.name.lowercased() == name } }
        if !has("host") { out.append(("host", Self.hostHeader(url))) }
        out.removeAll { $0.name.lowercased() == "x-amz-date" }
        out.append(("x-amz-date", amzDate))
        let payloadHash: String
        if let given = out.first(where: { $0.name.lowercased() == "x-amz-content-sha256" }) {
            payloadHash = given.value
        } else {
            payloadHash = Self.hexSHA256(body)
            if addContentSHA256 { out.append(("x-amz-content-sha256", payloadHash)) }
        }
        if let token = credentials.sessionToken, !has("x-amz-security-token") {
            out.append(("x-amz-security-token", token))
        }
        let canonical = canonicalRequest(method: method, url: url, headers: out, payloadHash: payloadHash)
        let signature = self.signature(canonicalRequest: canonical.request, amzDate: amzDate)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(amzDate)), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        out.append(("authorization", authorization))
        return out
    }

    /// Presigns a URL with query-string authentication (as EKS tokens and S3 links use).
    ///
    /// - Parameters:
    ///   - method: the HTTP method the URL will be used with.
    ///   - url: the URL with its own query parameters, percent-encoded.
    ///   - headers: extra headers that the user of the URL must send (they are signed), e.g. `x-k8s-aws-id`.
    ///   - expires: the `X-Amz-Expires` value in seconds.
    ///   - date: the signing time.
    /// - Returns: the URL with the `X-Amz-*` parameters and the signature appended.
    public func presign(
        method: String = "GET",
        url: URL,
        headers: [(name: String, value: String)] = [],
        expires: Int,
        date: Date
    ) -> URL {
        let amzDate = Self.amzDate(date)
        var signHeaders = headers
        if !signHeaders.contains(where: { $0.name.lowercased() == "host" }) {
            signHeaders.append(("host", Self.hostHeader(url)))
        }
        let signedHeaderNames = Self.canonicalHeaders(signHeaders).names
        var params: [(String, String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(amzDate))"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaderNames),
        ]
        if let token = credentials.sessionToken { params.append(("X-Amz-Security-Token", token)) }
        let existing = url.percentEncodedQueryString
        let added = params.map { "\(AWSURIEncoding.encode($0.0))=\(AWSURIEncoding.encode($0.1))" }.joined(separator: "&")
        let query = existing.isEmpty ? added : existing + "&" + added
        let unsigned = url.replacingPercentEncodedQuery(query)
        let canonical = canonicalRequest(
            method: method,
            url: unsigned,
            headers: signHeaders,
            payloadHash: Self.emptyPayloadHash
        )
        let signature = self.signature(canonicalRequest: canonical.request, amzDate: amzDate)
        return unsigned.replacingPercentEncodedQuery(query + "&X-Amz-Signature=" + signature)
    }

    // MARK: - Stage 1: canonical request

    /// Builds the canonical request and the signed-header list.
    func canonicalRequest(
        method: String,
        url: URL,
        headers: [(name: String, value: String)],
        payloadHash: String
    ) -> (request: String, signedHeaders: String) {
        let canonicalHeaders = Self.canonicalHeaders(headers)
        let request = [
            method.uppercased(),
            Self.canonicalURI(url.percentEncodedPathString),
            Self.canonicalQuery(url.percentEncodedQueryString),
            canonicalHeaders.block,
            canonicalHeaders.names,
            payloadHash,
        ].joined(separator: "\n")
        return (request, canonicalHeaders.names)
    }

    /// The canonical URI of a non-S3 service: dot segments and empty segments removed, then every byte outside the
    /// unreserved set encoded again (non-S3 services sign the doubly-encoded path).
    static func canonicalURI(_ encodedPath: String) -> String {
        guard !encodedPath.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in encodedPath.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
            } else {
                segments.append(segment)
            }
        }
        let first = encodedPath.hasPrefix("/") ? "/" : ""
        let last = encodedPath.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return AWSURIEncoding.encode(first + segments.joined(separator: "/") + last, keepSlash: true)
    }

    /// The canonical query: each name and value in strict RFC 3986 form, sorted by name then value.
    static func canonicalQuery(_ encodedQuery: String) -> String {
        guard !encodedQuery.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in encodedQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = AWSURIEncoding.encode(AWSURIEncoding.decode(String(parts[0])))
            let value = parts.count > 1 ? AWSURIEncoding.encode(AWSURIEncoding.decode(String(parts[1]))) : ""
            pairs.append((name, value))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Canonical headers: lower-case names, values trimmed with inner runs of spaces collapsed, repeated names joined
    /// with commas, sorted by name.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, names: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            guard !unsignedHeaders.contains(lower) else { continue }
            let trimmed = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
            merged[lower, default: []].append(trimmed)
        }
        let names = merged.keys.sorted()
        let block = names.map { "\($0):\(merged[$0, default: []].joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    // MARK: - Stages 2 and 3: string to sign, signing key, signature

    func scope(_ amzDate: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        [
            "AWS4-HMAC-SHA256",
            amzDate,
            scope(amzDate),
            Self.hexSHA256(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")
    }

    func signingKey(day: Substring) -> SymmetricKey {
        let kSecret = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        let kDate = HMAC<SHA256>.authenticationCode(for: Array(day.utf8), using: kSecret)
        let kRegion = HMAC<SHA256>.authenticationCode(for: Array(region.utf8), using: SymmetricKey(data: kDate))
        let kService = HMAC<SHA256>.authenticationCode(for: Array(service.utf8), using: SymmetricKey(data: kRegion))
        let kSigning = HMAC<SHA256>.authenticationCode(for: Array("aws4_request".utf8), using: SymmetricKey(data: kService))
        return SymmetricKey(data: kSigning)
    }

    func signature(canonicalRequest: String, amzDate: String) -> String {
        let toSign = stringToSign(canonicalRequest: canonicalRequest, amzDate: amzDate)
        let key = signingKey(day: amzDate.prefix(8))
        return HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key).hexString
    }

    // MARK: - Helpers

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    public static func amzDate(_ date: Date) -> String {
        let c = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ",
            c.year ?? 0,
            c.month ?? 0,
            c.day ?? 0,
            c.hour ?? 0,
            c.minute ?? 0,
            c.second ?? 0
        )
    }

    /// The `Host` header for a URL: the port only when it is not the scheme's default.
    static func hostHeader(_ url: URL) -> String {
        let host = url.host ?? ""
        guard let port = url.port else { return host }
        let scheme = url.scheme?.lowercased()
        if (scheme == "https" && port == 443) || (scheme == "http" && port == 80) { return host }
        return "\(host):\(port)"
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Calendar {
    /// A Gregorian calendar in UTC.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        return calendar
    }()
}

extension URL {
    /// The path exactly as percent-encoded in the URL.
    var percentEncodedPathString: String {
        URLComponents(url: self, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? path
    }

    /// The query exactly as percent-encoded in the URL, without `?`.
    var percentEncodedQueryString: String {
        URLComponents(url: self, resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? ""
    }

    /// This URL with another (already percent-encoded) query.
    func replacingPercentEncodedQuery(_ query: String) -> URL {
        guard var components = URLComponents(url: self, resolvingAgainstBaseURL: false) else { return self }
        components.percentEncodedQuery = query.isEmpty ? nil : query
        return components.url ?? self
    }
}
