import EKSAWS
import EKSPlatformTestSupport
import Foundation
import Testing

/// Issue 16: IAM Identity Center (SSO) profiles against a loopback fake of the portal and of SSO OIDC: the token
/// cache `aws sso login` writes (its file name computed by botocore, not by us), a refresh through CreateToken, and a
/// clear "log in again" when nothing can be refreshed. botocore resolves the same profile as `sso`.
@Suite("SSO profiles")
struct SSOCredentialTests {
    static func answer(_ status: String, _ body: String) -> String {
        "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(body)"
    }

    @Test func ssoSessionProfileWithCacheAndRefresh() async throws {
        let server = try LoopbackHTTPServer(respondToHead: { head in
            let request = head.components(separatedBy: "\r\n").first ?? ""
            let lowered = head.lowercased()
            if request.hasPrefix("POST /token ") {
                return Self.answer("200 OK", #"{"accessToken":"refreshed-token","expiresIn":3600,"refreshToken":"r2"}"#)
            }
            guard request.hasPrefix("GET /federation/credentials?"), request.contains("account_id=111122223333"),
                request.contains("role_name=Admin")
            else { return Self.answer("404 Not Found", "{}") }
            guard
                lowered.contains("x-amz-sso_bearer_token: valid-token")
                    || lowered.contains("x-amz-sso_bearer_token: refreshed-token")
            else {
                return Self.answer("401 Unauthorized", #"{"message":"Session token not found or invalid"}"#)
            }
            return Self.answer(
                "200 OK",
                #"{"roleCredentials":{"accessKeyId":"ASIASSOROLE000000001","secretAccessKey":"sso-secret","#
                    + #""sessionToken":"sso-session-token","expiration":4102444800000}}"#
            )
        })
        defer { server.stop() }
        let home = try makeTemporaryDirectory("sso-home")
        try FileManager.default.createDirectory(atPath: home + "/.aws/sso/cache", withIntermediateDirectories: true)
        try """
        [profile dev]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = Admin
        region = us-west-2

        [sso-session corp]
        sso_region = us-east-1
        sso_start_url = https://corp.awsapps.com/start
        """.write(toFile: home + "/.aws/config", atomically: true, encoding: .utf8)
        let endpoint = "http://127.0.0.1:\(server.port)"
        let env = [
            "HOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "AWS_PROFILE": "dev",
            "AWS_CONFIG_FILE": home + "/.aws/config", "AWS_SHARED_CREDENTIALS_FILE": home + "/.aws/credentials",
            "AWS_ENDPOINT_URL_SSO": endpoint, "AWS_ENDPOINT_URL_SSO_OIDC": endpoint, "AWS_EC2_METADATA_DISABLED": "true",
        ]
        // The cache file name as botocore computes it (an independent oracle for ours).
        let script =
            "from botocore.utils import SSOTokenLoader\nprint(SSOTokenLoader(cache=None)._generate_cache_key("
            + "'https://corp.awsapps.com/start', 'corp'))"
        let key = try await Subprocess.run(["python3", "-c", script], environment: env)
        let cacheFile =
            home + "/.aws/sso/cache/"
            + String(decoding: key.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) + ".json"
        func writeCache(token: String, expires: String, refresh: Bool) throws {
            var object: [String: String] = [
                "accessToken": token, "expiresAt": expires, "region": "us-east-1",
                "startUrl": "https://corp.awsapps.com/start",
            ]
            if refresh {
                object["refreshToken"] = "r1"
                object["clientId"] = "client-1"
                object["clientSecret"] = "client-secret-1"
            }
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: cacheFile))
        }
        func resolve() async throws -> AWSCredentials {
            let session = try AWSSession(AWSSessionOptions(region: "us-west-2", environment: env))
            defer { Task { try? await session.shutdown() } }
            return try await session.credentials.credentials()
        }

        try writeCache(token: "valid-token", expires: "2099-01-01T00:00:00Z", refresh: false)
        let credentials = try await resolve()
        #expect(credentials.accessKeyID == "ASIASSOROLE000000001" && credentials.sessionToken == "sso-session-token")
        #expect(credentials.source == "profile dev (sso)")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 4_102_444_800))
        let method = try await Subprocess.run(
            ["python3", "-c", "import botocore.session\nprint(botocore.session.get_session().get_credentials().method)"],
            environment: env
        )
        #expect(String(decoding: method.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "sso")

        // Expired, with a refresh token and client registration: CreateToken, the cache is updated, credentials follow.
        try writeCache(token: "old-token", expires: "2020-01-01T00:00:00Z", refresh: true)
        #expect(try await resolve().accessKeyID == "ASIASSOROLE000000001")
        let updated = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cacheFile))) as? [String: Any]
        let newToken = updated?["accessToken"] as? String
        let newRefresh = updated?["refreshToken"] as? String
        #expect(newToken == "refreshed-token")
        #expect(newRefresh == "r2")
        #expect(server.requestLines.contains { $0.hasPrefix("POST /token ") })

        // Expired and nothing to refresh with: the fix is named.
        try writeCache(token: "old-token", expires: "2020-01-01T00:00:00Z", refresh: false)
        let error = await #expect(throws: AWSClientError.self) { _ = try await resolve() }
        #expect(error?.message.contains("run `aws sso login --profile dev`") == true, "\(error?.message ?? "")")
    }
}
