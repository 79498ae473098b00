import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS

/// Suites that need something outside the package (`../shared`, kubectl, botocore, a built binary) skip themselves,
/// with the reason, where it is missing: fine on a laptop. In CI (`CI` set) a skip would hide a broken set-up, so this
/// suite fails there, naming each missing prerequisite and what installs it.
@Suite("CI has every prerequisite the skippable suites need")
struct PrerequisitesTests {
    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Each prerequisite: whether it is there, and how to get it.
    static func prerequisites() -> [(name: String, present: Bool, fix: String)] {
        let shared = PackagePaths.shared
        func sharedFile(_ path: String) -> Bool {
            shared.map { FileManager.default.fileExists(atPath: $0.appendingPathComponent(path).path) } ?? false
        }
        let path = ProcessInfo.processInfo.environment["PATH"]
        let built = PackagePaths.root.appendingPathComponent(".build/debug")
        return [
            ("../shared/crds", sharedFile("crds/karpenter.sh_nodepools.yaml"), "check out shared/ beside the package"),
            ("../shared/charts", sharedFile("charts/karpenter-values.yaml"), "check out shared/ beside the package"),
            ("../shared/fixtures/moto", sharedFile("fixtures/moto"), "check out shared/ beside the package"),
            ("kubectl", Subprocess.locate("kubectl", path: path) != nil, "install kubectl (scripts/lib/setup.sh)"),
            ("openssl", Subprocess.locate("openssl", path: path) != nil, "apt-get install openssl"),
            ("python3 with botocore", botocoreAvailable(), "pip install botocore (scripts/lib/setup.sh)"),
            ("python3 with awscli", awscliAvailable(), "pip install awscli (scripts/lib/setup.sh)"),
            (
                ".build/debug/platformctl",
                FileManager.default.fileExists(atPath: built.appendingPathComponent("platformctl").path),
                "swift build --build-tests before swift test --skip-build"
            ),
            (
                ".build/debug/AtomicWriteHelper",
                FileManager.default.fileExists(atPath: built.appendingPathComponent("AtomicWriteHelper").path),
                "swift build --build-tests before swift test --skip-build"
            ),
        ]
    }

    @Test("nothing a suite needs is missing when CI is set", .enabled(if: inCI, "only enforced in CI"))
    func nothingMissingInCI() {
        let missing = Self.prerequisites().filter { !$0.present }
        let list = missing.map { "\($0.name) (\($0.fix))" }.joined(separator: "; ")
        #expect(missing.isEmpty, "CI is set but these are missing, so suites would have skipped: \(list)")
    }
}
