import Foundation
import Logging

/// A swift-log handler that writes one line per message to stderr (or a file), after ``Redactor`` has masked secrets and
/// the account id in the message and its metadata.
public struct RedactingLogHandler: LogHandler {
    /// The process-wide minimum level; `platformctl --debug` lowers it at run time.
    public static let threshold = LevelBox(.warning)

    /// A level that can change after the logging system was bootstrapped.
    public final class LevelBox: @unchecked Sendable {
        private let lock = NSLock()
        private var level: Logger.Level
        init(_ level: Logger.Level) { self.level = level }
        /// The current level.
        public var value: Logger.Level {
            get { lock.withLock { level } }
            set { lock.withLock { level = newValue } }
        }
    }

    private let label: String
    private let redactor: Redactor
    private let sink: @Sendable (String) -> Void
    /// Metadata attached to every message of this logger.
    public var metadata: Logger.Metadata = [:]

    /// The effective level (the process-wide threshold).
    public var logLevel: Logger.Level {
        get { Self.threshold.value }
        set { Self.threshold.value = newValue }
    }

    /// Creates a handler writing to stderr.
    public init(label: String, redactor: Redactor = .shared) {
        self.init(label: label, redactor: redactor) { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Creates a handler writing lines to `sink` (tests, log files).
    public init(label: String, redactor: Redactor = .shared, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.redactor = redactor
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
