import AsyncHTTPClient
import EKSAWS
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// A Kubernetes API client on AsyncHTTPClient: discovery, server-side apply, get, list, delete, watch and waits,
/// on unstructured objects (``JSONValue``), so it works for built-in kinds and custom resources alike.
///
/// TLS trusts the cluster CA only (kubeconfig `certificate-authority(-data)` or EKS DescribeCluster); plain http is
/// allowed to loopback addresses only. Call ``shutdown()`` when done.
public final class KubeClient: Sendable {
    public let configuration: KubeClientConfiguration
    /// The HTTP client (owned; shut down by ``shutdown()``).
    let http: HTTPClient
    /// Discovery results and in-flight credentials.
    let state = Mutex(State())

    struct State {
        var discovery: [String: [APIResource]] = [:]
        var execCredential: ExecCredential?
    }

    /// Creates a client.
    /// - Throws: ``KubeClientError`` `.configuration` for plain http to a non-loopback host or unusable PEM data.
    public init(_ configuration: KubeClientConfiguration) throws {
        guard let scheme = configuration.server.scheme?.lowercased(), let host = configuration.server.host else {
            throw KubeClientError(.configuration, "the server URL \(configuration.server) has no scheme or host")
        }
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout.connect = .seconds(10)
        httpConfiguration.decompression = .disabled
        // Never follow a redirect: the bearer token and the request body (a Secret's data) would go to that host.
        httpConfiguration.redirectConfiguration = .disallow
        switch scheme {
        case "http":
            guard LoopbackHost.contains(host) else {
                throw KubeClientError(
                    .configuration,
                    "refusing plain http to \(host): credentials and objects would cross the network unencrypted; "
                        + "use https (plain http is allowed only to 127.0.0.1, ::1 or localhost)"
                )
            }
        case "https":
            var tls = TLSConfiguration.makeClientConfiguration()
            do {
                if let ca = configuration.certificateAuthorityPEM {
                    let certificates = try NIOSSLCertificate.fromPEMBytes(ca)
                    guard !certificates.isEmpty else {
                        throw KubeClientError(.configuration, "the certificate authority data holds no PEM certificate")
                    }
                    tls.trustRoots = .certificates(certificates)
                }
                if let certificate = configuration.clientCertificatePEM, let key = configuration.clientKeyPEM {
                    tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                    tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
                }
            } catch let error as KubeClientError {
                throw error
            } catch {
                throw KubeClientError(.configuration, "unusable TLS material for \(host): \(error)")
            }
            if configuration.insecureSkipTLSVerify {
                tls.certificateVerification = .none
                configuration.warn("warning: TLS verification of \(host) is disabled (insecure-skip-tls-verify)")
            } else if let name = configuration.tlsServerName, !name.isEmpty, name != host {
                configuration.warn(
                    "warning: the kubeconfig's tls-server-name \(name) is not used: the client verifies the "
                        + "certificate of \(host) against that host; use a server URL whose host the certificate names"
                )
            }
            httpConfiguration.tlsConfiguration = tls
        default:
            throw KubeClientError(.configuration, "unsupported scheme \(scheme) in \(configuration.server)")
        }
        self.configuration = configuration
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
    }

    /// Closes connections. Call once when done with the client.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// The server as `https://host:port` for messages.
    var serverName: String {
        let url = configuration.server
        return "\(url.scheme ?? "https")://\(url.host ?? "?")" + (url.port.map { ":\($0)" } ?? "")
    }

    // MARK: - Requests

    /// A raw response.
    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// Sends one request with authentication, retrying once with fresh credentials on 401.
    /// - Throws: ``KubeClientError``: `.apiStatus` for non-2xx answers (from the Status body), `.invalidResponse` for
    ///   non-JSON answers, `.transport` / `.tls` for connection problems.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)] = [],
        body: [UInt8]? = nil,
        contentType: String? = nil,
        object: String? = nil,
        timeout: Duration? = nil
    ) async throws -> Response {
        var refreshed = false
        while true {
            let request = try await makeRequest(
                method,
                path,
                query: query,
                body: body,
                contentType: contentType,
                forceRefresh: refreshed
            )
            let response: HTTPClientResponse
            var bytes: [UInt8]
            do {
                response = try await http.execute(request, timeout: .init(timeout ?? configuration.requestTimeout))
                var buffer = try await response.body.collect(upTo: 256 * 1024 * 1024)
                bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            } catch {
                throw transportError(error, method: method, path: path)
            }
            let status = Int(response.status.code)
            if status == 401, !refreshed, isRefreshable {
                refreshed = true
                continue
            }
            if (300..<400).contains(status) {
                let location = response.headers.first(name: "location") ?? "an unnamed location"
                throw KubeClientError(
                    .redirectRefused,
                    "\(method.rawValue) \(path) on \(configuration.server.host ?? "?") answered HTTP \(status), redirecting to "
                        + "\(location); redirects are never followed, because the token and the request body would go "
                        + "there: check the server URL"
                )
            }
            guard (200..<300).contains(status) else {
                if let error = KubeClientError.fromStatus(body: bytes, statusCode: status, object: object) { throw error }
                throw invalidResponse(status: status, headers: response.headers, body: bytes, method: method, path: path)
            }
            return Response(status: status, headers: response.headers, body: bytes)
        }
    }

    /// Sends a request and decodes the JSON answer.
    func sendJSON(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)] = [],
        body: [UInt8]? = nil,
        contentType: String? = nil,
        object: String? = nil
    ) async throws -> JSONValue {
        let response = try await send(method, path, query: query, body: body, contentType: contentType, object: object)
        return try decodeJSON(response, method: method, path: path)
    }

    func decodeJSON(_ response: Response, method: HTTPMethod, path: String) throws -> JSONValue {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)), case .object = value
        else {
            throw invalidResponse(
                status: response.status,
                headers: response.headers,
                body: response.body,
                method: method,
                path: path
            )
        }
        return value
    }

    func makeRequest(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)],
        body: [UInt8]?,
        contentType: String?,
        forceRefresh: Bool
    ) async throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(path, query: query))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: AWSClient.userAgent)
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let token = try await bearerToken(forceRefresh: forceRefresh) {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        return request
    }

    func url(_ path: String, query: [(String, String)]) -> String {
        var base = configuration.server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var text = base + path
        if !query.isEmpty {
            text += "?" + query.map { "\(Self.queryEncode($0.0))=\(Self.queryEncode($0.1))" }.joined(separator: "&")
        }
        return text
    }

    static func queryEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    func transportError(_ error: any Error, method: HTTPMethod, path: String) -> KubeClientError {
        if let error = error as? KubeClientError { return error }
        let text = String(describing: error)
        if error is NIOSSLError || text.contains("SSL") || text.contains("handshake") || text.contains("certificate") {
            return KubeClientError(
                .tls,
                "TLS connection to \(serverName) failed: \(text); the server's certificate is not trusted by the "
                    + "configured certificate authority (check certificate-authority-data)"
            )
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout:
                return KubeClientError(.transport, "\(method.rawValue) \(serverName)\(path) timed out")
            case .connectTimeout:
                return KubeClientError(.transport, "connecting to \(serverName) timed out")
            case .remoteConnectionClosed:
                return KubeClientError(.transport, "\(serverName) closed the connection before a complete response")
            default: break
            }
        }
        return KubeClientError(.transport, "\(method.rawValue) \(serverName)\(path) failed: \(text)")
    }

    func invalidResponse(
        status: Int,
        headers: HTTPHeaders,
        body: [UInt8],
        method: HTTPMethod,
        path: String
    )
        -> KubeClientError
    {
        let type = headers.first(name: "Content-Type") ?? "no content type"
        var snippet = String(decoding: body.prefix(200), as: UTF8.self)
        snippet = snippet.replacingOccurrences(of: "\n", with: " ")
        return KubeClientError(
            .invalidResponse,
            "\(serverName) answered \(method.rawValue) \(path) with HTTP \(status) (\(type)) that is not Kubernetes "
                + "JSON: \"\(snippet)\"; is the server URL right?",
            statusCode: status
        )
    }

    // MARK: - Authentication

    var isRefreshable: Bool {
        switch configuration.authentication {
        case .exec, .eks: return true
        default: return false
        }
    }

    /// The bearer token for the next request (exec credentials and EKS tokens are cached until they expire).
    func bearerToken(forceRefresh: Bool) async throws -> String? {
        switch configuration.authentication {
        case .none:
            return nil
        case .bearerToken(let token):
            return token
        case .eks(let provider):
            do {
                return try await (forceRefresh ? provider.freshToken() : provider.token()).value
            } catch {
                throw KubeClientError(.authentication, "cannot make an EKS token: \(error)")
            }
        case .exec(let exec):
            if !forceRefresh, let held = state.withLock({ $0.execCredential }) {
                if held.expiration.map({ $0.timeIntervalSinceNow > 10 }) ?? true, let token = held.token { return token }
            }
            let credential = try await runExecPlugin(exec)
            state.withLock { $0.execCredential = credential }
            return credential.token
        }
    }

    /// Runs an exec credential plugin as kubectl does: its env on top of ours, `KUBERNETES_EXEC_INFO` set.
    func runExecPlugin(_ exec: Kubeconfig.ExecConfig) async throws -> ExecCredential {
        // Plugins run without a terminal (as kubectl does when stdin is not one): one that insists on interaction
        // cannot work, and saying so beats a hang or a confusing failure.
        if exec.interactiveMode == "Always" {
            throw KubeClientError(
                .authentication,
                "the exec credential plugin `\(exec.command)` requires an interactive terminal (interactiveMode: "
                    + "Always), but plugins run here without one; use a plugin or profile that needs no prompt"
            )
        }
        var environment = ProcessInfo.processInfo.environment
        for pair in exec.env { environment[pair.name] = pair.value }
        environment["KUBERNETES_EXEC_INFO"] =
            "{\"kind\":\"ExecCredential\",\"apiVersion\":\"\(exec.apiVersion)\",\"spec\":{\"interactive\":false}}"
        let result: Subprocess.Result
        do {
            result = try await Subprocess.run([exec.command] + exec.args, environment: environment)
        } catch {
            throw KubeClientError(.authentication, "the exec credential plugin could not run: \(error)")
        }
        guard result.status == 0 else {
            let stderr = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw KubeClientError(
                .authentication,
                "the exec credential plugin `\(exec.command)` failed with exit status \(result.status): "
                    + (stderr.isEmpty ? "(no stderr)" : configuration.redactor.redact(stderr))
            )
        }
        return try ExecCredential.parse(result.stdout, command: exec.command)
    }
}
