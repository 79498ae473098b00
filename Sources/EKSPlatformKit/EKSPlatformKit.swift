// A program that imports EKSPlatformKit also gets the AWS and Kubernetes layers it is built on; either of those can
// be imported alone (`import EKSAWS`, `import EKSKubernetes`) by a tool that needs only that layer.
@_exported import EKSAWS
@_exported import EKSKubernetes

/// Namespace for library-wide constants.
public enum EKSPlatformKit {
    /// The library's version, reported by `platformctl --version` and, through ``AWSClient/userAgent``, in the
    /// `User-Agent` of every AWS request.
    public static let version = AWSClient.libraryVersion
}
