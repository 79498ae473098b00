import EKSAWS
import EKSKubernetes

/// Turns a ``Plan`` (or a ``TeardownPlan``) into a dependency graph of idempotent steps and runs it with a
/// ``GraphRunner``.
package struct Executor: Sendable {
    /// The scheduler (concurrency bound, sleeper).
    package var runner: GraphRunner

    /// Creates an executor running at most `maxConcurrency` steps at once.
    package init(runner: GraphRunner = GraphRunner()) { self.runner = runner }

    /// Why a plan cannot be executed.
    package struct RefusedError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong and how to fix it.
        package var description: String
    }

    /// The step id for a plan change: `create vpc/main`, `update nodeGroup/system` …
    package static func stepID(_ change: Plan.Change) -> String { "\(change.action.rawValue) \(change.id)" }

    /// The steps for `plan`: every non-no-op change, depending on the steps of its (changed) dependencies;
    /// in-cluster objects after the node group, in order; deletions of orphans last, one after another.
    /// - Throws: ``RefusedError`` when the plan needs a replacement of a kind that cannot be replaced
    ///   create-before-destroy (never done implicitly).
    package static func steps(
        for plan: Plan,
        blueprint: Blueprint,
        observed: ObservedState,
        provider: any PlatformProvider,
        registry: ResourceRegistry
    ) throws -> [ExecutionStep] {
        let replacements = plan.changes.filter {
            $0.action == .replace && !Planner.replacesBeforeDestroying($0.id.kind)
        }
        guard replacements.isEmpty else {
            let list = replacements.map { "\($0.id) (\($0.reasons.joined(separator: "; ")))" }.joined(separator: ", ")
            throw RefusedError(
                description: "these resources would have to be destroyed and re-created: \(list); platformctl never "
                    + "does that implicitly — change platform.yaml back, or tear the platform down first"
            )
        }
        let config = blueprint.config
        let platform = observed.context
        var stepByResource: [ResourceID: String] = [:]
        for change in plan.changes where change.action != .noop { stepByResource[change.id] = stepID(change) }

        var steps: [ExecutionStep] = []
        var lastAWSSteps: [String] = []
        for resource in blueprint.resources {
            guard let change = plan.change(resource.id), change.action != .noop else { continue }
            let id = stepID(change)
            let dependencies = resource.dependsOn.compactMap { stepByResource[$0] }
            steps.append(
                ExecutionStep(id: id, title: "\(change.action.rawValue) \(resource.id)", dependsOn: dependencies) {
                    step in
                    let context = ApplyContext(platform: platform, config: config, registry: registry, step: step)
                    return try await provider.apply(resource, change: change, context: context)
                }
            )
            lastAWSSteps.append(id)
        }

        if let objects = blueprint.cluster {
            // Flux needs schedulable nodes: wait for the cluster, the node group and every add-on.
            let prerequisites = blueprint.resources
                .filter { [.cluster, .nodeGroup, .addon].contains($0.id.kind) }
                .compactMap { stepByResource[$0.id] }
            var previous: String?
            for (objectID, _) in objects.desiredDigests(context: platform, endpoint: observed.clusterEndpoint ?? "") {
                guard let change = plan.change(objectID), change.action != .noop else { continue }
                let id = stepID(change)
                stepByResource[objectID] = id
                steps.append(
                    ExecutionStep(
                        id: id,
                        title: "apply \(objectID.name)",
                        dependsOn: prerequisites + [previous].compactMap { $0 }
                    ) {
                        step in
                        let context = ApplyContext(platform: platform, config: config, registry: registry, step: step)
                        return try await provider.applyClusterObject(objectID, objects: objects, change: change, context: context)
                    }
                )
                previous = id
            }
            if let previous { lastAWSSteps.append(previous) }
        }

        var previousDelete: String?
        for change in plan.changes where change.action == .delete {
            let id = stepID(change)
            let resourceID = change.id
            let dependencies = previousDelete.map { [$0] } ?? steps.map(\.id)
            steps.append(
                ExecutionStep(id: id, title: "delete \(resourceID)", dependsOn: dependencies) { step in
                    let context = ApplyContext(platform: platform, config: config, registry: registry, step: step)
                    return try await provider.delete(resourceID, context: context)
                }
            )
            previousDelete = id
        }
        return steps
    }

    /// Runs `plan`.
    package func up(
        plan: Plan,
        blueprint: Blueprint,
        observed: ObservedState,
        provider: any PlatformProvider,
        events: any EventHandler
    ) async throws -> ExecutionSummary {
        let registry = ResourceRegistry(observed: observed)
        let steps = try Self.steps(
            for: plan,
            blueprint: blueprint,
            observed: observed,
            provider: provider,
            registry: registry
        )
        events.handle(.phaseStarted("apply"))
        return try await runner.run(steps, events: events)
    }

    /// The steps of `teardown`: every action of a stage depends on every action of the previous stage.
    package static func steps(
        for teardown: TeardownPlan,
        config: PlatformConfig,
        observed: ObservedState,
        provider: any TeardownProvider,
        registry: ResourceRegistry
    ) -> [ExecutionStep] {
        var steps: [ExecutionStep] = []
        var previousStage: [String] = []
        let platform = observed.context
        for stage in teardown.stages {
            var current: [String] = []
            for action in stage.actions {
                let id = "\(stage.name): \(action.description)"
                steps.append(
                    ExecutionStep(id: id, title: action.description, dependsOn: previousStage) { step in
                        let context = ApplyContext(platform: platform, config: config, registry: registry, step: step)
                        return try await provider.perform(action, context: context)
                    }
                )
                current.append(id)
            }
            previousStage = current
        }
        return steps
    }

    /// Runs `teardown`.
    package func down(
        teardown: TeardownPlan,
        config: PlatformConfig,
        observed: ObservedState,
        provider: any TeardownProvider,
        events: any EventHandler
    ) async throws -> ExecutionSummary {
        let registry = ResourceRegistry(observed: observed)
        let steps = Self.steps(for: teardown, config: config, observed: observed, provider: provider, registry: registry)
        events.handle(.phaseStarted("teardown"))
        return try await runner.run(steps, events: events)
    }
}
