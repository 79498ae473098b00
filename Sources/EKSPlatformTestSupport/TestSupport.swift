import EKSPlatformKit

/// Helpers shared by the test suites.
public enum TestSupport {}
