import Foundation
import Synchronization

/// Ctrl-C for the whole process, set up once.
///
/// While a cancellable phase runs (``run(command:_:)``), SIGINT cancels it: no new steps start, running ones wind
/// down, and the command ends with the resume hint. Between phases SIGINT ends the process at once with status 130 (as the
/// signal's default action would) and the same hint. The signal source is created once and never cancelled: libdispatch installs
/// its SIGINT handler only for the first source, so a second source created after `signal(SIGINT, …)` had been
/// reset would never fire (a second Ctrl-C-able phase in one `up` was silently ignoring Ctrl-C that way).
final class InterruptHandler: Sendable {
    /// The process's handler.
    static let shared = InterruptHandler()

    private struct State {
        var source: DispatchSourceSignal?
        var cancelCurrent: (@Sendable () -> Void)?
        var command = ""
        var prompting = false
    }

    private let state = Mutex(State())

    /// Runs `body` in a task that SIGINT cancels. If the interrupted `body` throws (for example while reading the
    /// platform's state), the error becomes one that says so and how to resume with `platformctl COMMAND`.
    func run<T: Sendable>(command: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        state.withLock { state in
            Self.installSource(&state)
            state.cancelCurrent = { task.cancel() }
            state.command = command
        }
        defer { state.withLock { $0.cancelCurrent = nil } }
        do {
            return try await task.value
        } catch  where task.isCancelled {
            throw CLIError(
                message: "interrupted before \(command) finished. Nothing is lost: every step is idempotent. "
                    + "Run `platformctl \(command)` again to resume."
            )
        }
    }

    /// Runs `body` (a confirmation prompt) so that Ctrl-C ends the process at once with status 130 and "nothing was
    /// changed": the prompt comes after planning and before the first write.
    func prompt<T>(_ body: () throws -> T) rethrows -> T {
        state.withLock { state in
            Self.installSource(&state)
            state.prompting = true
        }
        defer { state.withLock { $0.prompting = false } }
        return try body()
    }

    /// Creates the one SIGINT source (see the type's notes) if there is none yet.
    private static func installSource(_ state: inout State) {
        guard state.source == nil else { return }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { InterruptHandler.shared.interrupted() }
        source.resume()
        state.source = source
    }

    private func interrupted() {
        let (cancel, command, prompting) = state.withLock { ($0.cancelCurrent, $0.command, $0.prompting) }
        if prompting {
            FileHandle.standardError.write(Data("\ninterrupted at the prompt; nothing was changed.\n".utf8))
            _exit(130)
        }
        guard let cancel else {
            // Between phases (the plan is being printed, the prompt waits): end at once, as the default action would.
            fflush(nil)
            FileHandle.standardError.write(
                Data("\ninterrupted. Run `platformctl \(command)` again to resume.\n".utf8)
            )
            _exit(130)
        }
        FileHandle.standardError.write(Data("\ninterrupted: no new steps will start; waiting for running ones…\n".utf8))
        cancel()
    }
}

/// Runs `body` in a task that SIGINT cancels (see ``InterruptHandler``).
func runCancellableOnInterrupt<T: Sendable>(
    command: String,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await InterruptHandler.shared.run(command: command, body)
}
