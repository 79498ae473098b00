import EKSAWS
import EKSKubernetes

/// How an executor run ended.
public struct ExecutionSummary: Sendable, Equatable {
    /// Steps that completed, in completion order, with their details.
    public var succeeded: [String] = []
    /// Steps that failed, with messages.
    public var failed: [Failure] = []
    /// Steps not run because a dependency failed.
    public var skipped: [String] = []
    /// Steps never started because the run was cancelled or stopped.
    public var notStarted: [String] = []
    /// Steps that were running when the run was cancelled and stopped without finishing.
    public var abandoned: [String] = []
    /// Whether Ctrl-C (task cancellation) ended the run.
    public var cancelled = false
    /// Set when a permission error stopped the whole run: the failing action and resource.
    public var stoppedBy: String?
    /// How long each finished step took, in seconds.
    public var stepSeconds: [String: Double] = [:]
    /// The run's wall time, in seconds.
    public var wallSeconds: Double = 0
    /// The longest chain of dependent steps by their measured durations: the least wall time any schedule could reach.
    public var criticalPathSeconds: Double = 0

    /// A failed step.
    public struct Failure: Sendable, Equatable {
        /// The step id.
        public var id: String
        /// What went wrong.
        public var message: String

        /// Creates a failure record.
        public init(id: String, message: String) {
            self.id = id
            self.message = message
        }
    }

    /// Creates an empty summary.
    public init() {}

    /// Equality of outcomes; timings are measurements and are not compared.
    public static func == (lhs: ExecutionSummary, rhs: ExecutionSummary) -> Bool {
        lhs.succeeded == rhs.succeeded && lhs.failed == rhs.failed && lhs.skipped == rhs.skipped
            && lhs.notStarted == rhs.notStarted && lhs.abandoned == rhs.abandoned && lhs.cancelled == rhs.cancelled
            && lhs.stoppedBy == rhs.stoppedBy
    }

    /// The critical path through `steps` given measured `seconds` per step (steps without a measurement count 0).
    public static func criticalPath(_ steps: [(id: String, dependsOn: [String])], seconds: [String: Double]) -> Double {
        var finish: [String: Double] = [:]
        let byID = Dictionary(steps.map { ($0.id, $0.dependsOn) }, uniquingKeysWith: { first, _ in first })
        func end(_ id: String, _ depth: Int) -> Double {
            if let known = finish[id] { return known }
            guard depth < 10_000 else { return 0 }
            let start = (byID[id] ?? []).map { end($0, depth + 1) }.max() ?? 0
            let value = start + (seconds[id] ?? 0)
            finish[id] = value
            return value
        }
        return steps.map { end($0.id, 0) }.max() ?? 0
    }

    /// Whether every step succeeded.
    public var isSuccess: Bool {
        failed.isEmpty && skipped.isEmpty && notStarted.isEmpty && abandoned.isEmpty && !cancelled
    }

    /// What to tell the user at the end: what was done, or what failed and what did not run. A run that did not
    /// succeed can always be resumed by running it again (every step is idempotent); the front end says how.
    public var message: String {
        if isSuccess {
            return "Done: \(succeeded.count) steps completed in "
                + String(format: "%.1f s (critical path %.1f s).", wallSeconds, criticalPathSeconds)
        }
        var lines: [String] = []
        if cancelled {
            lines.append(
                "Cancelled: \(succeeded.count) steps completed, \(abandoned.count) abandoned, "
                    + "\(notStarted.count) not started."
            )
        } else {
            lines.append("Failed: \(failed.count) step(s) failed, \(skipped.count + notStarted.count) not run.")
        }
        if let stoppedBy { lines.append("Stopped because of a permission error: \(stoppedBy)") }
        for failure in failed { lines.append("  \(failure.id): \(failure.message)") }
        return lines.joined(separator: "\n")
    }
}
