import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("Smoke")
struct SmokeTests {
    @Test func versionIsSemantic() {
        #expect(EKSPlatformKit.version.split(separator: ".").count == 3)
    }
}
