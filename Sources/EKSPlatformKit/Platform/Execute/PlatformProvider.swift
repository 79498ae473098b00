import EKSAWS
import EKSKubernetes

/// Everything a step may need while it changes a resource.
package struct ApplyContext: Sendable {
    /// Account, partition and region.
    package var platform: PlatformContext
    /// The configuration.
    package var config: PlatformConfig
    /// Physical ids of observed and created resources.
    package var registry: ResourceRegistry
    /// The step's context (events, waits).
    package var step: StepContext

    /// Creates a context.
    package init(platform: PlatformContext, config: PlatformConfig, registry: ResourceRegistry, step: StepContext) {
        self.platform = platform
        self.config = config
        self.registry = registry
        self.step = step
    }
}

/// Performs the changes of a plan on real APIs: one idempotent operation per resource (observe before create, send
/// the resource's idempotency token, wait until usable, record the physical id in the registry).
///
/// The real provider is built on the typed AWS clients and the Kubernetes client; tests use a recording fake.
package protocol PlatformProvider: Sendable {
    /// Creates or updates `resource` as `change` says.
    func apply(_ resource: DesiredResource, change: Plan.Change, context: ApplyContext) async throws -> StepOutcome
    /// Applies the in-cluster object `id` of `objects` (Flux install, credentials, sync objects, `platform-vars`).
    func applyClusterObject(
        _ id: ResourceID,
        objects: ClusterObjects,
        change: Plan.Change,
        context: ApplyContext
    ) async throws -> StepOutcome
    /// Deletes the owned resource `id` (physical id from the registry); `unchanged` when already gone.
    func delete(_ id: ResourceID, context: ApplyContext) async throws -> StepOutcome
}

/// Performs teardown actions (``TeardownPlan/Action``) on the cluster and in AWS.
package protocol TeardownProvider: Sendable {
    /// Performs `action`; `unchanged` when there was nothing to do. Sweeps report what they removed in the detail.
    func perform(_ action: TeardownPlan.Action, context: ApplyContext) async throws -> StepOutcome
}
