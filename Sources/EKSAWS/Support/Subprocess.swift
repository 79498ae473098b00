import Foundation

/// Runs a child process to completion and collects its output.
package enum Subprocess {
    /// What a finished process left behind.
    package struct Result: Sendable {
        /// The exit status (128 + signal for a signalled process).
        package var status: Int32
        /// Everything it printed on stdout.
        package var stdout: [UInt8]
        /// Everything it printed on stderr.
        package var stderr: [UInt8]
    }

    /// Runs `arguments[0]` (looked up on `PATH` unless it contains `/`) with the rest as arguments.
    /// - Parameters:
    ///   - arguments: the command and its arguments.
    ///   - environment: the child's environment.
    ///   - stdin: bytes to write to its standard input (then closed).
    /// - Throws: ``SubprocessError`` when the command cannot be started.
    package static func run(
        _ arguments: [String],
        environment: [String: String],
        stdin: [UInt8] = []
    ) async throws -> Result {
        guard let command = arguments.first else { throw SubprocessError(message: "no command given") }
        guard let executable = locate(command, path: environment["PATH"]) else {
            throw SubprocessError(message: "`\(command)` was not found on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let finished = AsyncStream<Int32>.makeStream()
        process.terminationHandler = {
            finished.continuation.yield($0.terminationStatus); finished.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            throw SubprocessError(message: "`\(command)` could not be started: \(error.localizedDescription)")
        }
        // Blocking reads and writes happen on GCD threads, never on Swift's cooperative pool: that pool has one thread
        // per core, and a child that runs for seconds must not stall every other task in the process.
        async let stdoutBytes = blocking { out.fileHandleForReading.readDataToEndOfFile() }
        async let stderrBytes = blocking { err.fileHandleForReading.readDataToEndOfFile() }
        await blocking {
            if !stdin.isEmpty { try? input.fileHandleForWriting.write(contentsOf: Data(stdin)) }
            try? input.fileHandleForWriting.close()
        }
        let (o, e) = await (stdoutBytes, stderrBytes)
        var status: Int32 = -1
        for await value in finished.stream { status = value }
        if process.terminationReason == .uncaughtSignal { status = 128 + status }
        return Result(status: status, stdout: Array(o), stderr: Array(e))
    }

    /// Runs blocking work on a GCD thread and resumes the caller when it is done.
    package static func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    /// Finds an executable on `PATH`.
    package static func locate(_ command: String, path: String?) -> String? {
        if command.contains("/") { return FileManager.default.isExecutableFile(atPath: command) ? command : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A child process could not be started.
package struct SubprocessError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package var message: String
    /// The message.
    package var description: String { message }

    package init(message: String) { self.message = message }
}

/// Splits a command line into words the way a POSIX shell does for quotes and backslashes (no expansion).
package enum ShellWords {
    /// Splits `line`.
    /// - Throws: ``AWSClientError`` for an unterminated quote.
    package static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\" && q == "\"", let next = iterator.next() {
                    if next == "\"" || next == "\\" || next == "$" || next == "`" {
                        current.append(next)
                    } else {
                        current.append(c)
                        current.append(next)
                    }
                } else {
                    current.append(c)
                }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == "\\" {
                if let next = iterator.next() { current.append(next) }
                inWord = true
            } else if c == " " || c == "\t" || c == "\n" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if quote != nil {
            throw AWSClientError(.malformedConfig, "unterminated quote in command: \(line)")
        }
        if inWord { words.append(current) }
        return words
    }
}
