import EKSAWS
import EKSKubernetes

/// One file of the rendered GitOps tree.
public struct RenderedFile: Sendable, Equatable {
    /// The path relative to the output directory, with `/` separators, e.g. `platform/nodepools/nodepool.yaml`.
    public var path: String
    /// The full file contents.
    public var contents: String

    /// Creates a rendered file.
    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}
