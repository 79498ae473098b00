import ArgumentParser
import EKSPlatformKit

/// An error shown to the user: redacted, one clear message, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let message: String

    init(_ error: any Error) {
        self.message = Console.redactor.redact("\(error)" + Self.hint(for: error))
    }

    /// What the library's message cannot say: the flags and commands of platformctl that fix the problem.
    static func hint(for error: any Error) -> String {
        if (error as? FluxRelease.VerificationError)?.code == "flux.unpinned" {
            return " (`platformctl pin-flux --config FILE` downloads the manifest and prints the sha256 line)"
        }
        if error is UpgradeInsightError { return " (--ignore-insights goes on)" }
        switch (error as? PlatformLockError)?.kind {
        case .held?: return " (`--lock-timeout 10m` waits for it; `--force-unlock` removes it when that run is gone)"
        case .unreadable?: return " (`--force-unlock` removes it)"
        default: break
        }
        switch (error as? AWSClientError)?.code {
        case .invalidRegion?: return " (or pass --region)"
        case .noCredentials?: return " (or pass --profile, or use `platformctl shell` for temporary role credentials)"
        case .insecureEndpoint?:
            return " (to accept that: --allow-insecure-http or PLATFORMCTL_ALLOW_INSECURE_HTTP=1)"
        case .untrustedAccount?:
            return " (answer yes when asked in a terminal, or pass --trust-account ACCOUNT, or set "
                + "PLATFORMCTL_TRUSTED_ACCOUNTS=ACCOUNT[,ACCOUNT])"
        default: return ""
        }
    }

    init(message: String) {
        self.message = Console.redactor.redact(message)
    }

    var description: String { message }
}
