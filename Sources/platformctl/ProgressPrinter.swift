import EKSPlatformKit
import Foundation
import Synchronization

/// Renders ``PlatformEvent``s: a live status line on a TTY, one line per event otherwise, or JSON lines.
/// Colours only on a TTY and never with `NO_COLOR`; every line passes through `Console.redactor`.
final class ProgressPrinter: EventHandler {
    /// How to render.
    enum Mode: Equatable {
        /// A live line (phase, running steps, elapsed) redrawn in place, plus a line per finished step.
        case live
        /// One plain line per event.
        case lines
        /// One JSON object per event.
        case json
    }

    private struct State {
        var phase = ""
        var running: [String] = []
        var started = Date()
        /// Steps expected and steps ended (succeeded, failed or skipped), for `[done/total]`.
        var total = 0
        var done = 0
        /// The last thing each running step said it waits for, and the status it last saw.
        var waits: [String: String] = [:]
        /// When anything was last written (the heartbeat speaks only after a silence).
        var lastWrite = Date()
    }

    let mode: Mode
    let colour: Bool
    /// The command whose run is reported (`up`, `down`): the resume hint names it.
    let command: String
    private let write: @Sendable (String) -> Void
    private let state = Mutex(State())
    private let clock: @Sendable () -> Date

    /// Creates a printer writing to `write`; by default JSON lines go to standard output (the machine-readable
    /// result, for `| jq`) and human progress to standard error.
    init(
        mode: Mode,
        colour: Bool,
        command: String = "up",
        clock: @escaping @Sendable () -> Date = Date.init,
        write: (@Sendable (String) -> Void)? = nil
    ) {
        self.mode = mode
        self.colour = colour
        self.command = command
        self.clock = clock
        let handle = mode == .json ? FileHandle.standardOutput : FileHandle.standardError
        self.write =
            write ?? {
                // Flush buffered stdout first so results and progress stay in order when both go to one pipe or file.
                fflush(nil)
                handle.write(Data($0.utf8))
            }
        state.withLock { $0.started = clock() }
    }

    /// The mode and colour for this terminal and environment.
    static func forTerminal(
        json: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> (Mode, Bool)
    {
        if json { return (.json, false) }
        let tty = isatty(STDERR_FILENO) == 1
        let colour = tty && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        return (tty ? .live : .lines, colour)
    }

    /// Sets how many steps the run will take, so finished steps read `[done/total]`.
    func expect(steps total: Int) { state.withLock { $0.total = total } }

    func handle(_ event: PlatformEvent) {
        var line: String?
        let (phase, running, elapsed, progress) = state.withLock { state -> (String, [String], Int, String) in
            switch event {
            case .phaseStarted(let name): state.phase = name
            case .planComputed(_, let changes): state.total = max(state.total, changes)
            case .stepStarted(let id, _): state.running.append(id)
            case .stepSucceeded(let id, _), .stepFailed(let id, _), .stepSkipped(let id, _):
                state.running.removeAll { $0 == id }
                state.waits[id] = nil
                state.done += 1
            case .waiting(let id, let on, let status): state.waits[id] = "\(on): \(status)"
            default: break
            }
            state.lastWrite = clock()
            let progress = state.total > 0 ? "[\(state.done)/\(max(state.total, state.done))] " : ""
            return (state.phase, state.running, Int(clock().timeIntervalSince(state.started)), progress)
        }
        switch mode {
        case .json:
            line = PolicyDocument.canonicalJSON(Self.json(event, elapsed: elapsed))
        case .lines, .live:
            line = Self.text(event, colour: colour, command: command)
            var ended = false
            switch event {
            case .stepSucceeded, .stepFailed, .stepSkipped: ended = true
            default: break
            }
            if ended, !progress.isEmpty { line = line.map { "    " + progress + $0.drop(while: { $0 == " " }) } }
        }
        var output = ""
        if mode == .live { output += "\r\u{1B}[2K" }
        if let line { output += Console.redactor.redact(line) + "\n" }
        var isFinal = false
        if case .finished = event { isFinal = true }
        if mode == .live && !isFinal {
            let status = "[\(phase)] \(elapsed)s, running: \(running.isEmpty ? "-" : running.joined(separator: ", "))"
            output += Console.redactor.redact(String(status.prefix(160)))
        }
        write(output)
    }

    /// A retry the AWS client is about to make (throttling, a 5xx, a reset): said, so a slow run is never silent.
    func retrying(_ record: AWSAttemptRecord) {
        guard let delay = record.retryingIn else { return }
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let reason = record.errorCode ?? record.statusCode.map { "HTTP \($0)" } ?? "a transport error"
        let text =
            "    retry   \(record.service) \(record.operation): \(reason), retrying in "
            + String(format: "%.1f s", seconds) + " (attempt \(record.attempt + 1))"
        switch mode {
        case .json:
            let object: JSONValue = [
                "event": "retry", "service": .string(record.service), "operation": .string(record.operation),
                "reason": .string(reason), "delaySeconds": .number((seconds * 10).rounded() / 10),
            ]
            emit(PolicyDocument.canonicalJSON(object) + "\n")
        case .lines: emit(text + "\n")
        case .live: emit("\r\u{1B}[2K" + text + "\n")
        }
    }

    /// In plain-line mode, a line saying what the run is waiting for when nothing was written for `silence`: a CI
    /// log must show that the run is alive. Call it every few seconds; it prints at most once per silence.
    func heartbeat(silence: TimeInterval = 30) {
        guard mode == .lines else { return }
        let line = state.withLock { state -> String? in
            let now = clock()
            guard now.timeIntervalSince(state.lastWrite) >= silence, !state.running.isEmpty else { return nil }
            state.lastWrite = now
            let elapsed = Int(now.timeIntervalSince(state.started))
            let what = state.running.map { id in state.waits[id].map { "\(id) (\($0))" } ?? id }.joined(separator: ", ")
            return "    ...     \(elapsed / 60)m\(String(format: "%02d", elapsed % 60))s elapsed, still running: \(what)"
        }
        if let line { write(Console.redactor.redact(line) + "\n") }
    }

    /// Starts a task that calls ``heartbeat(silence:)`` every five seconds until the returned task is cancelled.
    func startHeartbeat() -> Task<Void, Never> {
        Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                self?.heartbeat()
            }
        }
    }

    private func emit(_ text: String) {
        state.withLock { $0.lastWrite = clock() }
        write(Console.redactor.redact(text))
    }

    /// The plain text of one event (`nil` for events shown only in the live line).
    static func text(_ event: PlatformEvent, colour: Bool, command: String) -> String? {
        func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        switch event {
        case .phaseStarted(let name): return "==> \(name)"
        case .planComputed(let summary, _): return summary
        case .stepStarted(let id, _): return "    start   \(id)"
        case .stepSucceeded(let id, let detail): return paint("    ok      \(id)", "32") + (detail.isEmpty ? "" : ": \(detail)")
        case .stepFailed(let id, let message): return paint("    FAILED  \(id)", "31") + ": \(message)"
        case .stepSkipped(let id, let reason): return "    skipped \(id): \(reason)"
        case .waiting(let id, let on, let status): return "    waiting \(id): \(on) (\(status))"
        case .finished(let summary): return Self.finalMessage(summary, command: command)
        }
    }

    /// The JSON object of one event.
    static func json(_ event: PlatformEvent, elapsed: Int) -> JSONValue {
        var object: [String: JSONValue] = ["elapsedSeconds": .integer(elapsed)]
        switch event {
        case .phaseStarted(let name):
            object["event"] = "phaseStarted"
            object["phase"] = .string(name)
        case .planComputed(let summary, let changes):
            object["event"] = "planComputed"
            object["summary"] = .string(summary)
            object["changes"] = .integer(changes)
        case .stepStarted(let id, let title):
            object["event"] = "stepStarted"
            object["step"] = .string(id)
            object["title"] = .string(title)
        case .stepSucceeded(let id, let detail):
            object["event"] = "stepSucceeded"
            object["step"] = .string(id)
            object["detail"] = .string(detail)
        case .stepFailed(let id, let message):
            object["event"] = "stepFailed"
            object["step"] = .string(id)
            object["message"] = .string(message)
        case .stepSkipped(let id, let reason):
            object["event"] = "stepSkipped"
            object["step"] = .string(id)
            object["reason"] = .string(reason)
        case .waiting(let id, let on, let status):
            object["event"] = "waiting"
            object["step"] = .string(id)
            object["on"] = .string(on)
            object["status"] = .string(status)
        case .finished(let summary):
            object["event"] = "finished"
            object["success"] = .bool(summary.isSuccess)
            object["wallSeconds"] = .number((summary.wallSeconds * 1000).rounded() / 1000)
            object["criticalPathSeconds"] = .number((summary.criticalPathSeconds * 1000).rounded() / 1000)
            object["succeeded"] = .integer(summary.succeeded.count)
            object["failed"] = .array(summary.failed.map { .string("\($0.id): \($0.message)") })
            object["notStarted"] = .integer(summary.notStarted.count)
            object["cancelled"] = .bool(summary.cancelled)
        }
        return .object(object)
    }

    /// The summary, and for a run that did not succeed, how to resume it.
    static func finalMessage(_ summary: ExecutionSummary, command: String) -> String {
        summary.isSuccess
            ? summary.message
            : summary.message + "\nNothing is lost: every step is idempotent. Run `platformctl \(command)` again to resume."
    }
}
