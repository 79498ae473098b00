import ArgumentParser
import EKSPlatformKit
import Foundation

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

    @Flag(name: .customLong("keep-kubeconfig"), help: "Keep the cluster's entry in the kubeconfig.")
    var keepKubeconfig = false

    @Option(help: "The kubeconfig to remove the cluster's entry from (default: the first of KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @OptionGroup var steps: ParallelismOptions
    @OptionGroup var lock: LockOptions

    func run() async throws {
        try await Console.reportingErrorsAsJSON(output.output == .json) { try await runReporting() }
    }

    private func runReporting() async throws {
        let (mode, colour) = ProgressPrinter.forTerminal(json: output.output == .json)
        let printer = ProgressPrinter(mode: mode, colour: colour, command: "down")
        let summary = try await withEngine(
            config: config,
            aws: aws,
            role: role,
            parallelism: steps.parallelism,
            header: "down",
            observer: { printer.retrying($0) }
        ) { engine in
            let json = output.output == .json
            let prepared: PlatformEngine.PreparedTeardown
            do { prepared = try await engine.prepareTeardown(events: printer) } catch { throw CLIError(error) }
            let name = engine.config.name
            if !json {
                print(
                    Console.redactor.redact(
                        "Teardown of \(name): \(prepared.observed.resources.count) resources found by tags"
                    )
                )
                for stage in prepared.teardown.stages { print("  \(stage.name): \(stage.title)") }
            }
            let region = engine.session.region.name
            guard try confirm("Destroy platform \(name) in \(region)? Type its name to confirm:", yes: yes, typing: name)
            else {
                throw CLIError(message: "cancelled; nothing was deleted")
            }
            return try await withPlatformLock(engine, command: "down", options: lock) { () -> ExecutionSummary in
                // Observed again under the lock, so what another run created meanwhile goes too.
                let locked: PlatformEngine.PreparedTeardown
                do { locked = try await engine.prepareTeardown() } catch { throw CLIError(error) }
                printer.expect(steps: locked.teardown.actions.count)
                let heartbeat = printer.startHeartbeat()
                defer { heartbeat.cancel() }
                do {
                    return try await runCancellableOnInterrupt(command: "down") {
                        try await engine.teardown(locked, events: printer) { error in
                            let message = Console.redactor.redact("\(error)")
                            FileHandle.standardError.write(
                                Data(
                                    ("warning: cannot reach the cluster (\(message)); Kubernetes steps are skipped and the "
                                        + "sweeps remove what Karpenter left\n").utf8
                                )
                            )
                        }
                    }
                } catch {
                    throw CLIError(error)
                }
            }
        }
        if !summary.isSuccess { throw ExitCode(1) }
        if !keepKubeconfig { removeKubeconfigEntry() }
    }

    /// Removes the `NAME.REGION` entry `up`'s user wrote with `platformctl kubeconfig`: the cluster no longer exists,
    /// so the context would only fail. Problems are warnings; the platform is already gone.
    private func removeKubeconfigEntry() {
        guard let platform = try? PlatformConfig.load(contentsOf: URL(fileURLWithPath: config)) else { return }
        let path = kubeconfig ?? Kubeconfig.defaultPath(environment: ProcessInfo.processInfo.environment)
        do {
            let removed = try Kubeconfig.removeEKSEntry(clusterName: platform.name, region: platform.spec.region, from: path)
            if !removed.isEmpty, output.output == .text {
                print("Removed context \(removed.joined(separator: ", ")) from \(path)")
            }
        } catch {
            FileHandle.standardError.write(
                Data("warning: could not remove \(platform.name) from \(path): \(Console.redactor.redact("\(error)"))\n".utf8)
            )
        }
    }
}
