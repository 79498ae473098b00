import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// Issue 15, items 1 and 2: secrets never follow a redirect to another host, and signed requests never go over
/// plain http off the machine. Each redirect test has a second loopback server that would receive whatever was
/// redirected, and proves it received nothing.
@Suite("Security: no redirects followed, no plain http off the machine", .serialized)
struct RedirectAndPlainHTTPTests {
    /// A server that answers every request with 307 to `target`.
    static func redirecting(to target: LoopbackHTTPServer) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { _ in
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:\(target.port)/stolen\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"
        }
    }

    static func catcher() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { _ in "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}" }
    }

    @Test("an AWS endpoint answering 307 gets an error naming it; the signed request never reaches the target")
    func awsRedirectIsRefused() async throws {
        let target = try Self.catcher()
        let hostile = try Self.redirecting(to: target)
        defer {
            hostile.stop()
            target.stop()
        }
        let transport = AsyncHTTPTransport()
        let client = AWSClient(
            region: try AWSRegion("us-west-2"),
            credentialProvider: StaticCredentialProvider(
                AWSCredentials(accessKeyID: "AKIAREDIRECTTEST0001", secretAccessKey: "redirect-secret", sessionToken: "token-x")
            ),
            endpoints: AWSEndpointResolver(
                explicitEndpoint: URL(string: "http://127.0.0.1:\(hostile.port)"),
                environment: [:],
                shared: nil
            ),
            retry: AWSRetryStrategy(maxAttempts: 3, sleeper: { _ in }),
            transport: transport
        )
        let error = await #expect(throws: AWSClientError.self) {
            _ = try await STSClient(client: client).getCallerIdentity()
        }
        try await transport.shutdown()
        #expect(error?.code == .redirectRefused)
        #expect(error?.message.contains("127.0.0.1") == true && error?.message.contains("redirect") == true)
        #expect(hostile.connections == 1, "a refused redirect is not retried")
        #expect(target.connections == 0, "the redirect target received \(target.requestLines)")
    }

    @Test("a Kubernetes API answering 307 on a Secret write gets an error; the key never reaches the target")
    func kubeRedirectIsRefused() async throws {
        let target = try Self.catcher()
        let hostile = try Self.redirecting(to: target)
        defer {
            hostile.stop()
            target.stop()
        }
        let client = try KubeClient(
            KubeClientConfiguration(server: try #require(URL(string: "http://127.0.0.1:\(hostile.port)")))
        )
        let secret: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "flux-system", "namespace": "flux-system"],
            "stringData": ["identity": "-----BEGIN OPENSSH PRIVATE KEY-----"],
        ]
        let error = await #expect(throws: KubeClientError.self) { _ = try await client.apply(secret) }
        try await client.shutdown()
        #expect(error?.code == .redirectRefused, "\(String(describing: error))")
        #expect(target.connections == 0, "the redirect target received \(target.requestLines)")
    }

    @Test("plain http is refused off the machine, by parsed address, unless explicitly allowed")
    func plainHTTPOnlyToLoopback() throws {
        for host in ["127.0.0.1", "127.1.2.3", "[::1]", "localhost", "[0:0:0:0:0:0:0:1]"] {
            #expect(LoopbackHost.contains(URL(string: "http://\(host):5000")?.host ?? ""), "\(host)")
        }
        for host in ["127.0.0.1.evil.test", "10.0.0.1", "example.com", "[::2]", "128.0.0.1", "0x7f.0.0.1"] {
            #expect(!LoopbackHost.contains(URL(string: "http://\(host):5000")?.host ?? host), "\(host)")
        }
        let region = try AWSRegion("us-west-2")
        func resolve(_ endpoint: String, allow: Bool = false) throws -> URL {
            try AWSEndpointResolver(
                explicitEndpoint: URL(string: endpoint),
                environment: [:],
                shared: nil,
                allowInsecureHTTP: allow
            ).resolve(.sts, region: region).url
        }
        #expect(try resolve("http://127.0.0.1:5000").host == "127.0.0.1")
        #expect(try resolve("https://sts.example.com").host == "sts.example.com")
        let refused = #expect(throws: AWSClientError.self) { _ = try resolve("http://127.0.0.1.evil.test:5000") }
        #expect(refused?.code == .insecureEndpoint && refused?.message.contains("plain-http") == true)
        #expect(throws: AWSClientError.self) { _ = try resolve("http://sts.example.com") }
        #expect(try resolve("http://sts.example.com", allow: true).host == "sts.example.com")
        // The environment's endpoint variables are held to the same rule.
        let fromEnvironment = #expect(throws: AWSClientError.self) {
            _ = try AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://10.1.2.3:4566"], shared: nil)
                .resolve(.sts, region: region)
        }
        #expect(fromEnvironment?.message.contains("AWS_ENDPOINT_URL") == true)

        // Kubernetes: plain http only to this machine; EKS endpoints only over https.
        #expect(throws: KubeClientError.self) {
            _ = try KubeClient(KubeClientConfiguration(server: try #require(URL(string: "http://127.0.0.1.evil.test:8080"))))
        }
        let provider = try EKSTokenProvider(.init(clusterName: "x", region: "us-west-2", environment: [:]))
        #expect(throws: KubeClientError.self) {
            _ = try KubeClientConfiguration.eks(
                endpoint: "http://127.0.0.1:6443",
                certificateAuthorityData: "",
                tokens: provider
            )
        }
    }
}
