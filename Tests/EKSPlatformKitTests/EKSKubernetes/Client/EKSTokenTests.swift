import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// Whether python3 can import the aws CLI's get-token module (the token oracle).
func awscliAvailable() -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import awscli.customizations.eks.get_token"]
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

@Suite("EKS token")
struct EKSTokenTests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )

    @Test func knownAnswerAtAFixedTime() throws {
        let date = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        let token = try EKSToken.make(
            clusterName: "demo",
            region: try AWSRegion("us-west-2"),
            credentials: Self.credentials,
            date: date
        )
        let url = try #require(EKSToken.decodeBase64URL(String(token.value.dropFirst(11))))
        // The same inputs through `aws eks get-token`'s code (scripts/oracles/awscli_eks_token.py) give this URL.
        #expect(
            String(decoding: url, as: UTF8.self)
                == "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
                + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-west-2%2Fsts%2F"
                + "aws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"
                + "&X-Amz-Signature=0f068d5675ce9c5d6a8de6f8676bfd87806a2605dfef82dd3d59ad3c99c04eee"
        )
        #expect(token.expiration == date.addingTimeInterval(14 * 60))
        #expect(UTCTimestamp.format(token.expiration) == "2026-01-01T00:14:00Z")
        #expect(!token.value.contains("="))
        #expect(AuthenticatorTokenVerifier.verify(token.value, clusterID: "demo", now: date) == nil)
    }

    @Test(
        "matches aws eks get-token (awscli + botocore) on generated inputs",
        .enabled(if: awscliAvailable(), "python3 with awscli/botocore is needed as the oracle")
    )
    func differentialAgainstAWSCLI() async throws {
        var rng = SeededRandom(seed: 0xE45_70CE)
        let regions = ["us-west-2", "us-east-1", "eu-central-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
        let clusters = ["demo", "prod-eu", "a", "Cluster_With.Dots-1", "x" + String(repeating: "y", count: 99)]
        var cases: [[String: Any]] = []
        for index in 0..<60 {
            var entry: [String: Any] = [
                "cluster": clusters[Int(rng.next() % UInt64(clusters.count))],
                "region": regions[Int(rng.next() % UInt64(regions.count))],
                "epoch": 1_700_000_000 + Int(rng.next() % 100_000_000),
                "access_key": index % 2 == 0 ? "AKIAEXAMPLE\(index)" : "ASIAEXAMPLE\(index)",
                "secret_key": "secret/\(rng.next())+key",
            ]
            entry["token"] = index % 2 == 0 ? NSNull() : "FQoGZXIvYXdzE+/token==\(rng.next())"
            cases.append(entry)
        }
        let oracle = PackagePaths.root.appendingPathComponent("scripts/oracles/awscli_eks_token.py").path
        let input = try JSONSerialization.data(withJSONObject: cases)
        let result = try await Subprocess.run(
            ["python3", oracle],
            environment: ProcessInfo.processInfo.environment,
            stdin: Array(input)
        )
        try #require(result.status == 0, "oracle failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String: String]])
        try #require(expected.count == cases.count)
        var mismatches: [String] = []
        for (index, entry) in cases.enumerated() {
            let credentials = AWSCredentials(
                accessKeyID: entry["access_key"] as? String ?? "",
                secretAccessKey: entry["secret_key"] as? String ?? "",
                sessionToken: entry["token"] as? String
            )
            let date = Date(timeIntervalSince1970: TimeInterval(entry["epoch"] as? Int ?? 0))
            let cluster = entry["cluster"] as? String ?? ""
            let token = try EKSToken.make(
                clusterName: cluster,
                region: try AWSRegion(entry["region"] as? String ?? ""),
                credentials: credentials,
                date: date
            )
            let theirs = expected[index]
            let ourURL = String(decoding: EKSToken.decodeBase64URL(String(token.value.dropFirst(11))) ?? [], as: UTF8.self)
            if token.value != theirs["token"] || ourURL != theirs["url"] {
                mismatches.append("case \(index)\n ours:   \(ourURL)\n theirs: \(theirs["url"] ?? "nil")")
            }
            if UTCTimestamp.format(token.expiration) != theirs["expiration"] {
                mismatches.append("case \(index) expiration \(token.expiration) vs \(theirs["expiration"] ?? "nil")")
            }
            // Same parameters and the same signature, independently of order.
            let ours = Self.parameters(ourURL)
            let reference = Self.parameters(theirs["url"] ?? "")
            if ours != reference { mismatches.append("case \(index) parameters differ") }
            if let problem = AuthenticatorTokenVerifier.verify(token.value, clusterID: cluster, now: date) {
                mismatches.append("case \(index) rejected by the verifier: \(problem)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(4).joined(separator: "\n"))")
    }

    static func parameters(_ url: String) -> [String: String] {
        var out: [String: String] = [:]
        for item in URLComponents(string: url)?.queryItems ?? [] { out[item.name] = item.value ?? "" }
        return out
    }

    @Test func verifierRejectsBrokenTokens() throws {
        let date = Date(timeIntervalSince1970: 1_767_225_600)
        let url = try EKSToken.presignedURL(
            clusterName: "demo",
            region: try AWSRegion("us-west-2"),
            credentials: Self.credentials,
            date: date
        )
        func token(_ text: String) -> String { EKSToken.prefix + EKSToken.base64URL(Array(text.utf8)) }
        let good = url.absoluteString
        #expect(AuthenticatorTokenVerifier.verify(token(good), clusterID: "demo", now: date) == nil)
        #expect(AuthenticatorTokenVerifier.verify(token(good), clusterID: "demo", now: date + 15 * 60 + 1) != nil)
        #expect(AuthenticatorTokenVerifier.verify("k8s-aws-v2." + token(good).dropFirst(11), clusterID: "demo", now: date) != nil)
        #expect(
            AuthenticatorTokenVerifier.verify(
                token(good.replacingOccurrences(of: "https://", with: "http://")),
                clusterID: "demo",
                now: date
            ) != nil
        )
        #expect(
            AuthenticatorTokenVerifier.verify(
                token(good.replacingOccurrences(of: "sts.us-west-2.amazonaws.com", with: "evil.example.com")),
                clusterID: "demo",
                now: date
            ) != nil
        )
        #expect(
            AuthenticatorTokenVerifier.verify(
                token(good.replacingOccurrences(of: "host%3Bx-k8s-aws-id", with: "host")),
                clusterID: "demo",
                now: date
            )
                != nil
        )
        #expect(
            AuthenticatorTokenVerifier.verify(
                token(good.replacingOccurrences(of: "X-Amz-Expires=60", with: "X-Amz-Expires=901")),
                clusterID: "demo",
                now: date
            ) != nil
        )
        #expect(AuthenticatorTokenVerifier.verify(token(good + "&Extra=1"), clusterID: "demo", now: date) != nil)
        #expect(
            AuthenticatorTokenVerifier.verify(
                token(good.replacingOccurrences(of: "GetCallerIdentity", with: "AssumeRole")),
                clusterID: "demo",
                now: date
            ) != nil
        )
        #expect(
            AuthenticatorTokenVerifier.verify(
                EKSToken.prefix + String(repeating: "A", count: 4100),
                clusterID: "demo",
                now: date
            ) != nil
        )
        #expect(throws: EKSTokenError.self) {
            try EKSToken.make(clusterName: "", region: try AWSRegion("us-west-2"), credentials: Self.credentials)
        }
    }

    @Test func execCredentialAPIVersionEchoesKubernetesExecInfo() {
        final class Sink: @unchecked Sendable { var lines: [String] = [] }
        let sink = Sink()
        let warn: (String) -> Void = { sink.lines.append($0) }
        #expect(ExecCredential.negotiatedAPIVersion(execInfo: nil, warn: warn) == ExecCredential.v1beta1)
        #expect(
            ExecCredential.negotiatedAPIVersion(
                execInfo: #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{}}"#,
                warn: warn
            ) == ExecCredential.v1
        )
        #expect(
            ExecCredential.negotiatedAPIVersion(
                execInfo: #"{"apiVersion":"client.authentication.k8s.io/v1beta1"}"#,
                warn: warn
            ) == ExecCredential.v1beta1
        )
        #expect(sink.lines.isEmpty)
        #expect(
            ExecCredential.negotiatedAPIVersion(execInfo: #"{"apiVersion":"client.authentication.k8s.io/v2"}"#, warn: warn)
                == ExecCredential.v1beta1
        )
        #expect(sink.lines.count == 1 && sink.lines[0].contains("unrecognised apiVersion"))
        #expect(ExecCredential.negotiatedAPIVersion(execInfo: "{not json", warn: warn) == ExecCredential.v1beta1)
        #expect(sink.lines.count == 2)

        let credential = ExecCredential(
            apiVersion: ExecCredential.v1,
            token: "k8s-aws-v1.abc",
            expiration: Date(timeIntervalSince1970: 1_767_226_440)
        )
        #expect(
            credential.json()
                == #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{},"status":"#
                + #"{"expirationTimestamp":"2026-01-01T00:14:00Z","token":"k8s-aws-v1.abc"}}"# + "\n"
        )
        let parsed = try? ExecCredential.parse(Array(credential.json().utf8), command: "test")
        #expect(parsed == credential)
    }
}
