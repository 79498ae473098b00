import EKSPlatformKit
import Foundation
import Testing

/// Issue 16: a visible `completion` command and a man page generated from the command tree.
@Suite(
    "platformctl completion and man",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct CompletionCommandTests {
    @Test func bashCompletionIsValidBashAndKnowsTheCommands() async throws {
        let script = try await CLI.run(["completion", "bash"])
        #expect(script.status == 0)
        for command in ["plan", "up", "down", "pin-flux", "credential-process", "completion"] {
            #expect(script.stdout.contains(command), "\(command)")
        }
        let file = try makeTemporaryDirectory("completion") + "/platformctl.bash"
        try script.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let syntax = try await Subprocess.run(["bash", "-n", file], environment: ["PATH": "/usr/bin:/bin"])
        #expect(syntax.status == 0, "\(String(decoding: syntax.stderr, as: UTF8.self))")
        #expect(try await CLI.run(["completion", "zsh"]).stdout.hasPrefix("#compdef platformctl"))
        #expect(try await CLI.run(["completion", "fish"]).stdout.contains("complete -c 'platformctl'"))
        let unknown = try await CLI.run(["completion", "tcsh"])
        #expect(unknown.status != 0 && unknown.stderr.contains("use bash, zsh or fish"))
    }

    @Test func manPageRendersWithEveryCommand() async throws {
        let page = try await CLI.run(["man"])
        #expect(page.status == 0)
        #expect(page.stdout.hasPrefix(".TH PLATFORMCTL 1 "))
        for command in ["init", "plan", "up", "status", "down", "token", "kubeconfig", "shell", "pin-flux"] {
            #expect(page.stdout.contains(".SS \(command)\n"), "\(command)")
        }
        #expect(page.stdout.contains("130 interrupted"))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") else { return }
        let file = try makeTemporaryDirectory("man") + "/platformctl.1"
        try page.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let rendered = try await Subprocess.run(
            ["groff", "-man", "-Tutf8", "-ww", "-z", file],
            environment: ["PATH": "/usr/bin:/bin"]
        )
        #expect(rendered.status == 0)
        #expect(rendered.stderr.isEmpty, "groff warnings: \(String(decoding: rendered.stderr, as: UTF8.self))")
    }
}
