import EKSAWS
import EKSKubernetes

/// How a step ended when it did not throw.
package enum StepOutcome: Sendable, Equatable {
    /// It changed something (or verified it); `detail` says what.
    case done(String)
    /// There was nothing to do (the resource already matched); dependents still run.
    case unchanged(String)
}

/// One node of the executor's dependency graph.
package struct ExecutionStep: Sendable {
    /// A unique id, e.g. `create subnet/private-us-west-2a`.
    package var id: String
    /// A human title for progress output.
    package var title: String
    /// Ids of steps that must succeed first.
    package var dependsOn: [String]
    /// The work; must be idempotent (observe before create) and honour task cancellation while waiting.
    package var run: @Sendable (StepContext) async throws -> StepOutcome

    /// Creates a step.
    package init(
        id: String,
        title: String? = nil,
        dependsOn: [String] = [],
        run: @escaping @Sendable (StepContext) async throws -> StepOutcome
    ) {
        self.id = id
        self.title = title ?? id
        self.dependsOn = dependsOn
        self.run = run
    }
}

/// What a running step may use: its id, the event sink, and a backoff waiter.
package struct StepContext: Sendable {
    package var stepID: String
    /// Where progress goes.
    package var events: any EventHandler
    /// Sleeps between polls (injectable so tests do not wait).
    package var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a context.
    package init(
        stepID: String,
        events: any EventHandler,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.stepID = stepID
        self.events = events
        self.sleep = sleep
    }

    /// The result of one poll.
    package enum PollResult: Sendable, Equatable {
        /// The condition holds.
        case ready
        /// Not yet; `status` is reported in a waiting event.
        case pending(String)
    }

    /// Polls until `poll` reports ready, with exponential backoff (`initial` × 1.5 up to `maximum`), reporting each
    /// pending status; throws ``WaitTimeoutError`` after `timeout` and `CancellationError` when the task is cancelled.
    package func wait(
        for description: String,
        timeout: Duration = .seconds(1800),
        initial: Duration = .seconds(2),
        maximum: Duration = .seconds(20),
        poll: @Sendable () async throws -> PollResult
    ) async throws {
        var delay = initial
        var waited = Duration.zero
        while true {
            try Task.checkCancellation()
            switch try await poll() {
            case .ready:
                return
            case .pending(let status):
                events.handle(.waiting(id: stepID, on: description, status: status))
                guard waited < timeout else {
                    throw WaitTimeoutError(step: stepID, waitingFor: description, lastStatus: status, timeout: timeout)
                }
                try await sleep(delay)
                waited += delay
                delay = min(maximum, delay * 1.5)
            }
        }
    }
}

/// A wait gave up.
package struct WaitTimeoutError: Error, Sendable, Equatable, CustomStringConvertible {
    package var step: String
    /// What it waited for.
    package var waitingFor: String
    /// The last status seen.
    package var lastStatus: String
    /// How long it waited.
    package var timeout: Duration

    /// What timed out, the last status, and what to do.
    package var description: String {
        "timed out after \(timeout) waiting for \(waitingFor) (last status: \(lastStatus)); "
            + "check it in the AWS console, then run the command again to resume"
    }
}
