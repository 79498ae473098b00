import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("SigV4 signer")
struct SigV4SignerTests {
    static let docCredentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    /// 2015-08-30T12:36:00Z, the date of the AWS documentation examples.
    static let docDate = Date(timeIntervalSince1970: 1_440_938_160)

    func authorization(_ headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name == "authorization" }?.value
    }

    @Test("AWS test suite: get-vanilla")
    func getVanilla() throws {
        let signer = SigV4Signer(credentials: Self.docCredentials, region: "us-east-1", service: "service")
        let url = try #require(URL(string: "https://example.amazonaws.com/"))
        let headers = signer.signHeaders(
            method: "GET",
            url: url,
            headers: [],
            body: [],
            date: Self.docDate,
            addContentSHA256: false
        )
        #expect(
            authorization(headers)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
        #expect(headers.contains { $0.name == "x-amz-date" && $0.value == "20150830T123600Z" })
    }

    @Test("AWS test suite: post-vanilla")
    func postVanilla() throws {
        let signer = SigV4Signer(credentials: Self.docCredentials, region: "us-east-1", service: "service")
        let url = try #require(URL(string: "https://example.amazonaws.com/"))
        let headers = signer.signHeaders(
            method: "POST",
            url: url,
            headers: [],
            body: [],
            date: Self.docDate,
            addContentSHA256: false
        )
        #expect(authorization(headers)?.hasSuffix("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b") == true)
    }

    @Test("AWS documentation: IAM ListUsers canonical request and signature")
    func iamListUsers() throws {
        let signer = SigV4Signer(credentials: Self.docCredentials, region: "us-east-1", service: "iam")
        let url = try #require(URL(string: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"))
        let contentType = ("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        let canonical = signer.canonicalRequest(
            method: "GET",
            url: url,
            headers: [contentType, ("host", "iam.amazonaws.com"), ("x-amz-date", "20150830T123600Z")],
            payloadHash: SigV4Signer.emptyPayloadHash
        )
        #expect(
            SigV4Signer.hexSHA256(Array(canonical.request.utf8))
                == "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        )
        let headers = signer.signHeaders(
            method: "GET",
            url: url,
            headers: [contentType],
            body: [],
            date: Self.docDate,
            addContentSHA256: false
        )
        #expect(
            authorization(headers)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        )
    }

    @Test("session tokens and the payload hash are signed")
    func sessionToken() throws {
        var credentials = Self.docCredentials
        credentials.sessionToken = "token/with+chars="
        let signer = SigV4Signer(credentials: credentials, region: "us-west-2", service: "eks")
        let url = try #require(URL(string: "http://127.0.0.1:5000/clusters"))
        let headers = signer.signHeaders(method: "GET", url: url, headers: [], body: [], date: Self.docDate)
        let auth = try #require(authorization(headers))
        #expect(auth.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"))
        #expect(headers.contains { $0.name == "host" && $0.value == "127.0.0.1:5000" })
        #expect(headers.contains { $0.name == "x-amz-content-sha256" && $0.value == SigV4Signer.emptyPayloadHash })
    }

    @Test("canonical URI removes dot segments and double-encodes")
    func canonicalURI() {
        #expect(SigV4Signer.canonicalURI("") == "/")
        #expect(SigV4Signer.canonicalURI("/a/./b/../c//d/") == "/a/c/d/")
        #expect(SigV4Signer.canonicalURI("/with%20space/%C3%A9") == "/with%2520space/%25C3%25A9")
        #expect(SigV4Signer.canonicalQuery("b=2&a=&a=1&c") == "a=&a=1&b=2&c=")
    }

    // MARK: - Differential test against botocore

    struct Case {
        var mode: String
        var method: String
        var url: String
        var headers: [(String, String)]
        var body: [UInt8]
        var token: String?
        var region: String
        var service: String
        var expires: Int
        var epoch: Int
        var explicitPayloadHash: Bool

        var json: [String: Any] {
            [
                "mode": mode, "method": method, "url": url, "headers": headers.map { [$0.0, $0.1] },
                "body_b64": Data(body).base64EncodedString(), "epoch": epoch, "access_key": "AKIDEXAMPLE",
                "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token": token ?? NSNull(),
                "region": region, "service": service, "expires": expires,
            ]
        }
    }

    static func generateCases(count: Int) -> [Case] {
        var rng = SeededRandom(seed: 0x5167_4E52)
        let words = [
            "a", "path", "with space", "caf\u{e9}", "\u{65e5}\u{672c}", "x~y", "semi;colon", "plus+sign",
            "..", ".", "", "q=1", "100%", "tab\there",
        ]
        let values = ["", "1", "two words", "a+b", "\u{fc}ber", "slash/inside", "equals=sign", "~tilde", "*star"]
        var cases: [Case] = []
        for index in 0..<count {
            let presign = index % 4 == 3
            let host = rng.pick([
                "https://example.amazonaws.com", "http://127.0.0.1:5055", "https://sts.us-west-2.amazonaws.com:443",
                "http://localhost:80",
            ])
            var path = ""
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                path += "/" + AWSURIEncoding.encode(rng.pick(words))
            }
            if path.isEmpty || rng.chance(0.2) { path += "/" }
            var query: [String] = []
            var usedKeys: Set<String> = []
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                let key = rng.pick(["Action", "Version", "k", "Filter.1.Name", "empty", "\u{e9}t\u{e9}", "a b"])
                if presign && usedKeys.contains(key) { continue }
                usedKeys.insert(key)
                let value = rng.pick(values)
                if !presign && rng.chance(0.1) {
                    query.append(AWSURIEncoding.encode(key))
                } else {
                    query.append("\(AWSURIEncoding.encode(key))=\(AWSURIEncoding.encode(value))")
                }
            }
            let url = host + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
            var headers: [(String, String)] = []
            if rng.chance(0.5) { headers.append(("X-Amz-Target", "AWSEvents.PutRule")) }
            if rng.chance(0.5) { headers.append(("X-Test-Spaces", "  lots   of\t spaces  here ")) }
            if rng.chance(0.3) { headers.append(("X-Repeated", "one")); headers.append(("x-repeated", "two  three")) }
            if presign { headers.append(("x-k8s-aws-id", rng.pick(["dev", "prod-cluster"]))) }
            var body: [UInt8] = []
            if !presign && rng.chance(0.6) {
                body = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            let explicitHash = !presign && rng.chance(0.5)
            if explicitHash { headers.append(("X-Amz-Content-SHA256", SigV4Signer.hexSHA256(body))) }
            if !presign && rng.chance(0.4) { headers.append(("Content-Type", "application/x-amz-json-1.1")) }
            cases.append(
                Case(
                    mode: presign ? "presign" : "headers",
                    method: presign ? "GET" : rng.pick(["GET", "POST", "PUT", "DELETE", "HEAD"]),
                    url: url,
                    headers: headers,
                    body: body,
                    token: rng.chance(0.4) ? "IQoJb3JpZ2luX2VjE/token+value==" : nil,
                    region: rng.pick(["us-east-1", "us-west-2", "cn-north-1", "us-gov-west-1"]),
                    service: rng.pick(["sts", "ec2", "eks", "iam", "events"]),
                    expires: rng.pick([60, 900, 3600]),
                    epoch: 1_700_000_000 + Int.random(in: 0...100_000_000, using: &rng),
                    explicitPayloadHash: explicitHash
                )
            )
        }
        return cases
    }

    @Test(
        "matches botocore's signer on 240 generated requests and presigned URLs",
        .enabled(if: botocoreAvailable(), "python3 with botocore is needed as the oracle")
    )
    func differentialAgainstBotocore() async throws {
        let cases = Self.generateCases(count: 240)
        let input = try JSONSerialization.data(withJSONObject: cases.map(\.json))
        let oracle = PackagePaths.root.appendingPathComponent("scripts/oracles/botocore_sigv4.py").path
        let result = try await Subprocess.run(
            ["python3", oracle],
            environment: ProcessInfo.processInfo.environment,
            stdin: Array(input)
        )
        try #require(result.status == 0, "oracle failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String: String]])
        try #require(expected.count == cases.count)
        var mismatches: [String] = []
        for (index, testCase) in cases.enumerated() {
            let credentials = AWSCredentials(
                accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: testCase.token
            )
            let signer = SigV4Signer(credentials: credentials, region: testCase.region, service: testCase.service)
            let url = try #require(URL(string: testCase.url), "case \(index): \(testCase.url)")
            let date = Date(timeIntervalSince1970: TimeInterval(testCase.epoch))
            let ours: String?
            let theirs: String?
            if testCase.mode == "presign" {
                ours =
                    signer.presign(
                        url: url,
                        headers: testCase.headers.map { ($0.0, $0.1) },
                        expires: testCase.expires,
                        date: date
                    ).absoluteString
                theirs = expected[index]["url"]
            } else {
                let headers = signer.signHeaders(
                    method: testCase.method,
                    url: url,
                    headers: testCase.headers.map { ($0.0, $0.1) },
                    body: testCase.body,
                    date: date,
                    addContentSHA256: false
                )
                ours = authorization(headers)
                theirs = expected[index]["authorization"]
            }
            if ours != theirs {
                mismatches.append(
                    "case \(index) \(testCase.mode) \(testCase.method) \(testCase.url)\n ours:   \(ours ?? "nil")\n theirs: \(theirs ?? "nil")"
                )
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(5).joined(separator: "\n"))")
        #expect(cases.filter { $0.mode == "presign" }.count >= 50)
    }
}

/// Whether python3 can import botocore (the signer oracle).
func botocoreAvailable() -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import botocore"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    } catch {
        return false
    }
}
