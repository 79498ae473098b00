import EKSPlatformKit

extension FuzzHarness {
    /// `Kubeconfig.parse(_:path:)` and `resolve(context:)`: a model or a ``KubeconfigError`` naming the file.
    public static let kubeconfig = FuzzHarness(name: "FuzzKubeconfig") { bytes in
        let path = "/fuzz/.kube/config"
        do {
            let config = try Kubeconfig.parse(String(decoding: bytes, as: UTF8.self), path: path)
            _ = config.filePath("certs/ca.crt")
            for context in [nil] + config.contexts.map(\.name) {
                do {
                    _ = try config.resolve(context: context)
                } catch let error as KubeconfigError {
                    guard error.path == path else { throw error }
                }
            }
        } catch let error as KubeconfigError {
            guard error.path == path else {
                throw FuzzInvariantViolation("FuzzKubeconfig", "an error naming another file: \(error)")
            }
            _ = error.description
        } catch {
            throw FuzzInvariantViolation("FuzzKubeconfig", "untyped error \(type(of: error)): \(error)")
        }
    }
}
