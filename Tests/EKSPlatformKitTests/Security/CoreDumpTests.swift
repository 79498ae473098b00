import CProcessHardening
import EKSPlatformTestSupport
import Foundation
import Testing

/// Issue 15, item 6: a crash must not leave a core file holding a 1Password value or a key. platformctl sets
/// RLIMIT_CORE to 0 and PR_SET_DUMPABLE to 0 before it does anything else.
@Suite("Security: no core dumps", .serialized)
struct CoreDumpTests {
    @Test("the hardening call leaves no core limit and a non-dumpable process")
    func hardeningCall() {
        #expect(process_hardening_disable_core_dumps() == 0)
        #expect(process_hardening_core_limit() == 0)
        #expect(process_hardening_dumpable() == 0)
    }

    @Test(
        "platformctl's own limit is 0 before it runs anything: a command run by `platformctl shell` inherits it",
        .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
    )
    func shellChildInheritsNoCoreLimit() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let fixture = try OperatorFixture(emulator: emulator, mfa: false)
        defer { fixture.remove() }
        let run = try await CLI.run(
            ["shell", "admin", "--config", fixture.config.path, "--", "sh", "-c", "ulimit -c; ulimit -H -c"],
            environment: fixture.environment
        )
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n") == ["0", "0"], "\(run.stdout)")
    }
}
