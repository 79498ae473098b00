import EKSPlatformKit
import Foundation
import Testing

@testable import platformctl

@Suite("EKS token: the cache-hit fast path")
struct EKSTokenFastPathTests {
    typealias Request = TokenFastPathRequest

    @Test("only the plain exec-stanza arguments are taken; anything else goes to the full parser")
    func parse() {
        #expect(
            Request.parse(["--cluster-name", "dev", "--region", "us-west-2"])
                == Request(clusterName: "dev", region: "us-west-2")
        )
        #expect(
            Request.parse(["--region=eu-west-1", "--cluster-name=dev", "--role-arn", "arn:aws:iam::1:role/x", "--profile", "p"])
                == Request(clusterName: "dev", region: "eu-west-1", roleARN: "arn:aws:iam::1:role/x", profile: "p")
        )
        #expect(Request.parse(["--cluster-name", "dev"]) == Request(clusterName: "dev"))
        for arguments in [
            [], ["--region", "us-west-2"], ["--cluster-name"], ["--cluster-name", ""], ["--cluster-name="],
            ["--cluster-name", "dev", "--no-cache"], ["--cluster-name", "dev", "--help"], ["-h"],
            ["--cluster-name", "dev", "--cluster-name", "other"], ["--cluster-name", "dev", "--role", "admin"],
            ["--cluster-name", "dev", "--endpoint-url", "http://127.0.0.1:1"], ["--cluster-name", "--region"],
            ["dev"], ["--cluster-name", "dev", "extra"],
        ] {
            #expect(Request.parse(arguments) == nil, "\(arguments)")
        }
    }

    @Test("a cache hit gives exactly the full command's ExecCredential; a miss or a problem gives nil")
    func cachedCredential() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("fastpath-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = [
            "HOME": home, "XDG_CACHE_HOME": home + "/cache", "AWS_CONFIG_FILE": home + "/none",
            "AWS_SHARED_CREDENTIALS_FILE": home + "/none", "AWS_ACCESS_KEY_ID": "AKIAFASTPATHTEST0001",
            "AWS_SECRET_ACCESS_KEY": "fast-path-secret",
        ]
        let request = Request(clusterName: "dev", region: "us-west-2")
        #expect(
            EKSTokenProvider.cachedExecCredentialJSON(for: request.options(environment: environment), environment: environment)
                == nil
        )

        let provider = try EKSTokenProvider(.init(clusterName: "dev", region: "us-west-2", environment: environment))
        let token = try await provider.freshToken()
        let expected = ExecCredential(apiVersion: ExecCredential.v1beta1, token: token.value, expiration: token.expiration)
        #expect(
            EKSTokenProvider.cachedExecCredentialJSON(for: request.options(environment: environment), environment: environment)
                == expected.json()
        )

        var v1 = environment
        v1["KUBERNETES_EXEC_INFO"] = #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#
        let v1Expected = ExecCredential(apiVersion: ExecCredential.v1, token: token.value, expiration: token.expiration)
        #expect(
            EKSTokenProvider.cachedExecCredentialJSON(for: request.options(environment: v1), environment: v1) == v1Expected.json()
        )

        // Problems that deserve a message are left to the full command.
        var garbled = environment
        garbled["KUBERNETES_EXEC_INFO"] = "{not json"
        #expect(
            EKSTokenProvider.cachedExecCredentialJSON(for: request.options(environment: garbled), environment: garbled) == nil
        )
        #expect(
            EKSTokenProvider.cachedExecCredentialJSON(
                for: Request(clusterName: "other", region: "us-west-2").options(environment: environment),
                environment: environment
            ) == nil
        )
        #expect(
            EKSTokenProvider.cachedExecCredentialJSON(
                for: request.options(environment: environment),
                environment: environment,
                now: token.expiration.addingTimeInterval(-30)
            ) == nil,
            "within the reuse margin of expiry"
        )
        let file = try #require(
            try FileManager.default.contentsOfDirectory(atPath: home + "/cache/platformctl/tokens").first
        )
        chmod(home + "/cache/platformctl/tokens/" + file, 0o644)
        #expect(
            EKSTokenProvider.cachedExecCredentialJSON(for: request.options(environment: environment), environment: environment)
                == nil
        )
    }
}
