#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file that holds a secret (a cached token or credentials) only when nobody else could have written or
/// swapped it: opened without following a symbolic link, a regular file, owned by this user with no group or other
/// permission bits, in a folder owned by this user that nobody else may write to.
package enum PrivateFile {
    /// Why a file was not read.
    package struct Refusal: Error, Sendable, CustomStringConvertible {
        /// What is wrong with it, e.g. `its permissions are 644`.
        package var description: String
    }

    /// The file's bytes (at most `limit`), `nil` when it does not exist.
    /// - Throws: ``Refusal`` saying why the file cannot be trusted.
    package static func read(_ path: String, limit: Int = 64 * 1024) throws -> [UInt8]? {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        var folderInfo = stat()
        if !folder.isEmpty, stat(folder, &folderInfo) == 0 {
            if folderInfo.st_uid != geteuid() {
                throw Refusal(description: "its folder \(folder) belongs to another user")
            }
            if folderInfo.st_mode & 0o022 != 0 {
                throw Refusal(
                    description:
                        "its folder \(folder) may be written by others (mode \(String(folderInfo.st_mode & 0o777, radix: 8)))"
                )
            }
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            let error = errno
            if error == ENOENT { return nil }
            if error == ELOOP { throw Refusal(description: "it is a symbolic link") }
            throw Refusal(description: String(cString: strerror(error)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw Refusal(description: "it is not a regular file")
        }
        guard info.st_uid == geteuid() else { throw Refusal(description: "it belongs to another user") }
        guard info.st_mode & 0o077 == 0 else {
            throw Refusal(description: "its permissions are \(String(info.st_mode & 0o777, radix: 8)) (want 600)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while bytes.count <= limit {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        guard bytes.count <= limit else { throw Refusal(description: "it is larger than \(limit) bytes") }
        return bytes
    }
}
