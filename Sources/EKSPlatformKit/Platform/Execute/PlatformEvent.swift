import EKSAWS
import EKSKubernetes

/// Progress of a plan, up or down run, as the CLI and other front ends render it.
public enum PlatformEvent: Sendable, Equatable {
    /// A phase began (`observe`, `network`, `cluster`, `teardown` …).
    case phaseStarted(String)
    /// The plan was computed.
    case planComputed(summary: String, changes: Int)
    /// A step began.
    case stepStarted(id: String, title: String)
    /// A step finished; `detail` says what it did (`created vpc-0abc`, `already up to date`).
    case stepSucceeded(id: String, detail: String)
    case stepFailed(id: String, message: String)
    /// A step did not run (`reason`: a failed dependency, cancellation, nothing to do).
    case stepSkipped(id: String, reason: String)
    /// A step is waiting for something (`on`: what, `status`: its current state).
    case waiting(id: String, on: String, status: String)
    /// The run ended.
    case finished(ExecutionSummary)
}

/// Receives ``PlatformEvent``s; called from concurrent steps, so implementations must be thread-safe.
public protocol EventHandler: Sendable {
    /// Handles one event.
    func handle(_ event: PlatformEvent)
}

/// Discards events.
public struct NullEventHandler: EventHandler {
    /// Creates the handler.
    public init() {}
    /// Does nothing.
    public func handle(_ event: PlatformEvent) {}
}
