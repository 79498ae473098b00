// Rewrites one file, or a rendered kube/ tree, over and over until it is killed. The AtomicWriteKillTests start it,
// SIGKILL it at random moments and check that every target is still a complete old or new version.
//
//   AtomicWriteHelper file <path> <octal mode> <bytes>     generations of a self-checking file (AtomicFile)
//   AtomicWriteHelper tree <directory> <a.yaml> <b.yaml>   alternates the renders of two platform.yaml files
import EKSPlatformKit
import Foundation

/// The contents of generation `id` of a `size`-byte file: a header naming both, a filler derived from `id`, a trailer.
func generation(_ id: Int, size: Int) -> Data {
    let header = Array("generation \(id) size \(size)\n".utf8)
    let trailer = Array("\nend \(id)\n".utf8)
    var bytes = header
    let filler = max(0, size - header.count - trailer.count)
    bytes.reserveCapacity(size)
    for index in 0..<filler { bytes.append(UInt8(ascii: "a") + UInt8((id + index) % 26)) }
    bytes += trailer
    return Data(bytes)
}

/// Tells the test that one complete version is on disk, so every later kill has an "old" version to fall back on.
func ready() {
    FileHandle.standardOutput.write(Data("ready\n".utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("AtomicWriteHelper: \(message)\n".utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "file":
    guard arguments.count == 4, let mode = mode_t(arguments[2], radix: 8), let size = Int(arguments[3]) else {
        fail("usage: file <path> <octal mode> <bytes>")
    }
    var id = Int(getpid()) * 100_000
    while true {
        id += 1
        do { try AtomicFile.write(generation(id, size: size), to: arguments[1], permissions: mode) } catch { fail("\(error)") }
        if id % 100_000 == 1 { ready() }
    }
case "tree":
    guard arguments.count == 4 else { fail("usage: tree <directory> <a.yaml> <b.yaml>") }
    let renders: [[RenderedFile]]
    do {
        renders = try arguments[2...3].map {
            try GitOpsRenderer.render(PlatformConfig.load(contentsOf: URL(fileURLWithPath: $0)))
        }
    } catch {
        fail("\(error)")
    }
    let writer = GitOpsTreeWriter(directory: URL(fileURLWithPath: arguments[1]))
    var turn = 0
    while true {
        do { try writer.write(renders[turn % 2]) } catch { fail("\(error)") }
        if turn == 0 { ready() }
        turn += 1
    }
default:
    fail("usage: file <path> <octal mode> <bytes> | tree <directory> <a.yaml> <b.yaml>")
}
