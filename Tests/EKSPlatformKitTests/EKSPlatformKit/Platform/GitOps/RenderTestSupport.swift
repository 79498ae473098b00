import EKSPlatformTestSupport
import Foundation

/// Paths shared by the render tests.
enum RenderPaths {
    /// The package root.
    static let packageRoot: URL = PackagePaths.root

    /// `../shared` beside the package.
    static let shared: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// Whether `../shared/crds` exists.
    static let hasSharedCRDs: Bool = FileManager.default.fileExists(atPath: shared.appendingPathComponent("crds").path)

    /// Whether `../shared/charts/karpenter-values.yaml` exists.
    static let hasSharedChart: Bool = FileManager.default.fileExists(
        atPath: shared.appendingPathComponent("charts/karpenter-values.yaml").path
    )

    static var examplePlatform: URL { packageRoot.appendingPathComponent("Examples/platform.yaml") }
    static var kubeTree: URL { packageRoot.appendingPathComponent("kube") }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("render-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// All regular files under `directory`, as sorted relative paths.
    static func files(under directory: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        let base = directory.standardizedFileURL.path
        var result: [String] = []
        for case let url as URL in enumerator
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            result.append(String(url.standardizedFileURL.path.dropFirst(base.count + 1)))
        }
        return result.sorted()
    }
}
