import EKSAWS
import EKSPlatformTestSupport
import Foundation
import Testing

/// Issue 16: container credentials (ECS, EKS Pod Identity) and the EC2 instance role (IMDSv2), in the SDKs' order,
/// against loopback fakes; botocore given the same environment picks the same source.
@Suite("Credentials from container and instance metadata endpoints")
struct MetadataCredentialTests {
    static let json =
        #"{"Code":"Success","AccessKeyId":"ASIAMETADATA00000001","SecretAccessKey":"metadata-secret","#
        + #""Token":"metadata-session-token","Expiration":"2099-01-01T00:00:00Z"}"#

    static func answer(_ status: String, _ body: String) -> String {
        "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(body)"
    }

    /// An IMDSv2 fake: a token from PUT /latest/api/token, then the role and its credentials only with that token.
    static func imds() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(respondToHead: { head in
            let lines = head.lowercased().components(separatedBy: "\r\n")
            let request = head.components(separatedBy: "\r\n").first ?? ""
            if request.hasPrefix("PUT /latest/api/token ") {
                guard lines.contains(where: { $0.hasPrefix("x-aws-ec2-metadata-token-ttl-seconds:") }) else {
                    return answer("400 Bad Request", "")
                }
                return answer("200 OK", "imds-session-token")
            }
            guard lines.contains("x-aws-ec2-metadata-token: imds-session-token") else {
                return answer("401 Unauthorized", "")
            }
            if request.hasPrefix("GET /latest/meta-data/iam/security-credentials/ ") {
                return answer("200 OK", "node-role")
            }
            if request.hasPrefix("GET /latest/meta-data/iam/security-credentials/node-role ") {
                return answer("200 OK", json)
            }
            return answer("404 Not Found", "")
        })
    }

    /// An environment with no other source: no keys, no profile files.
    static func bare(_ extra: [String: String]) -> [String: String] {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": "/nonexistent"]
        env["AWS_CONFIG_FILE"] = "/nonexistent/config"
        env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials"
        env.merge(extra) { _, new in new }
        return env
    }

    static func resolve(_ env: [String: String]) async throws -> AWSCredentials {
        let session = try AWSSession(AWSSessionOptions(region: "us-west-2", environment: env))
        defer { Task { try? await session.shutdown() } }
        return try await session.credentials.credentials()
    }

    /// What botocore resolves with the same environment (`get_credentials().method`).
    static func botocoreMethod(_ env: [String: String]) async throws -> String {
        let script =
            "import botocore.session\nc = botocore.session.get_session().get_credentials()\n"
            + "print(c.method if c else 'none')"
        let result = try await Subprocess.run(["python3", "-c", script], environment: env)
        return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func instanceRoleThroughIMDSv2() async throws {
        let server = try Self.imds()
        defer { server.stop() }
        let env = Self.bare(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(server.port)"])
        let credentials = try await Self.resolve(env)
        #expect(credentials.accessKeyID == "ASIAMETADATA00000001")
        #expect(credentials.sessionToken == "metadata-session-token")
        #expect(credentials.source == "instance role node-role")
        #expect(server.requestLines.first?.hasPrefix("PUT /latest/api/token") == true, "IMDSv2: the token comes first")
        #expect(try await Self.botocoreMethod(env) == "iam-role")
        // Switched off, the chain ends with the usual message.
        var off = env
        off["AWS_EC2_METADATA_DISABLED"] = "true"
        await #expect(throws: AWSClientError.self) { _ = try await Self.resolve(off) }
    }

    @Test func containerCredentialsWithTheTokenFile() async throws {
        let folder = try makeTemporaryDirectory("container-token")
        let tokenFile = folder + "/token"
        // As EKS writes it: no trailing newline (botocore refuses one as an illegal header value).
        try "pod-identity-token".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let server = try LoopbackHTTPServer(respondToHead: { head in
            head.lowercased().contains("\r\nauthorization: pod-identity-token")
                ? Self.answer("200 OK", Self.json) : Self.answer("401 Unauthorized", "")
        })
        defer { server.stop() }
        let env = Self.bare([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(server.port)/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile, "AWS_EC2_METADATA_DISABLED": "true",
        ])
        let credentials = try await Self.resolve(env)
        #expect(credentials.accessKeyID == "ASIAMETADATA00000001")
        #expect(credentials.source == "container credentials")
        #expect(server.requestLines == ["GET /v1/credentials HTTP/1.1"])
        #expect(try await Self.botocoreMethod(env) == "container-role")

        // Plain http to another host would carry the token in the clear: refused, nothing sent.
        var remote = env
        remote["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://10.1.2.3/v1/credentials"
        await #expect {
            _ = try await Self.resolve(remote)
        } throws: { ($0 as? AWSClientError)?.code == .insecureEndpoint }
    }

    @Test func environmentKeysStillComeFirst() async throws {
        let server = try Self.imds()
        defer { server.stop() }
        let env = Self.bare([
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(server.port)",
            "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY": "env-secret",
        ])
        #expect(try await Self.resolve(env).accessKeyID == "AKIAENVIRONMENT00001")
        #expect(server.connections == 0, "the metadata service is not asked when an earlier source answers")
    }

    /// Issue 16: ExpiredToken names where the credentials came from and what renews them.
    @Test func expiredTokenNamesTheSource() async throws {
        let body =
            #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>"#
            + #"<Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message>"#
            + #"</Error><RequestId>r-1</RequestId></ErrorResponse>"#
        let server = try LoopbackHTTPServer(respond: { _ in
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n\(body)"
        })
        defer { server.stop() }
        let env = Self.bare([
            "AWS_ACCESS_KEY_ID": "ASIAEXPIRED000000001", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "old",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:\(server.port)",
        ])
        let session = try AWSSession(AWSSessionOptions(region: "us-west-2", environment: env))
        defer { Task { try? await session.shutdown() } }
        let error = await #expect(throws: AWSServiceError.self) { _ = try await session.sts.getCallerIdentity() }
        #expect(error?.code == "ExpiredToken")
        #expect(error?.message.contains("the credentials came from environment;") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("renew AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN") == true)
    }
}
