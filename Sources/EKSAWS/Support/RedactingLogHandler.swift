import Foundation
import Logging

/// A swift-log handler that writes one line per message to stderr (or a file), after ``Redactor`` has masked secrets and
/// the account id in the message and its metadata.
public struct RedactingLogHandler: LogHandler {
    /// A minimum level that can change after the logging system was bootstrapped (a program's `--debug` flag is
    /// parsed after that); every handler made with the same box follows it.
    public final class LevelBox: @unchecked Sendable {
        private let lock = NSLock()
        private var level: Logger.Level
        /// Creates a box starting at `level`.
        public init(_ level: Logger.Level) { self.level = level }
        /// The current level.
        public var value: Logger.Level {
            get { lock.withLock { level } }
            set { lock.withLock { level = newValue } }
        }
    }

    private let label: String
    private let redactor: Redactor
    private let threshold: LevelBox
    private let sink: @Sendable (String) -> Void
    /// Metadata attached to every message of this logger.
    public var metadata: Logger.Metadata = [:]

    /// The effective level: the box's, shared with the other handlers made with it.
    public var logLevel: Logger.Level {
        get { threshold.value }
        set { threshold.value = newValue }
    }

    /// Creates a handler writing to stderr.
    public init(label: String, redactor: Redactor, level: LevelBox) {
        self.init(label: label, redactor: redactor, level: level) { line in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Creates a handler writing lines to `sink` (tests, log files).
    public init(
        label: String,
        redactor: Redactor,
        level: LevelBox,
        sink: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.redactor = redactor
        self.threshold = level
        self.sink = sink
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats, redacts and writes one message.
    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.keys.sorted().map { "\($0)=\(merged[$0].map { "\($0)" } ?? "")" }.joined(separator: " ")
        let line = "\(ISO8601.format(Date())) \(event.level) \(label): \(event.message)" + (fields.isEmpty ? "" : " \(fields)")
        sink(redactor.redact(line) + "\n")
    }
}
