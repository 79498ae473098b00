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

    /// Whether every step succeeded.
    public var isSuccess: Bool {
        failed.isEmpty && skipped.isEmpty && notStarted.isEmpty && abandoned.isEmpty && !cancelled
    }

    /// What to tell the user at the end.
    public func message(command: String) -> String {
        if isSuccess { return "Done: \(succeeded.count) steps completed." }
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
        lines.append("Nothing is lost: every step is idempotent. Run `platformctl \(command)` again to resume.")
        return lines.joined(separator: "\n")
    }
}
