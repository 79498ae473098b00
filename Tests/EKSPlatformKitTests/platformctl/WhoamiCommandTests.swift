import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// Runs the built `platformctl` binary and captures what it prints.
enum CLI {
    static var binary: String { PackagePaths.root.appendingPathComponent(".build/debug/platformctl").path }

    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: [UInt8] = []
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        // No instance role from the machine the tests run on, even on EC2: the metadata source is off unless a test
        // turns it back on.
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        env.merge(environment) { _, new in new }
        let result = try await Subprocess.run([binary] + arguments, environment: env, stdin: stdin)
        return (result.status, String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self))
    }
}

@Suite("platformctl whoami", .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl"))
struct WhoamiCommandTests {
    @Test func masksTheAccountIDByDefault() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let env = ["AWS_ACCESS_KEY_ID": "AKIAWHOAMITEST000001", "AWS_SECRET_ACCESS_KEY": "whoami-secret-value"]
        let text = try await CLI.run(
            ["whoami", "--endpoint-url", emulator.endpoint.absoluteString, "--region", "us-west-2"],
            environment: env
        )
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("arn:aws:sts::************:user/moto"))
        #expect(!text.stdout.contains(AWSEmulator.accountID) && !text.stderr.contains(AWSEmulator.accountID))
        #expect(!text.stdout.contains("whoami-secret-value"))

        let json = try await CLI.run(
            ["whoami", "--endpoint-url", emulator.endpoint.absoluteString, "--region", "us-west-2", "--output", "json"],
            environment: env
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: String])
        #expect(object["account"] == "************")
        #expect(object["region"] == "us-west-2")

        let debug = try await CLI.run(
            ["whoami", "--endpoint-url", emulator.endpoint.absoluteString, "--region", "us-west-2", "--debug"],
            environment: env
        )
        #expect(debug.stderr.contains("sts GetCallerIdentity attempt 1: HTTP 200"))
        #expect(!debug.stderr.contains("whoami-secret-value") && !debug.stderr.contains("AKIAWHOAMITEST000001"))
        #expect(!debug.stderr.contains(AWSEmulator.accountID))

        let revealed = try await CLI.run(
            ["whoami", "--endpoint-url", emulator.endpoint.absoluteString, "--region", "us-west-2", "--show-account-id"],
            environment: env
        )
        #expect(revealed.stdout.contains("arn:aws:sts::\(AWSEmulator.accountID):user/moto"))
    }

    @Test func badInputFailsClearly() async throws {
        let region = try await CLI.run(
            ["whoami", "--region", "atlantis-1"],
            environment: ["AWS_ACCESS_KEY_ID": "AKIAWHOAMITEST000001", "AWS_SECRET_ACCESS_KEY": "x"]
        )
        #expect(region.status != 0)
        #expect(region.stderr.contains("unknown AWS region \"atlantis-1\""))
        let endpoint = try await CLI.run(["whoami", "--endpoint-url", "not a url", "--region", "us-west-2"])
        #expect(endpoint.status != 0)
        #expect(endpoint.stderr.contains("--endpoint-url"))
        let nothing = try await CLI.run(["whoami", "--region", "us-west-2"])
        #expect(nothing.status != 0)
        #expect(nothing.stderr.contains("no AWS credentials found; tried:"))
    }
}
