/// Namespace for library-wide constants.
public enum EKSPlatformKit {
    /// The library's version, reported by `platformctl --version` and in the AWS `User-Agent`.
    public static let version = "0.1.0"
}
