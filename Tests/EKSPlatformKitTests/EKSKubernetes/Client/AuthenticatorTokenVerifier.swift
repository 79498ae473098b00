import EKSPlatformKit
import Foundation

/// The server-side checks aws-iam-authenticator applies to a token (domain.md §6.1, `pkg/token/token.go` verifier),
/// re-written for tests: size, prefix, https, STS host, path `/`, whitelisted parameters only, the action,
/// `x-k8s-aws-id` signed, `0 ≤ X-Amz-Expires ≤ 900`, and `X-Amz-Date` + 15 minutes not passed.
enum AuthenticatorTokenVerifier {
    static let allowedParameters: Set<String> = [
        "action", "version", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
        "x-amz-security-token", "x-amz-signature", "x-amz-signedheaders",
    ]

    /// `nil` when the token passes; otherwise the first rule it breaks.
    static func verify(_ token: String, clusterID: String, now: Date) -> String? {
        guard token.utf8.count <= 4096 else { return "token is larger than 4 KiB" }
        guard token.hasPrefix("k8s-aws-v1.") else { return "missing prefix k8s-aws-v1." }
        let body = String(token.dropFirst("k8s-aws-v1.".count))
        guard body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return "body is not unpadded base64url"
        }
        guard let bytes = EKSToken.decodeBase64URL(body), let text = String(bytes: bytes, encoding: .utf8),
            let components = URLComponents(string: text)
        else { return "body does not decode to a URL" }
        guard components.scheme == "https" else { return "scheme is not https" }
        guard let host = components.host,
            host == "sts.amazonaws.com"
                || host.range(of: #"^sts(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$"#, options: .regularExpression) != nil
        else { return "host \(components.host ?? "nil") is not an STS host" }
        guard components.path == "/" else { return "path is not /" }
        var params: [String: String] = [:]
        for item in components.queryItems ?? [] {
            let key = item.name.lowercased()
            guard allowedParameters.contains(key) else { return "parameter \(item.name) is not allowed" }
            guard params[key] == nil else { return "parameter \(item.name) repeated" }
            params[key] = item.value ?? ""
        }
        guard params["action"] == "GetCallerIdentity" else { return "action is not GetCallerIdentity" }
        guard let signed = params["x-amz-signedheaders"],
            signed.split(separator: ";").contains(where: { $0.lowercased() == "x-k8s-aws-id" })
        else { return "x-k8s-aws-id is not signed" }
        guard let expires = params["x-amz-expires"].flatMap(Int.init), (0...900).contains(expires) else {
            return "X-Amz-Expires is missing or outside 0...900"
        }
        guard let dateText = params["x-amz-date"], let date = amzDate(dateText) else { return "X-Amz-Date malformed" }
        guard now <= date.addingTimeInterval(15 * 60) else { return "token expired (X-Amz-Date + 15 min passed)" }
        guard params["x-amz-signature"]?.count == 64 else { return "signature missing" }
        guard !clusterID.isEmpty else { return "no cluster id" }
        return nil
    }

    static func amzDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }
}
