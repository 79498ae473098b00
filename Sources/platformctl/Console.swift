import EKSPlatformKit

/// What this process prints through: one redactor for every line platformctl writes and every session it makes, and
/// the log level `--debug` or `PLATFORMCTL_LOG_LEVEL` sets. These belong to the program, not to the library: the
/// library only ever uses the redactor and level it is handed.
enum Console {
    /// Masks secrets and the account id in everything platformctl prints.
    static let redactor = Redactor()
    /// The minimum level of the log handlers platformctl bootstraps.
    static let logLevel = RedactingLogHandler.LevelBox(.warning)
}
