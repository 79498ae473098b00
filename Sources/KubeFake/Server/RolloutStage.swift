/// How far `advanceRollout` moves a Deployment.
public enum RolloutStage: Sendable, Equatable {
    /// One step: observe the new generation first, then update one replica per call (an old replica keeps
    /// running until the last step), then finish.
    case nextStep
    /// Straight to a finished rollout.
    case complete
    /// `Progressing=False` with reason `ProgressDeadlineExceeded`.
    case progressDeadlineExceeded
}
