import Foundation

/// Replaces files atomically: the bytes go to a temporary file in the same directory, created with its final
/// permissions (so a `0600` secret is never readable by others, not even briefly), flushed to disk, then renamed over
/// the target. Readers see the old file or the new one, never a half-written one — also when the process is killed.
package enum AtomicFile {
    /// Whether a file name is one of the temporary files ``write(_:to:permissions:createDirectories:)`` renames into
    /// place (`.NAME.tmp-…`). A process killed mid-write leaves one behind; it never replaces the target by itself.
    package static func isTemporary(name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".tmp-")
    }

    /// Creates `path` and any missing parent with `mode` from the start (`mkdir(2)` with that mode, so a private
    /// folder is never briefly readable by others, as it is when a folder is made with the default mode and
    /// `chmod`-ed afterwards). Existing folders are left as they are.
    /// - Throws: ``AtomicFileError`` naming the folder that could not be made.
    package static func createDirectories(_ path: String, mode: mode_t) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            var info = stat()
            if stat(current, &info) == 0 { continue }
            guard mkdir(current, mode) == 0 || errno == EEXIST else {
                throw AtomicFileError(path: current, reason: "cannot create the directory: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Writes `data` to `path`.
    /// - Parameters:
    ///   - data: the new contents.
    ///   - path: the target file.
    ///   - permissions: the file mode, e.g. `0o600` for credentials and tokens.
    ///   - createDirectories: create missing parent directories (with `0o700` when the file is private).
    /// - Throws: ``AtomicFileError`` naming the path.
    package static func write(
        _ data: Data,
        to path: String,
        permissions: mode_t = 0o644,
        createDirectories: Bool = true
    ) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        if createDirectories, !FileManager.default.fileExists(atPath: directory) {
            try Self.createDirectories(directory, mode: permissions & 0o077 == 0 ? 0o700 : 0o755)
        }
        let temporary = "\(directory)/.\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(12))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw AtomicFileError(path: path, reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, failure == nil {
                let written = Foundation.write(fd, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                } else {
                    offset += written
                }
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        // umask may have narrowed the mode; set exactly what was asked.
        if failure == nil, fchmod(fd, permissions) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw AtomicFileError(path: path, reason: failure)
        }
    }
}

/// A file could not be written.
package struct AtomicFileError: Error, Sendable, CustomStringConvertible {
    /// The file.
    package var path: String
    /// Why.
    package var reason: String
    /// `cannot write PATH: reason`.
    package var description: String { "cannot write \(path): \(reason)" }
}
