// Plans (and with --apply, builds) a platform from Swift code with its own event handler — no CLI involved.
// Usage: swift run BuildPlatform [path/to/platform.yaml] [--apply]
// Credentials and endpoints come from the usual AWS environment (AWS_PROFILE, AWS_ENDPOINT_URL, …).
import EKSPlatformKit
import Foundation
import Synchronization

/// Prints each event with the seconds since the run started.
final class TimestampedEvents: EventHandler {
    private let start = Date()
    let redactor: Redactor

    init(redactor: Redactor) { self.redactor = redactor }

    func handle(_ event: PlatformEvent) {
        let seconds = String(format: "%6.1fs", Date().timeIntervalSince(start))
        let line: String
        switch event {
        case .phaseStarted(let phase): line = "phase \(phase)"
        case .planComputed(let summary, _): line = summary
        case .stepStarted(let id, _): line = "→ \(id)"
        case .stepSucceeded(let id, let detail): line = "✓ \(id): \(detail)"
        case .stepFailed(let id, let message): line = "✗ \(id): \(message)"
        case .stepSkipped(let id, let reason): line = "- \(id): \(reason)"
        case .waiting(let id, let on, let status): line = "… \(id): \(on) (\(status))"
        case .finished(let summary): line = summary.isSuccess ? "finished" : "finished with failures"
        }
        print(redactor.redact("[\(seconds)] \(line)"))
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
let apply = arguments.contains("--apply")
let configPath = arguments.first { !$0.hasPrefix("--") } ?? "platform.yaml"
let redactor = Redactor()

do {
    let config = try PlatformConfig.load(contentsOf: URL(fileURLWithPath: configPath))
    let session = try AWSSession(AWSSessionOptions(region: config.spec.region, redactor: redactor))
    let engine = PlatformEngine(config: config, session: session, parallelism: 4)
    let events = TimestampedEvents(redactor: redactor)
    var succeeded = true
    do {
        let planned = try await engine.plan(events: events)
        events.handle(.planComputed(summary: planned.plan.summary, changes: planned.plan.changes.count))
        for change in planned.plan.changes where change.action != .noop {
            print(redactor.redact("  \(change.action.symbol) \(change.id)  \(change.reasons.joined(separator: "; "))"))
        }
        if apply && planned.plan.hasChanges {
            succeeded = try await engine.apply(planned, events: events).isSuccess
        }
        try await session.shutdown()
    } catch {
        try? await session.shutdown()
        throw error
    }
    exit(succeeded ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data(redactor.redact("error: \(error)\n").utf8))
    exit(1)
}
