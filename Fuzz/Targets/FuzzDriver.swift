import Foundation

/// A broken property found while fuzzing: not a crash by itself, but a result the library must never give.
public struct FuzzInvariantViolation: Error, Sendable, CustomStringConvertible {
    /// The harness that found it.
    public var harness: String
    /// What was wrong.
    public var description: String

    /// Creates a violation.
    public init(_ harness: String, _ description: String) {
        self.harness = harness
        self.description = description
    }
}

/// The libFuzzer entry point's C signature (`LLVMFuzzerTestOneInput`).
public typealias FuzzTestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

#if FUZZING
    /// libFuzzer's own driver (in `libclang_rt.fuzzer`): parses the usual `-max_total_time=…` flags and corpus
    /// directories, then calls the callback for every input. SwiftPM renames each executable's `main` to
    /// `<Module>_main`, which would leave libFuzzer's `main` unused, so the executables call this from `@main`.
    @_silgen_name("LLVMFuzzerRunDriver")
    private func llvmFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: FuzzTestOneInput
    ) -> CInt
#endif

/// Runs a fuzz target: libFuzzer when built with `-DFUZZING -sanitize=fuzzer`, otherwise a replayer that feeds every
/// file named on the command line (directories are walked) through the same harness.
public enum FuzzDriver {
    /// Runs `test` under libFuzzer, or replays the files given as arguments; never returns.
    public static func main(_ test: FuzzTestOneInput) -> Never {
        #if FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(llvmFuzzerRunDriver(&argc, &argv, test))
        #else
            var count = 0
            for path in CommandLine.arguments.dropFirst() {
                for file in inputFiles(path) {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                        exit(2)
                    }
                    let bytes = [UInt8](data)
                    _ = bytes.withUnsafeBufferPointer { test($0.baseAddress, $0.count) }
                    count += 1
                }
            }
            print("replayed \(count) input(s) without a failure")
            exit(0)
        #endif
    }

    /// The regular files at `path`: the file itself, or every file below a directory (sorted).
    public static func inputFiles(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let names = (FileManager.default.subpaths(atPath: path) ?? []).sorted()
        return names.map { "\(path)/\($0)" }.filter {
            var nested: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &nested) && !nested.boolValue
        }
    }

    /// Copies libFuzzer's input into an array.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Runs one harness on one input; a broken invariant stops the process so libFuzzer saves the input.
    public static func run(_ harness: FuzzHarness, _ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        do {
            try harness.run(bytes(data, size))
        } catch {
            fatalError("\(harness.name): invariant broken: \(error)")
        }
        return 0
    }
}

/// One fuzz harness: a name (the `Fuzz/<Name>` target and `Fuzz/corpus/<Name>` folder) and a function that feeds
/// bytes to the library and checks what comes back. It throws only ``FuzzInvariantViolation``.
public struct FuzzHarness: Sendable {
    /// The target name, e.g. `FuzzXML`.
    public var name: String
    /// Feeds one input to the library.
    public var run: @Sendable ([UInt8]) throws -> Void

    /// Every harness, for the regression tests.
    public static let all: [FuzzHarness] = [
        .xml, .ec2Response, .awsError, .platformConfig, .kubeconfig, .queryEncoding,
    ]
}
