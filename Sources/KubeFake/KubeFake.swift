/// A fake Kubernetes API server for tests (see shared/reference/kube-fake-spec.md).
public enum KubeFakeInfo {
    /// The Kubernetes minor version the fake reports from `/version`.
    public static let minorVersion = "32"
}
