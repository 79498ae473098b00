import ArgumentParser
import CProcessHardening
import EKSPlatformKit
import Foundation
import Logging

/// The `platformctl` command line: a thin shell over EKSPlatformKit.
@main
struct Platformctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platformctl",
        abstract: "Build, inspect and tear down an opinionated EKS platform from one platform.yaml.",
        version: EKSPlatformKit.version,
        subcommands: [
            Init.self, Validate.self, PlanCommand.self, Up.self, Status.self, Down.self, Render.self, Whoami.self,
            Shell.self, CredentialProcessCommand.self, TokenCommand.self, KubeconfigCommand.self, PinFlux.self, Completion.self,
            Manual.self,
        ]
    )

    /// Runs the chosen command (each closes the sessions and clients it made).
    static func main() async {
        // Before anything is read: no core file may hold a secret (1Password values, keys, tokens), and no other
        // process of this user may read this one's memory. Two system calls, so the token fast path keeps its speed.
        if process_hardening_disable_core_dumps() != 0 {
            FileHandle.standardError.write(Data("platformctl: warning: could not turn core dumps off\n".utf8))
        }
        // kubectl runs `platformctl token` for every command: a cache hit skips the full parser and everything else.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "token",
            let request = TokenFastPathRequest.parse(Array(arguments.dropFirst())),
            let credential = EKSTokenProvider.cachedExecCredentialJSON(
                for: request.options(environment: ProcessInfo.processInfo.environment),
                environment: ProcessInfo.processInfo.environment
            )
        {
            FileHandle.standardOutput.write(Data(credential.utf8))
            return
        }
        LoggingSystem.bootstrap { RedactingLogHandler(label: $0, redactor: Console.redactor, level: Console.logLevel) }
        if let level = ProcessInfo.processInfo.environment["PLATFORMCTL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) {
            Console.logLevel.value = level
        }
        do {
            var command = try parseAsRoot()
            if let token = command as? TokenCommand {
                // A cache miss lands here too (the fast path above only answers hits).
                try await token.run()
                return
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
