import EKSAWS
import EKSKubernetes
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a rendered tree to disk: each file replaced atomically (temporary file + rename), unchanged files left
/// alone, and files it generated earlier (recognised by ``GitOpsRenderer/header``) removed when no longer rendered.
/// Files without the header (hand-written files, `flux-system/` from a bootstrap) are never touched.
public struct GitOpsTreeWriter: Sendable {
    /// What a write did.
    public struct Report: Sendable, Equatable {
        /// Files created or changed (relative paths).
        public var written: [String] = []
        /// Files whose contents were already identical.
        public var unchanged: [String] = []
        /// Stale generated files removed.
        public var removed: [String] = []
    }

    /// Why writing failed.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        /// What failed.
        public var description: String
    }

    /// The output directory (e.g. `kube`).
    public var directory: URL

    /// Creates a writer for `directory`.
    public init(directory: URL) { self.directory = directory }

    /// Writes `files`; paths must be relative and must not contain `..`.
    ///
    /// - Parameters:
    ///   - files: The complete rendered tree.
    ///   - staleScope: Folders (relative, e.g. `clusters/demo`) in which stale generated files are removed; `nil`
    ///     means the whole directory. ``GitOpsRenderer/ownedFolders(for:)`` gives the folders one render owns, so
    ///     rendering another cluster into the same tree leaves this cluster's folder alone.
    @discardableResult
    public func write(_ files: [RenderedFile], staleScope: [String]? = nil) throws -> Report {
        let manager = FileManager.default
        var report = Report()
        for file in files {
            guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
                throw WriteError(description: "refusing to write outside \(directory.path): \(file.path)")
            }
        }
        let wanted = Set(files.map(\.path))
        for file in files {
            let target = directory.appendingPathComponent(file.path)
            let data = Data(file.contents.utf8)
            if let existing = manager.contents(atPath: target.path), existing == data {
                report.unchanged.append(file.path)
                continue
            }
            do {
                try AtomicFile.write(data, to: target.path)
            } catch let error as AtomicFileError {
                throw WriteError(description: error.description)
            }
            report.written.append(file.path)
        }
        let scopes = staleScope?.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        for path in try generatedFiles() where !wanted.contains(path) {
            if let scopes, !scopes.contains(where: { path.hasPrefix($0) }) { continue }
            try manager.removeItem(at: directory.appendingPathComponent(path))
            report.removed.append(path)
        }
        removeStaleTemporaries()
        removeEmptyDirectories()
        return report
    }

    /// Relative paths of files under the directory that start with the generated-file header.
    public func generatedFiles() throws -> [String] {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        let base = directory.standardizedFileURL.path
        var result: [String] = []
        let headerBytes = Data(GitOpsRenderer.header.utf8)
        for case let url as URL in enumerator {
            // A write killed half-way leaves its temporary file (with the header) behind; it is not part of the tree.
            guard !AtomicFile.isTemporary(name: url.lastPathComponent),
                (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let handle = try? FileHandle(forReadingFrom: url)
            else { continue }
            let prefix = (try? handle.read(upToCount: headerBytes.count)) ?? Data()
            try? handle.close()
            guard prefix == headerBytes else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            result.append(String(path.dropFirst(base.count + 1)))
        }
        return result.sorted()
    }

    /// Removes temporary files of writes that were killed (older than a minute, so a concurrent writer's are spared).
    private func removeStaleTemporaries() {
        let manager = FileManager.default
        let keys: [URLResourceKey] = [.contentModificationDateKey]
        guard let enumerator = manager.enumerator(at: directory, includingPropertiesForKeys: keys) else { return }
        let cutoff = Date().addingTimeInterval(-60)
        for case let url as URL in enumerator where AtomicFile.isTemporary(name: url.lastPathComponent) {
            guard let modified = try? url.resourceValues(forKeys: Set(keys)).contentModificationDate, modified < cutoff
            else { continue }
            try? manager.removeItem(at: url)
        }
    }

    private func removeEmptyDirectories() {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(at: directory, includingPropertiesForKeys: [.isDirectoryKey]) else { return }
        var directories: [URL] = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
            directories.append(url)
        }
        for url in directories.sorted(by: { $0.path.count > $1.path.count }) {
            if let contents = try? manager.contentsOfDirectory(atPath: url.path), contents.isEmpty {
                try? manager.removeItem(at: url)
            }
        }
    }
}
