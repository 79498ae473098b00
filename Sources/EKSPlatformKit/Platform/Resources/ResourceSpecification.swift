import EKSAWS
import EKSKubernetes

/// The desired state of one resource of one kind: what the blueprint builds, what the planner compares.
///
/// Every AWS kind's specification also conforms to ``ManagedResource``, which holds how the engine observes, creates,
/// updates and deletes resources of that kind; both live in the kind's file under `Platform/Resources/`.
public protocol ResourceSpecification: Sendable {
    static var kind: ResourceKind { get }
    /// Properties AWS cannot change in place; a difference in one needs the resource replaced.
    static var immutableProperties: Set<PropertyKey> { get }
    /// The comparable form: references to other platform resources are written as their ``ResourceID``; values
    /// holding the account id are built with `context`; lists whose order carries no meaning are sorted.
    func properties(in context: PlatformContext) -> ResourceProperties
    /// The AWS name of the resource where it has one (role, cluster, queue, rule, node group, add-on names).
    var awsName: String? { get }
    /// Whether `other` is the same kind with the same specification.
    func isEqual(to other: any ResourceSpecification) -> Bool
}

extension ResourceSpecification {
    /// No AWS name by default.
    public var awsName: String? { nil }
    /// Nothing is immutable by default.
    public static var immutableProperties: Set<PropertyKey> { [] }
}

extension ResourceSpecification where Self: Equatable {
    /// Equal when `other` has this type and the same value.
    public func isEqual(to other: any ResourceSpecification) -> Bool { (other as? Self) == self }
}

/// Namespace of the specification types, one per kind (`ResourceSpec.VPC`, `ResourceSpec.NodeGroup`, …), each
/// declared in its kind's file.
public enum ResourceSpec {}

/// A kind's whole lifecycle in AWS. One type per kind implements it, in one file; ``ResourceKinds/all`` lists them.
/// A kind whose immutable fields change without an outage: the replacement is created (under a new name) and ready
/// before the resource it replaces is deleted — Terraform's `create_before_destroy`, and what the planner prints as
/// `+/-`. Kinds without it are never replaced implicitly.
package protocol CreateBeforeDestroyResource: ManagedResource {
    /// Creates the replacement, waits until it is usable, then deletes `physicalID` and waits until it is gone.
    func replace(_ resource: DesiredResource, physicalID: String, in context: ResourceContext) async throws -> StepOutcome
}

package protocol ManagedResource: ResourceSpecification {
    /// Where the kind keeps its ``AppliedRecord``; `nil` when batched reads observe it in full.
    static var recordHolder: AppliedRecord.Holder? { get }

    /// Whether every tag of the kind's resources is the platform's (apart from AWS's `aws:` tags and
    /// ``AppliedRecord``s), so that a tag missing from the desired ones is removed. `false` by default: others tag
    /// EC2 resources and roles too (Karpenter, EKS, the account's own tagging), and those tags are left alone.
    static var ownsEveryTag: Bool { get }

    /// Observes every resource of the kind the platform owns. Properties marked ``PropertyKey/isReference`` may hold
    /// physical ids or ARNs; the observer translates them (see ``references(to:in:)``).
    static func observe(in scope: ObservationScope) async throws -> [ObservedResource]

    /// The strings other resources use to refer to `resource` (its physical id, a role's ARN); the observer maps them
    /// back to its id.
    static func references(to resource: ObservedResource, in context: PlatformContext) -> [String]

    /// Creates the resource (or adopts one an interrupted run created), records its physical id, waits until usable.
    func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome

    /// Changes the existing resource `physicalID` in place to match.
    func update(_ resource: DesiredResource, physicalID: String, in context: ResourceContext) async throws -> StepOutcome

    /// Writes `digest` as the resource's ``AppliedRecord`` (kinds with a ``recordHolder``).
    func recordApplied(_ resource: DesiredResource, key: String, digest: String, in context: ResourceContext) async throws

    /// Deletes `id`, whose physical id is `physicalID`, and waits until it is gone; "not found" errors mean it
    /// already was.
    static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws
}

extension ManagedResource {
    package static var recordHolder: AppliedRecord.Holder? { nil }

    package static var ownsEveryTag: Bool { false }

    package static func references(to resource: ObservedResource, in context: PlatformContext) -> [String] { [] }

    /// Kinds whose record lives on the cluster write it there (`TagResource` on the cluster's ARN); kinds with
    /// another holder implement this themselves.
    package func recordApplied(
        _ resource: DesiredResource,
        key: String,
        digest: String,
        in context: ResourceContext
    ) async throws {
        guard Self.recordHolder == .cluster else { return }
        try await context.session.eks.tagResource(
            resourceArn: context.platform.clusterARN(context.cluster),
            tags: [key: digest]
        )
    }

    /// For kinds whose create is idempotent and also brings an existing resource in line (associating access
    /// policies, PutRule/PutTargets), an update is a create that finds the resource.
    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        try await create(resource, in: context)
    }
}

/// An EC2 resource kind: other resources refer to it by its physical id (`vpc-…`, `subnet-…`), and an update
/// re-applies its tags unless the kind has more to bring in line.
package protocol EC2ManagedResource: ManagedResource {}

extension EC2ManagedResource {
    package static func references(to resource: ObservedResource, in context: PlatformContext) -> [String] {
        [resource.physicalID]
    }

    package func update(
        _ resource: DesiredResource,
        physicalID: String,
        in context: ResourceContext
    ) async throws
        -> StepOutcome
    {
        try await context.session.ec2.createTags(resourceIds: [physicalID], tags: ResourceContext.ec2Tags(resource.tags))
        return .done("updated \(physicalID)")
    }
}

/// What a kind's lifecycle methods work with: the session, the run's context and registry, and the step.
package struct ResourceContext: Sendable {
    /// The AWS session.
    package var session: AWSSession
    /// Account, partition, region, configuration, registry and step.
    package var apply: ApplyContext

    package init(session: AWSSession, apply: ApplyContext) {
        self.session = session
        self.apply = apply
    }

    package var registry: ResourceRegistry { apply.registry }
    package var platform: PlatformContext { apply.platform }
    package var config: PlatformConfig { apply.config }
    package var step: StepContext { apply.step }
    /// The cluster name.
    package var cluster: String { apply.config.name }

    /// Waiter options that report each status as a waiting event of the step.
    package func waiterOptions(what: String) -> EKSWaiterOptions {
        let step = apply.step
        return EKSWaiterOptions(
            sleeper: step.sleep,
            onStatus: { status in step.events.handle(.waiting(id: step.stepID, on: what, status: status)) }
        )
    }

    /// Tags in EC2's list form, sorted by key.
    package static func ec2Tags(_ tags: [String: String]) -> [EC2Tag] {
        tags.keys.sorted().map { EC2Tag(key: $0, value: tags[$0] ?? "") }
    }

    /// EC2 filters finding the resource `id` of this platform by its tags.
    package func ec2Filters(_ id: ResourceID) -> [EC2Filter] {
        [
            EC2Filter(name: "tag:\(PlatformTags.cluster)", values: [cluster]),
            EC2Filter(name: "tag:\(PlatformTags.resource)", values: [id.description]),
        ]
    }

    /// Records `physicalID` as `id`'s and says it was adopted (an earlier, interrupted run created it).
    package func adopt(_ id: ResourceID, _ physicalID: String?) async -> StepOutcome? {
        guard let physicalID else { return nil }
        await registry.record(id, physicalID: physicalID)
        return .unchanged("\(id) already exists as \(physicalID)")
    }

    /// Deletes, with `remove`, every id in `found` except `kept`.
    ///
    /// CreateVpc, CreateInternetGateway and AllocateAddress take no idempotency token: when EC2 has done the call but
    /// the response is lost (a reset or a cut-off body), the client retries it and EC2 creates a second resource with
    /// the same tags (moto also ignores CreateRouteTable's token). Found by the reliability runs (a one-shot
    /// `truncate` fault on each create): each such loss left a duplicate, tagged as the platform's own, that plans
    /// could not tell apart. The one whose id the call returned is kept; the others were created moments before by
    /// the same step, so nothing refers to them yet.
    package func removeDuplicates(
        kept: String?,
        found: [String],
        remove: (String) async throws -> Void
    ) async throws {
        for extra in found where extra != kept { try await remove(extra) }
    }
}

/// Runs `body`, mapping "not found" to `nil`.
func ifExists<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
    do { return try await body() } catch  where AWSPlatformObserver.isNotFound(error) { return nil }
}
