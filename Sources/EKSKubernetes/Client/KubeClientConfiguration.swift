import EKSAWS
import Foundation

/// How a ``KubeClient`` reaches and authenticates to an API server.
public struct KubeClientConfiguration: Sendable {
    /// How requests are authenticated.
    public enum Authentication: Sendable {
        /// No credentials (KubeFake, local tests).
        case none
        /// A fixed bearer token.
        case bearerToken(String)
        /// An exec credential plugin (run with its env, ExecCredential parsed, cached until it expires).
        case exec(Kubeconfig.ExecConfig)
        /// Native EKS tokens (refreshed a minute before they expire).
        case eks(EKSTokenProvider)
    }

    /// The API server, e.g. `https://ABC.gr7.us-west-2.eks.amazonaws.com`.
    public var server: URL
    /// PEM bytes of the CA(s) to trust; `nil` means the system trust store.
    public var certificateAuthorityPEM: [UInt8]?
    /// A PEM client certificate (mutual TLS).
    public var clientCertificatePEM: [UInt8]?
    /// The PEM key of ``clientCertificatePEM``.
    public var clientKeyPEM: [UInt8]?
    /// Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipTLSVerify: Bool
    /// The kubeconfig's `tls-server-name`. The client cannot send a different TLS server name than the URL's host, so
    /// a different name is reported as a warning (the certificate is verified against the host).
    public var tlsServerName: String?
    public var authentication: Authentication
    /// The namespace used when an object or call names none.
    public var defaultNamespace: String
    /// The field manager for server-side apply.
    public var fieldManager: String
    /// How long one ordinary request may take.
    public var requestTimeout: Duration
    /// Where warnings go (e.g. exec plugin stderr, kubeconfig oddities).
    public var warn: @Sendable (String) -> Void
    /// Masks secrets and account ids in what the client passes on from elsewhere (an exec plugin's stderr).
    public var redactor: Redactor

    /// Creates a configuration.
    public init(
        server: URL,
        certificateAuthorityPEM: [UInt8]? = nil,
        clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil,
        insecureSkipTLSVerify: Bool = false,
        authentication: Authentication = .none,
        defaultNamespace: String = "default",
        fieldManager: String = "platformctl",
        requestTimeout: Duration = .seconds(30),
        warn: @escaping @Sendable (String) -> Void = { _ in },
        redactor: Redactor = Redactor()
    ) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.authentication = authentication
        self.defaultNamespace = defaultNamespace
        self.fieldManager = fieldManager
        self.requestTimeout = requestTimeout
        self.warn = warn
        self.redactor = redactor
    }

    /// A configuration for an EKS cluster from DescribeCluster's endpoint and base64 CA, with native tokens.
    public static func eks(
        endpoint: String,
        certificateAuthorityData: String,
        tokens: EKSTokenProvider
    ) throws -> KubeClientConfiguration {
        guard let url = URL(string: endpoint), url.host != nil else {
            throw KubeClientError(.configuration, "the cluster endpoint \"\(endpoint)\" is not a URL")
        }
        // EKS serves its API over https only; anything else in a DescribeCluster answer is not EKS.
        guard url.scheme?.lowercased() == "https" else {
            throw KubeClientError(
                .configuration,
                "the cluster endpoint \"\(endpoint)\" is not https; EKS endpoints always are, so the token is not sent there"
            )
        }
        guard let pem = Data(base64Encoded: certificateAuthorityData, options: .ignoreUnknownCharacters) else {
            throw KubeClientError(.configuration, "the cluster's certificateAuthority.data is not base64")
        }
        return KubeClientConfiguration(server: url, certificateAuthorityPEM: Array(pem), authentication: .eks(tokens))
    }

    /// A configuration from a kubeconfig context (the current one when `context` is `nil`).
    /// - Throws: ``KubeconfigError`` naming the file and field for missing entries, bad base64 or unreadable files.
    public static func from(
        _ kubeconfig: Kubeconfig,
        context: String? = nil
    ) throws -> KubeClientConfiguration {
        let (cluster, user, namespace) = try kubeconfig.resolve(context: context)
        let clusterIndex = kubeconfig.clusters.firstIndex(of: cluster) ?? 0
        let at = "clusters[\(clusterIndex)].cluster"
        guard let server = URL(string: cluster.server), let scheme = server.scheme, ["http", "https"].contains(scheme),
            server.host != nil
        else {
            throw KubeconfigError(path: kubeconfig.path, field: "\(at).server", "\"\(cluster.server)\" is not an http(s) URL")
        }
        func bytes(data: String?, file: String?, field: String) throws -> [UInt8]? {
            if let data {
                guard let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                    throw KubeconfigError(path: kubeconfig.path, field: field + "-data", "not valid base64")
                }
                return Array(decoded)
            }
            if let file {
                let resolved = kubeconfig.filePath(file)
                guard let contents = FileManager.default.contents(atPath: resolved) else {
                    throw KubeconfigError(path: kubeconfig.path, field: field, "cannot read \(resolved)")
                }
                return Array(contents)
            }
            return nil
        }
        var configuration = KubeClientConfiguration(
            server: server,
            certificateAuthorityPEM: try bytes(
                data: cluster.certificateAuthorityData,
                file: cluster.certificateAuthority,
                field: "\(at).certificate-authority"
            ),
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            defaultNamespace: namespace ?? "default"
        )
        configuration.tlsServerName = cluster.tlsServerName
        if let user {
            let userIndex = kubeconfig.users.firstIndex(of: user) ?? 0
            let uat = "users[\(userIndex)].user"
            configuration.clientCertificatePEM = try bytes(
                data: user.clientCertificateData,
                file: user.clientCertificate,
                field: "\(uat).client-certificate"
            )
            configuration.clientKeyPEM = try bytes(
                data: user.clientKeyData,
                file: user.clientKey,
                field: "\(uat).client-key"
            )
            if (configuration.clientCertificatePEM == nil) != (configuration.clientKeyPEM == nil) {
                throw KubeconfigError(
                    path: kubeconfig.path,
                    field: uat,
                    "client-certificate and client-key must be given together"
                )
            }
            if let exec = user.exec {
                configuration.authentication = .exec(exec)
            } else if let token = user.token {
                configuration.authentication = .bearerToken(token)
            } else if let tokenFile = user.tokenFile {
                let resolved = kubeconfig.filePath(tokenFile)
                guard let data = FileManager.default.contents(atPath: resolved),
                    let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
                else {
                    throw KubeconfigError(path: kubeconfig.path, field: "\(uat).tokenFile", "cannot read \(resolved)")
                }
                configuration.authentication = .bearerToken(token)
            }
        }
        return configuration
    }
}
