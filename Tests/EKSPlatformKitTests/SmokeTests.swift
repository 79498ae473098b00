import Testing

@testable import EKSPlatformKit

@Suite("Smoke")
struct SmokeTests {
    @Test func versionIsSemantic() {
        #expect(EKSPlatformKit.version.split(separator: ".").count == 3)
    }
}
