import ArgumentParser
import EKSPlatformKit
import Foundation

/// What this process prints through: one redactor for every line platformctl writes and every session it makes, and
/// the log level `--debug` or `PLATFORMCTL_LOG_LEVEL` sets. These belong to the program, not to the library: the
/// library only ever uses the redactor and level it is handed.
enum Console {
    /// Masks secrets and the account id in everything platformctl prints.
    static let redactor = Redactor()
    /// The minimum level of the log handlers platformctl bootstraps.
    static let logLevel = RedactingLogHandler.LevelBox(.warning)

    /// Runs `body`; with `json`, an error (other than an exit code) is also written to stdout as one JSON line
    /// `{"event":"error","message":…}` so that a program reading the JSON lines sees why the run ended.
    static func reportingErrorsAsJSON<T>(_ json: Bool, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            if json {
                let message = redactor.redact("\(error)")
                fflush(nil)
                FileHandle.standardOutput.write(
                    Data((PolicyDocument.canonicalJSON(["event": "error", "message": .string(message)]) + "\n").utf8)
                )
            }
            throw error
        }
    }
}
