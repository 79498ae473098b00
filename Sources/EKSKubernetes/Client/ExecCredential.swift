import EKSAWS
import Foundation

/// The `client.authentication.k8s.io` ExecCredential that exec plugins print and kubectl reads.
public struct ExecCredential: Sendable, Equatable {
    /// `client.authentication.k8s.io/v1`.
    public static let v1 = "client.authentication.k8s.io/v1"
    /// `client.authentication.k8s.io/v1beta1`.
    public static let v1beta1 = "client.authentication.k8s.io/v1beta1"
    /// `client.authentication.k8s.io/v1alpha1` (deprecated; still accepted from plugins).
    public static let v1alpha1 = "client.authentication.k8s.io/v1alpha1"

    /// The apiVersion.
    public var apiVersion: String
    /// The bearer token, if the plugin gave one.
    public var token: String?
    /// When the credential expires; `nil` means "until the process ends".
    public var expiration: Date?
    /// A PEM client certificate, if the plugin gave one.
    public var clientCertificateData: String?
    /// A PEM client key, if the plugin gave one.
    public var clientKeyData: String?

    /// Creates a credential.
    public init(
        apiVersion: String,
        token: String? = nil,
        expiration: Date? = nil,
        clientCertificateData: String? = nil,
        clientKeyData: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.token = token
        self.expiration = expiration
        self.clientCertificateData = clientCertificateData
        self.clientKeyData = clientKeyData
    }

    /// The apiVersion to answer with, from `KUBERNETES_EXEC_INFO` (which kubectl sets for exec plugins).
    ///
    /// `v1` and `v1beta1` are echoed; `v1alpha1` is echoed with a deprecation warning; a missing variable gives
    /// `v1beta1`; anything else (malformed JSON, unknown version) gives `v1beta1` and a warning.
    public static func negotiatedAPIVersion(execInfo: String?, warn: (String) -> Void) -> String {
        guard let execInfo, !execInfo.isEmpty else { return v1beta1 }
        guard let object = try? JSONSerialization.jsonObject(with: Data(execInfo.utf8)) as? [String: Any] else {
            warn("warning: KUBERNETES_EXEC_INFO is not valid JSON; answering with \(v1beta1)")
            return v1beta1
        }
        let requested = object["apiVersion"] as? String
        switch requested {
        case v1, v1beta1:
            return requested ?? v1beta1
        case v1alpha1:
            warn("warning: the kubeconfig user uses the deprecated \(v1alpha1); write the kubeconfig entry again to update it")
            return v1alpha1
        default:
            warn(
                "warning: unrecognised apiVersion \"\(requested ?? "")\" in KUBERNETES_EXEC_INFO; answering with "
                    + v1beta1
            )
            return v1beta1
        }
    }

    /// The JSON kubectl reads (keys in the order `aws eks get-token` prints them), ending with a newline.
    public func json() -> String {
        var status: [String] = []
        if let expiration { status.append("\"expirationTimestamp\":\(Self.quoted(UTCTimestamp.format(expiration)))") }
        if let token { status.append("\"token\":\(Self.quoted(token))") }
        if let clientCertificateData { status.append("\"clientCertificateData\":\(Self.quoted(clientCertificateData))") }
        if let clientKeyData { status.append("\"clientKeyData\":\(Self.quoted(clientKeyData))") }
        return "{\"kind\":\"ExecCredential\",\"apiVersion\":\(Self.quoted(apiVersion)),\"spec\":{},"
            + "\"status\":{\(status.joined(separator: ","))}}\n"
    }

    /// Reads an ExecCredential printed by a plugin.
    /// - Throws: ``KubeClientError`` `.authentication` naming what is missing or malformed.
    public static func parse(_ bytes: [UInt8], command: String) throws -> ExecCredential {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw KubeClientError(
                .authentication,
                "the exec plugin `\(command)` did not print an ExecCredential JSON object on stdout"
            )
        }
        guard object["kind"] as? String == "ExecCredential" else {
            throw KubeClientError(
                .authentication,
                "the exec plugin `\(command)` printed kind \(object["kind"] ?? "nil"), "
                    + "expected ExecCredential"
            )
        }
        let status = object["status"] as? [String: Any] ?? [:]
        var expiration: Date?
        if let raw = status["expirationTimestamp"] as? String {
            guard let date = ISO8601.parse(raw) else {
                throw KubeClientError(
                    .authentication,
                    "the exec plugin `\(command)` gave a malformed status.expirationTimestamp \"\(raw)\""
                )
            }
            expiration = date
        }
        let credential = ExecCredential(
            apiVersion: object["apiVersion"] as? String ?? "",
            token: status["token"] as? String,
            expiration: expiration,
            clientCertificateData: status["clientCertificateData"] as? String,
            clientKeyData: status["clientKeyData"] as? String
        )
        if credential.token == nil && credential.clientCertificateData == nil {
            throw KubeClientError(
                .authentication,
                "the exec plugin `\(command)` returned neither status.token nor status.clientCertificateData"
            )
        }
        return credential
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Fast UTC `YYYY-MM-DDTHH:MM:SSZ` formatting without a date formatter (the token command's warm path).
public enum UTCTimestamp {
    /// Formats `date` in UTC with whole seconds.
    public static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
