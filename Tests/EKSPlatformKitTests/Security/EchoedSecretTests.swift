import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS

/// Issue 15, item 9: an endpoint that echoes the session token or an account id in an error body must not get them
/// printed: every credential secret is registered with the session's redactor wherever it came from, and error
/// snippets never show a 12-digit account id.
@Suite("Security: secrets echoed in error bodies stay masked", .serialized)
struct EchoedSecretTests {
    static let token = "IQoJb3JpZ2luX2VjEECHOEDSESSIONTOKENFROMTHEENVIRONMENT0001"
    static let secret = "echoed-secret-key-from-the-environment"

    func run(_ body: String, contentType: String) async throws -> (raw: String, shown: String) {
        let server = try LoopbackHTTPServer { _ in
            "HTTP/1.1 400 Bad Request\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n\(body)"
        }
        defer { server.stop() }
        let redactor = Redactor()
        let session = try AWSSession(
            AWSSessionOptions(
                region: "us-west-2",
                endpointURL: URL(string: "http://127.0.0.1:\(server.port)"),
                maxAttempts: 1,
                environment: [
                    "AWS_ACCESS_KEY_ID": "ASIAECHOTEST00000001", "AWS_SECRET_ACCESS_KEY": Self.secret,
                    "AWS_SESSION_TOKEN": Self.token, "AWS_CONFIG_FILE": "/nonexistent",
                    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                ],
                redactor: redactor
            )
        )
        defer { Task { try? await session.shutdown() } }
        do {
            _ = try await session.sts.getCallerIdentity()
            Issue.record("the call should fail")
            return ("", "")
        } catch {
            return ("\(error)", redactor.redact("\(error)"))
        }
    }

    @Test("a well-formed error whose message echoes the token: the message shown has it masked")
    func echoedInAnErrorMessage() async throws {
        let body = """
            <ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>\
            <Message>token \(Self.token) and key \(Self.secret) are invalid for account 123456789012</Message>\
            </Error><RequestId>r-1</RequestId></ErrorResponse>
            """
        let (raw, shown) = try await run(body, contentType: "text/xml")
        #expect(raw.contains("InvalidClientTokenId"))
        #expect(!shown.contains(Self.token) && !shown.contains(Self.secret), "\(shown)")
    }

    @Test("an unparseable body is shown as a snippet without account ids")
    func echoedInASnippet() async throws {
        let body = "<html>account 123456789012 says no; arn:aws:iam::210987654321:role/x</html>"
        let (raw, shown) = try await run(body, contentType: "text/html")
        #expect(!raw.contains("123456789012") && !raw.contains("210987654321"), "\(raw)")
        #expect(!shown.contains("123456789012"), "\(shown)")
    }
}
