import ArgumentParser
import EKSPlatformKit

/// The `platformctl` command line: a thin shell over EKSPlatformKit.
@main
struct Platformctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platformctl",
        abstract: "Build, inspect and tear down an opinionated EKS platform from one platform.yaml.",
        version: EKSPlatformKit.version,
        subcommands: [
            Whoami.self, Render.self, Shell.self, CredentialProcessCommand.self, TokenCommand.self,
            KubeconfigCommand.self,
        ]
    )

    /// Runs the chosen command, then closes the shared HTTP client so the process exits cleanly.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if let token = command as? TokenCommand {
                // The token command manages the shared HTTP client itself: a cache hit must not create one.
                try await token.run()
                return
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try? await AsyncHTTPTransport.shared.shutdown()
        } catch {
            try? await AsyncHTTPTransport.shared.shutdown()
            exit(withError: error)
        }
    }
}
