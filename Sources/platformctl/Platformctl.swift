import ArgumentParser
import EKSPlatformKit

/// The `platformctl` command line: a thin shell over EKSPlatformKit.
@main
struct Platformctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platformctl",
        abstract: "Build, inspect and tear down an opinionated EKS platform from one platform.yaml.",
        version: EKSPlatformKit.version,
        subcommands: [Whoami.self]
    )
}
