import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import KubeFake
import Testing

/// A tiny Python HTTP(S) server for answers a real API server never gives (HTML, garbage) and for TLS tests.
final class OddServer: @unchecked Sendable {
    static let script = #"""
        import http.server, json, ssl, sys
        mode = sys.argv[1]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if mode == "html":
                    code, ctype, body = 200, "text/html", b"<html><body><h1>Sign in</h1></body></html>"
                elif mode == "garbage":
                    code, ctype, body = 200, "application/json", b"\x00\x01{{{ not json"
                elif mode == "html502":
                    code, ctype, body = 502, "text/html", b"<html>Bad Gateway</html>"
                elif self.path.startswith("/api/v1/"):
                    code, ctype = 200, "application/json"
                    body = json.dumps({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "x"}}).encode()
                else:
                    code, ctype = 200, "application/json"
                    body = json.dumps({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                        {"name": "configmaps", "singularName": "configmap", "namespaced": True, "kind": "ConfigMap",
                         "verbs": ["get"]}]}).encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if len(sys.argv) > 2:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2], sys.argv[3])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    let process = Process()
    let port: Int

    init(mode: String, certificate: String? = nil, key: String? = nil) throws {
        let directory = try makeTemporaryDirectory("odd-server")
        let path = directory + "/server.py"
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: path))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path, mode] + [certificate, key].compactMap { $0 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw TestSupportError("the test server did not start")
        }
        self.port = port
    }

    /// Kills the server (SIGKILL by pid; Foundation reaps it). Never blocks the calling thread.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }
}

/// A self-signed certificate for 127.0.0.1 made with openssl.
func selfSignedCertificate(_ label: String) async throws -> (certificate: String, key: String) {
    let directory = try makeTemporaryDirectory("tls-\(label)")
    let certificate = directory + "/cert.pem"
    let key = directory + "/key.pem"
    let result = try await Subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        environment: ProcessInfo.processInfo.environment
    )
    guard result.status == 0 else {
        throw TestSupportError("openssl failed: \(String(decoding: result.stderr, as: UTF8.self))")
    }
    return (certificate, key)
}

let opensslAvailable = Subprocess.locate("openssl", path: ProcessInfo.processInfo.environment["PATH"]) != nil

@Suite("KubeClient bad input")
struct KubeClientBadInputTests {
    @Test(arguments: ["html", "garbage", "html502"])
    func serverAnsweringSomethingElse(mode: String) async throws {
        let server = try OddServer(mode: mode)
        defer { server.stop() }
        let client = try KubeClient(
            KubeClientConfiguration(server: try #require(URL(string: "http://127.0.0.1:\(server.port)")))
        )
        defer { Task { try? await client.shutdown() } }
        do {
            _ = try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "x")
            Issue.record("\(mode): the request succeeded")
        } catch let error as KubeClientError {
            #expect(error.code == .invalidResponse, "\(error)")
            #expect(error.message.contains("127.0.0.1:\(server.port)"))
            #expect(error.message.contains("not Kubernetes JSON"))
            if mode != "garbage" { #expect(error.message.contains("text/html")) }
        }
    }

    @Test func plainHTTPToARemoteHostIsRefused() throws {
        for server in ["http://10.1.2.3:6443", "http://example.com"] {
            do {
                _ = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: server))))
                Issue.record("\(server) was accepted")
            } catch let error as KubeClientError {
                #expect(error.code == .configuration)
                #expect(error.message.contains("refusing plain http"))
            }
        }
        for server in ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"] {
            let client = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: server))))
            Task { try? await client.shutdown() }
        }
    }

    @Test(.enabled(if: opensslAvailable, "openssl is needed to make test certificates"))
    func tlsTrustsTheClusterCAOnly() async throws {
        let serverCert = try await selfSignedCertificate("server")
        let otherCert = try await selfSignedCertificate("other")
        let server = try OddServer(mode: "json", certificate: serverCert.certificate, key: serverCert.key)
        defer { server.stop() }
        let url = try #require(URL(string: "https://127.0.0.1:\(server.port)"))

        let trusted = try KubeClient(
            KubeClientConfiguration(
                server: url,
                certificateAuthorityPEM: Array(try Data(contentsOf: URL(fileURLWithPath: serverCert.certificate)))
            )
        )
        let object = try await trusted.get(apiVersion: "v1", kind: "ConfigMap", name: "x")
        #expect(object?["metadata"]?["name"] == "x")
        try await trusted.shutdown()

        let wrong = try KubeClient(
            KubeClientConfiguration(
                server: url,
                certificateAuthorityPEM: Array(try Data(contentsOf: URL(fileURLWithPath: otherCert.certificate)))
            )
        )
        do {
            _ = try await wrong.get(apiVersion: "v1", kind: "ConfigMap", name: "x")
            Issue.record("a server signed by another CA was trusted")
        } catch let error as KubeClientError {
            #expect(error.code == .tls, "\(error)")
            #expect(error.message.contains("https://127.0.0.1:\(server.port)"))
        }
        try await wrong.shutdown()

        // Base64 CA data, as DescribeCluster and kubeconfigs carry it.
        let base64 = try Data(contentsOf: URL(fileURLWithPath: serverCert.certificate)).base64EncodedString()
        let fromKubeconfig = try Kubeconfig.parse(
            """
            clusters: [{name: c, cluster: {server: "\(url.absoluteString)", certificate-authority-data: "\(base64)"}}]
            contexts: [{name: c, context: {cluster: c}}]
            current-context: c
            """,
            path: "/virtual/config"
        )
        let viaKubeconfig = try KubeClient(try KubeClientConfiguration.from(fromKubeconfig))
        #expect(try await viaKubeconfig.get(apiVersion: "v1", kind: "ConfigMap", name: "x") != nil)
        try await viaKubeconfig.shutdown()

        #expect(throws: KubeClientError.self) {
            try KubeClient(KubeClientConfiguration(server: url, certificateAuthorityPEM: Array("not a pem".utf8)))
        }
    }

    @Test func execPluginFailureShowsItsStderr() async throws {
        let fake = try await KubeFakeServer.start()
        defer { Task { await fake.shutdown() } }
        let exec = Kubeconfig.ExecConfig(
            command: "/bin/sh",
            args: ["-c", "echo 'the SSO session has expired; run aws sso login' >&2; exit 3"],
            env: [],
            apiVersion: ExecCredential.v1beta1,
            interactiveMode: nil
        )
        let client = try KubeClient(
            KubeClientConfiguration(server: try #require(URL(string: fake.baseURL)), authentication: .exec(exec))
        )
        do {
            _ = try await client.list(apiVersion: "v1", kind: "Namespace")
            Issue.record("the request succeeded without credentials")
        } catch let error as KubeClientError {
            #expect(error.code == .authentication)
            #expect(error.message.contains("exit status 3"))
            #expect(error.message.contains("the SSO session has expired; run aws sso login"))
        }
        try await client.shutdown()
    }

    @Test func tlsServerNameThatCannotBeHonouredIsReported() async throws {
        let sink = WarningSink()
        var configuration = KubeClientConfiguration(
            server: try #require(URL(string: "https://127.0.0.1:6443")),
            warn: sink.add
        )
        configuration.tlsServerName = "kubernetes.default.svc"
        let client = try KubeClient(configuration)
        #expect(sink.lines.contains { $0.contains("tls-server-name kubernetes.default.svc is not used") }, "\(sink.lines)")
        try await client.shutdown()
        let quiet = WarningSink()
        configuration.tlsServerName = "127.0.0.1"
        configuration.warn = quiet.add
        let same = try KubeClient(configuration)
        #expect(quiet.lines.isEmpty)
        try await same.shutdown()
    }

    @Test func execPluginThatInsistsOnATerminalIsRefusedWithoutRunning() async throws {
        let fake = try await KubeFakeServer.start()
        defer { Task { await fake.shutdown() } }
        let marker = try makeTemporaryDirectory("exec-interactive") + "/ran"
        let exec = Kubeconfig.ExecConfig(
            command: "/bin/sh",
            args: ["-c", "touch '\(marker)'; exit 1"],
            env: [],
            apiVersion: ExecCredential.v1,
            interactiveMode: "Always"
        )
        let client = try KubeClient(
            KubeClientConfiguration(server: try #require(URL(string: fake.baseURL)), authentication: .exec(exec))
        )
        do {
            _ = try await client.list(apiVersion: "v1", kind: "Namespace")
            Issue.record("the request succeeded without credentials")
        } catch let error as KubeClientError {
            #expect(error.code == .authentication)
            #expect(error.message.contains("interactiveMode: Always"))
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
        try await client.shutdown()
    }

    @Test func execPluginCredentialIsCachedUntilExpiry() async throws {
        let fake = try await KubeFakeServer.start()
        defer { Task { await fake.shutdown() } }
        let directory = try makeTemporaryDirectory("exec-plugin")
        let counter = directory + "/runs"
        let expiry = UTCTimestamp.format(Date() + 600)
        let script = """
            echo run >> "\(counter)"
            [ "$PLUGIN_GREETING" = hello ] || { echo "env not passed" >&2; exit 9; }
            case "$KUBERNETES_EXEC_INFO" in *client.authentication.k8s.io/v1*) ;; *) echo "no exec info" >&2; exit 8;; esac
            printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1",'
            printf '"status":{"token":"plugin-token","expirationTimestamp":"\(expiry)"}}'
            """
        let exec = Kubeconfig.ExecConfig(
            command: "/bin/sh",
            args: ["-c", script],
            env: [.init(name: "PLUGIN_GREETING", value: "hello")],
            apiVersion: ExecCredential.v1,
            interactiveMode: "Never"
        )
        let client = try KubeClient(
            KubeClientConfiguration(server: try #require(URL(string: fake.baseURL)), authentication: .exec(exec))
        )
        _ = try await client.list(apiVersion: "v1", kind: "Namespace")
        _ = try await client.get(apiVersion: "v1", kind: "Namespace", name: "default")
        let runs = try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count
        #expect(runs == 1)
        try await client.shutdown()
    }

    @Test func malformedManifestDocumentsAreRejectedBeforeAnyWrite() async throws {
        try await withFake { fake, client in
            do {
                try await client.applyManifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Secret\n")
                Issue.record("accepted a document without apiVersion")
            } catch let error as KubeClientError {
                #expect(error.code == .invalidObject)
                #expect(error.message.contains("document 2"))
            }
            #expect(!fake.requestLog.contains { $0.method == "PATCH" })
        }
    }
}
