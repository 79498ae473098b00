import ArgumentParser
import EKSPlatformKit

/// An error shown to the user: redacted, one clear message, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let message: String

    init(_ error: any Error) {
        self.message = Console.redactor.redact("\(error)")
    }

    init(message: String) {
        self.message = Console.redactor.redact(message)
    }

    var description: String { message }
}
