import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// Runs a command on a pseudo-terminal (Python's `pty`, so no expect or tmux is needed): waits for `prompt`, then
/// sends `reply` (bytes, e.g. "\u{03}" for Ctrl-C) and collects everything until the process ends.
enum PTY {
    static let driver = """
        import os, pty, select, sys, time
        prompt, reply, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(argv[0], argv)
        out = b""
        def read_until(token, seconds):
            global out
            end = time.time() + seconds
            while time.time() < end:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if not ready:
                    continue
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return False
                if not chunk:
                    return False
                out += chunk
                if token and token in out:
                    return True
            return False
        if read_until(prompt, 120):
            os.write(fd, reply)
        read_until(b"", 60)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(out.decode(errors="replace"))
        sys.stdout.write("\\nPTY-EXIT:%d\\n" % os.waitstatus_to_exitcode(status))
        """

    static func run(
        _ arguments: [String],
        waitFor prompt: String,
        reply: String,
        environment: [String: String]
    ) async throws -> (status: Int32, output: String) {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": "/nonexistent"]
        env.merge(environment) { _, new in new }
        let result = try await Subprocess.run(
            ["python3", "-c", driver, prompt, reply, CLI.binary] + arguments,
            environment: env
        )
        let text = String(decoding: result.stdout, as: UTF8.self)
        let status = text.components(separatedBy: "PTY-EXIT:").last.flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (status ?? -1, text)
    }
}

/// Issue 16: the header that says where you are, the prompt that repeats it, Ctrl-C at the prompt, and `--region`
/// that disagrees with the file.
@Suite(
    "platformctl on a terminal: header, prompt, Ctrl-C",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct InteractiveSessionTests {
    @Test("header names cluster, region, masked account, identity; Ctrl-C at the prompt exits 130 and changes nothing")
    func ctrlCAtThePrompt() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let path = try makeTemporaryDirectory("pty") + "/platform.yaml"
        var text = PlatformTemplate.yaml(name: "tty", region: "us-west-2")
        if let range = text.range(of: "  gitops:"), let tags = text.range(of: "  tags:") {
            text.removeSubrange(range.lowerBound..<tags.lowerBound)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let env = ["AWS_ACCESS_KEY_ID": "AKIAPTYTEST000000001", "AWS_SECRET_ACCESS_KEY": "pty-secret"]
        let common = ["--config", path, "--endpoint-url", emulator.endpoint.absoluteString]

        let up = try await PTY.run(["up"] + common, waitFor: "[y/N]", reply: "\u{03}", environment: env)
        #expect(up.status == 130, "\(up.output)")
        #expect(up.output.contains("platformctl up · cluster tty · region us-west-2 · account ************ · identity"))
        #expect(up.output.contains("Apply these changes to cluster tty in us-west-2? [y/N]"))
        #expect(up.output.contains("nothing was changed"))
        #expect(!up.output.contains(AWSEmulator.accountID))
        let operations = try await EngineEmulatorTests.operations(emulator)
        let writes = operations.filter { !["Describe", "List", "Get"].contains(where: $0.hasPrefix) }
        #expect(!operations.isEmpty)
        #expect(writes.isEmpty, "no write after Ctrl-C at the prompt: \(writes)")

        // down on a terminal wants the cluster's name typed; anything else cancels.
        let down = try await PTY.run(["down"] + common, waitFor: "to confirm:", reply: "ttx\n", environment: env)
        #expect(down.status == 1, "\(down.output)")
        #expect(down.output.contains("Destroy platform tty in us-west-2? Type its name to confirm:"))
        #expect(down.output.contains("cancelled; nothing was deleted"))

        // status of a platform that does not exist says so in one line.
        let status = try await CLI.run(["status"] + common, environment: env)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("platform tty does not exist in us-west-2"))
        #expect(!status.stdout.contains("missing"))
        #expect(status.stderr.contains("platformctl status · cluster tty · region us-west-2"))

        // --region that disagrees with spec.region is refused before any request.
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let elsewhere = try await CLI.run(["plan", "--region", "eu-west-1"] + common, environment: env)
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.contains("--region eu-west-1 differs from spec.region us-west-2"))
        #expect(try await EngineEmulatorTests.operations(emulator).isEmpty)
    }
}
