import EKSPlatformKit
import Foundation
import Synchronization

/// Collects events in order (thread-safe).
final class RecordingEvents: EventHandler {
    private let storage = Mutex<[PlatformEvent]>([])
    func handle(_ event: PlatformEvent) { storage.withLock { $0.append(event) } }
    var events: [PlatformEvent] { storage.withLock { $0 } }
    var started: [String] {
        events.compactMap { if case .stepStarted(let id, _) = $0 { return id } else { return nil } }
    }
}

/// A thread-safe log of strings plus an in-flight counter for concurrency checks.
final class StepLog: Sendable {
    private let state = Mutex<(entries: [String], running: Int, maxRunning: Int)>(([], 0, 0))
    func append(_ entry: String) { state.withLock { $0.entries.append(entry) } }
    func enter() {
        state.withLock {
            $0.running += 1; $0.maxRunning = max($0.maxRunning, $0.running)
        }
    }
    func leave() { state.withLock { $0.running -= 1 } }
    var entries: [String] { state.withLock { $0.entries } }
    var maxRunning: Int { state.withLock { $0.maxRunning } }
}

/// A provider that records what it was asked to do and "creates" resources by inventing physical ids.
struct RecordingProvider: PlatformProvider, TeardownProvider {
    let log = StepLog()

    func apply(_ resource: DesiredResource, change: Plan.Change, context: ApplyContext) async throws -> StepOutcome {
        for dependency in resource.dependsOn {
            _ = try await context.registry.require(dependency)
        }
        await context.registry.record(resource.id, physicalID: "new-\(resource.id.name)")
        log.append("\(change.action.rawValue) \(resource.id)")
        return .done("\(change.action.rawValue)d \(resource.id)")
    }

    func applyClusterObject(
        _ id: ResourceID,
        objects: ClusterObjects,
        change: Plan.Change,
        context: ApplyContext
    ) async throws -> StepOutcome {
        _ = try await context.registry.require(ResourceID(.cluster, "main"))
        log.append("apply \(id)")
        return .done("applied \(id.name)")
    }

    func delete(_ id: ResourceID, context: ApplyContext) async throws -> StepOutcome {
        await context.registry.forget(id)
        log.append("delete \(id)")
        return .done("deleted \(id)")
    }

    func perform(_ action: TeardownPlan.Action, context: ApplyContext) async throws -> StepOutcome {
        log.append(action.description)
        return .done(action.description)
    }
}
