/// Facts about the fake itself.
public enum KubeFakeInfo {
    /// The Kubernetes minor version the fake reports from `/version`.
    public static let minorVersion = "32"
}
