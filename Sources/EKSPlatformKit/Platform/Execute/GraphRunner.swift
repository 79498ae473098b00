import EKSAWS
import EKSKubernetes
import Foundation

/// The executor's scheduler: runs a dependency graph of ``ExecutionStep``s, independent steps concurrently up to
/// ``maxConcurrency``. Among the ready steps, the one heading the longest chain of steps still to come starts first
/// (so the critical path is never queued behind side branches), then declaration order.
///
/// - A failed step's dependents (transitively) are skipped; independent steps go on.
/// - A permission error (``PermissionError/from(_:)``) stops the run: nothing new starts, running steps finish.
/// - Task cancellation (Ctrl-C): nothing new starts; running steps see the cancellation and either finish or stop at
///   their next wait (reported as abandoned); the summary says to run the command again.
package struct GraphRunner: Sendable {
    /// At most this many steps run at once.
    package var maxConcurrency: Int
    /// Sleeper passed to steps' waits.
    package var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a runner.
    package init(
        maxConcurrency: Int = 8,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxConcurrency = max(1, maxConcurrency)
        self.sleep = sleep
    }

    /// A malformed graph.
    package struct GraphError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        package var description: String
    }

    /// Checks ids are unique, dependencies exist and there is no cycle.
    /// - Throws: ``GraphError``.
    package static func validate(_ steps: [ExecutionStep]) throws {
        var ids = Set<String>()
        for step in steps {
            guard ids.insert(step.id).inserted else { throw GraphError(description: "duplicate step id \(step.id)") }
        }
        for step in steps {
            for dependency in step.dependsOn where !ids.contains(dependency) {
                throw GraphError(description: "step \(step.id) depends on unknown step \(dependency)")
            }
        }
        // Kahn's algorithm: anything left over is on a cycle.
        var remaining = Dictionary(uniqueKeysWithValues: steps.map { ($0.id, Set($0.dependsOn)) })
        var progressed = true
        while progressed {
            progressed = false
            for (id, dependencies) in remaining where dependencies.isEmpty {
                remaining[id] = nil
                for key in remaining.keys { remaining[key]?.remove(id) }
                progressed = true
            }
        }
        if !remaining.isEmpty {
            throw GraphError(description: "dependency cycle among \(remaining.keys.sorted().joined(separator: ", "))")
        }
    }

    private enum Result: Sendable {
        case outcome(StepOutcome, seconds: Double)
        case failure(String, permission: String?)
        case cancelled
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The step ids by descending length of the longest chain of steps that starts at the step (the step and its
    /// dependents, transitively), ties in declaration order. Expects a validated (acyclic) graph.
    package static func priorityOrder(_ steps: [ExecutionStep]) -> [String] {
        var dependents: [String: [String]] = [:]
        for step in steps {
            for dependency in step.dependsOn { dependents[dependency, default: []].append(step.id) }
        }
        var chain: [String: Int] = [:]
        func length(_ id: String) -> Int {
            if let known = chain[id] { return known }
            let value = 1 + ((dependents[id] ?? []).map(length).max() ?? 0)
            chain[id] = value
            return value
        }
        let indexed = steps.enumerated().map { (index: $0.offset, id: $0.element.id, length: length($0.element.id)) }
        return indexed.sorted { ($0.length, -$0.index) > ($1.length, -$1.index) }.map(\.id)
    }

    /// Runs `steps`, reporting to `events`, and returns the summary (also sent as ``PlatformEvent/finished(_:)``).
    /// - Throws: ``GraphError`` for a malformed graph (before anything runs).
    package func run(_ steps: [ExecutionStep], events: any EventHandler) async throws -> ExecutionSummary {
        try Self.validate(steps)
        let order = steps.map(\.id)
        let byID = Dictionary(uniqueKeysWithValues: steps.map { ($0.id, $0) })
        let priority = Self.priorityOrder(steps)
        var pending = Set(order)
        var satisfied = Set<String>()
        var blocked = Set<String>()
        var running = 0
        var stop = false
        var summary = ExecutionSummary()
        let sleep = self.sleep
        let started = ContinuousClock.now

        func dependents(of id: String) -> [String] {
            order.filter { byID[$0]?.dependsOn.contains(id) ?? false }
        }
        func block(_ id: String, because reason: String) {
            for dependent in dependents(of: id) where pending.contains(dependent) && !blocked.contains(dependent) {
                blocked.insert(dependent)
                pending.remove(dependent)
                summary.skipped.append(dependent)
                events.handle(.stepSkipped(id: dependent, reason: reason))
                block(dependent, because: reason)
            }
        }

        await withTaskGroup(of: (String, Result).self) { group in
            while true {
                if Task.isCancelled { summary.cancelled = true }
                if !stop && !summary.cancelled {
                    for id in priority where running < maxConcurrency && pending.contains(id) {
                        guard let step = byID[id], step.dependsOn.allSatisfy(satisfied.contains) else { continue }
                        pending.remove(id)
                        running += 1
                        events.handle(.stepStarted(id: id, title: step.title))
                        let context = StepContext(stepID: id, events: events, sleep: sleep)
                        group.addTask {
                            let stepStart = ContinuousClock.now
                            do {
                                let outcome = try await step.run(context)
                                let elapsed = ContinuousClock.now - stepStart
                                return (id, .outcome(outcome, seconds: Self.seconds(elapsed)))
                            } catch is CancellationError {
                                return (id, .cancelled)
                            } catch {
                                let permission = PermissionError.from(error)
                                let message = permission?.description ?? String(describing: error)
                                return (id, .failure(message, permission: permission?.description))
                            }
                        }
                    }
                }
                guard let (id, result) = await group.next() else { break }
                running -= 1
                switch result {
                case .outcome(let outcome, let seconds):
                    summary.stepSeconds[id] = seconds
                    satisfied.insert(id)
                    summary.succeeded.append(id)
                    switch outcome {
                    case .done(let detail), .unchanged(let detail):
                        events.handle(.stepSucceeded(id: id, detail: detail))
                    }
                case .failure(let message, let permission):
                    summary.failed.append(.init(id: id, message: message))
                    events.handle(.stepFailed(id: id, message: message))
                    if let permission {
                        stop = true
                        summary.stoppedBy = summary.stoppedBy ?? permission
                    }
                    block(id, because: "\(id) failed")
                case .cancelled:
                    summary.cancelled = true
                    summary.abandoned.append(id)
                    events.handle(.stepSkipped(id: id, reason: "abandoned: the run was cancelled"))
                }
            }
        }
        if Task.isCancelled { summary.cancelled = true }
        summary.wallSeconds = Self.seconds(ContinuousClock.now - started)
        summary.criticalPathSeconds = ExecutionSummary.criticalPath(
            steps.map { ($0.id, $0.dependsOn) },
            seconds: summary.stepSeconds
        )
        summary.notStarted = order.filter { pending.contains($0) }
        for id in summary.notStarted {
            events.handle(.stepSkipped(id: id, reason: summary.cancelled ? "cancelled" : "the run stopped"))
        }
        events.handle(.finished(summary))
        return summary
    }
}

/// An AWS permission error turned into "which action on which resource".
package struct PermissionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service and operation, e.g. `ec2:CreateVpc`.
    package var action: String
    /// The error code (`AccessDenied`, `UnauthorizedOperation` …).
    package var code: String
    /// The service's message (it usually names the resource).
    package var message: String

    /// Error codes that mean the caller lacks a permission.
    package static let codes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
        "AuthorizationError", "NotAuthorized",
    ]

    /// The permission error inside `error`, if it is one.
    package static func from(_ error: any Error) -> PermissionError? {
        if let error = error as? PermissionError { return error }
        guard let service = error as? AWSServiceError, codes.contains(service.code) else { return nil }
        return PermissionError(
            action: "\(service.service.lowercased()):\(service.operation)",
            code: service.code,
            message: service.message
        )
    }

    /// `AccessDenied on ec2:CreateVpc: <message>; grant the action to the caller and run again`.
    package var description: String {
        "\(code) on \(action): \(message); grant this action to the identity running platformctl and run again"
    }
}
