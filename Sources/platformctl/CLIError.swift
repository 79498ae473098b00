import ArgumentParser
import EKSPlatformKit

/// An error shown to the user: redacted, one clear message, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let message: String

    init(_ error: any Error) {
        self.message = Redactor.shared.redact("\(error)")
    }

    init(message: String) {
        self.message = Redactor.shared.redact(message)
    }

    var description: String { message }
}
