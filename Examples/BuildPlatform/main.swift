// Plans (and with --apply, builds) a platform from Swift code with its own event handler — no CLI involved.
// Usage: swift run BuildPlatform [path/to/platform.yaml] [--apply]
// Credentials and endpoints come from the usual AWS environment (AWS_PROFILE, AWS_ENDPOINT_URL, …).
import EKSPlatformKit
import Foundation
import Synchronization

/// Prints each event with the seconds since the run started; counts failures.
final class TimestampedEvents: EventHandler {
    private let start = Date()
    private let failures = Mutex(0)

    func handle(_ event: PlatformEvent) {
        let seconds = String(format: "%6.1fs", Date().timeIntervalSince(start))
        let line: String
        switch event {
        case .phaseStarted(let phase): line = "phase \(phase)"
        case .planComputed(let summary, _): line = summary
        case .stepStarted(let id, _): line = "→ \(id)"
        case .stepSucceeded(let id, let detail): line = "✓ \(id): \(detail)"
        case .stepFailed(let id, let message):
            failures.withLock { $0 += 1 }
            line = "✗ \(id): \(message)"
        case .stepSkipped(let id, let reason): line = "- \(id): \(reason)"
        case .waiting(let id, let on, let status): line = "… \(id): \(on) (\(status))"
        case .finished(let summary): line = summary.message(command: "up")
        }
        print(Redactor.shared.redact("[\(seconds)] \(line)"))
    }

    var failureCount: Int { failures.withLock { $0 } }
}

let arguments = Array(CommandLine.arguments.dropFirst())
let apply = arguments.contains("--apply")
let configPath = arguments.first { !$0.hasPrefix("--") } ?? "platform.yaml"

do {
    let config = try PlatformConfig.load(contentsOf: URL(fileURLWithPath: configPath))
    let session = try AWSSession(AWSSessionOptions(region: config.spec.region))
    let events = TimestampedEvents()
    let observer = AWSPlatformObserver(session: session)

    events.handle(.phaseStarted("observe"))
    let observed = try await observer.observe(config)
    let zones = try Blueprint.resolveZones(for: config, available: observed.availableZones)
    let blueprint = try Blueprint(config: config, zones: zones)
    let plan = Planner.plan(blueprint, observed: observed)
    events.handle(.planComputed(summary: plan.summary, changes: plan.changes.filter { $0.action != .noop }.count))
    for change in plan.changes where change.action != .noop {
        print(Redactor.shared.redact("  \(change.action.symbol) \(change.id)  \(change.reasons.joined(separator: "; "))"))
    }

    if apply && plan.hasChanges {
        let summary = try await Executor(runner: GraphRunner(maxConcurrency: 4)).up(
            plan: plan,
            blueprint: blueprint,
            observed: observed,
            provider: AWSPlatformProvider(session: session),
            events: events
        )
        try? await AsyncHTTPTransport.shared.shutdown()
        exit(summary.isSuccess ? 0 : 1)
    }
    try? await AsyncHTTPTransport.shared.shutdown()
} catch {
    FileHandle.standardError.write(Data(Redactor.shared.redact("error: \(error)\n").utf8))
    try? await AsyncHTTPTransport.shared.shutdown()
    exit(1)
}
