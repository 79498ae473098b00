import ArgumentParser
import EKSPlatformKit
import Foundation

/// Builds a Kubernetes client for the cluster phase: `PLATFORMCTL_KUBE_API` (loopback http only), else `nil`.
func localKubeClient(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KubeClient? {
    guard let value = environment["PLATFORMCTL_KUBE_API"], !value.isEmpty else { return nil }
    guard let url = URL(string: value), let host = url.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host),
        url.scheme == "http" || url.scheme == "https"
    else {
        throw CLIError(
            message: "PLATFORMCTL_KUBE_API=\(value) is refused: only a loopback API server (http://127.0.0.1:PORT) may be "
                + "used this way"
        )
    }
    return try KubeClient(KubeClientConfiguration(server: url))
}

/// `platformctl down`: tears everything down in the safe order, then sweeps leftovers by tag.
struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tear the platform down: workloads, NodePools (waiting for Karpenter's nodes), Flux, node group, "
            + "cluster, Karpenter's AWS resources, network; then sweep leftovers by tag.",
        discussion: "Asks for confirmation on a terminal, requires --yes otherwise. Idempotent: run again to resume."
    )

    @Option(name: .long, help: "Path to platform.yaml.")
    var config: String = "platform.yaml"

    @OptionGroup var aws: AWSOptions
    @OptionGroup var role: RoleOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Tear down without asking.")
    var yes = false

    @OptionGroup var steps: ParallelismOptions

    func run() async throws {
        let platform = try loadPlatformConfig(config)
        let session = try await platformSession(aws, config: platform, role: role, path: config)
        let (mode, colour) = ProgressPrinter.forTerminal(json: output.output == .json)
        let printer = ProgressPrinter(mode: mode, colour: colour)
        let observed: ObservedState
        let blueprint: Blueprint
        do {
            printer.handle(.phaseStarted("observe"))
            observed = try await AWSPlatformObserver(session: session).observe(platform)
            blueprint = try Blueprint(
                config: platform,
                zones: try Blueprint.resolveZones(for: platform, available: observed.availableZones)
            )
        } catch {
            throw CLIError(error)
        }
        let teardown = TeardownPlan(blueprint: blueprint)
        if output.output == .text {
            print(Redactor.shared.redact("Teardown of \(platform.name): \(observed.resources.count) resources found by tags"))
            for stage in teardown.stages { print("  \(stage.name): \(stage.title)") }
        }
        guard try confirm("Destroy platform \(platform.name)?", yes: yes) else {
            throw CLIError(message: "cancelled; nothing was deleted")
        }
        let access = ClusterAccess(session: session, platform: platform, aws: aws)
        var kube: KubeClient?
        if observed.clusterEndpoint != nil {
            do {
                kube = try await access.client()
            } catch {
                let message = Redactor.shared.redact("\(error)")
                FileHandle.standardError.write(
                    Data(
                        ("warning: cannot reach the cluster (\(message)); Kubernetes steps are skipped and the "
                            + "sweeps remove what Karpenter left\n").utf8
                    )
                )
            }
        }
        let provider = AWSTeardownProvider(session: session, kube: kube)
        let executor = Executor(runner: GraphRunner(maxConcurrency: steps.parallelism))
        let summary: ExecutionSummary
        do {
            summary = try await runCancellableOnInterrupt(command: "down") {
                try await executor.down(
                    teardown: teardown,
                    config: platform,
                    observed: observed,
                    provider: provider,
                    events: printer
                )
            }
        } catch {
            await access.shutdown()
            throw CLIError(error)
        }
        await access.shutdown()
        if !summary.isSuccess { throw ExitCode(1) }
    }
}
