import EKSAWS
import EKSKubernetes
import Foundation

/// Applies in-cluster objects (Flux install, credentials, sync objects, `platform-vars`) through a Kubernetes client.
package protocol ClusterObjectApplier: Sendable {
    /// Applies `id` of `objects`, stamping the digest annotation; idempotent (server-side apply).
    func apply(_ id: ResourceID, objects: ClusterObjects, context: ApplyContext) async throws -> StepOutcome
}

/// The real ``PlatformProvider``: hands each resource to its kind (``ManagedResource``, one file per kind under
/// `Platform/Resources/`) and each in-cluster object to ``clusterObjects``.
///
/// Every create first looks for the resource (by its tags or name) so a re-run after a crash adopts what an earlier
/// run created; calls that accept one send the resource's idempotency token; asynchronous resources (NAT gateways,
/// the cluster, node groups, add-ons) are waited for with backoff and progress events.
package struct AWSPlatformProvider: PlatformProvider {
    /// The AWS session.
    package var session: AWSSession
    /// Applies the in-cluster objects; `nil` when no Kubernetes access is configured.
    package var clusterObjects: (any ClusterObjectApplier)?

    /// Creates a provider.
    package init(session: AWSSession, clusterObjects: (any ClusterObjectApplier)? = nil) {
        self.session = session
        self.clusterObjects = clusterObjects
    }

    /// The in-cluster step cannot run without a Kubernetes client.
    package struct NoClusterAccessError: Error, Sendable, CustomStringConvertible {
        /// Which object.
        package var object: ResourceID
        /// What to do.
        package var description: String {
            "cannot apply \(object): no Kubernetes access is configured for the cluster phase "
                + "(a ClusterConnection); the AWS part is done, apply again with access to the cluster"
        }
    }

    /// Applies an in-cluster object through ``clusterObjects``; fails clearly when no Kubernetes access is configured.
    package func applyClusterObject(
        _ id: ResourceID,
        objects: ClusterObjects,
        change: Plan.Change,
        context: ApplyContext
    ) async throws -> StepOutcome {
        guard let clusterObjects else { throw NoClusterAccessError(object: id) }
        return try await clusterObjects.apply(id, objects: objects, context: context)
    }

    /// Creates or updates `resource` as `change` says (its kind's ``ManagedResource`` does the work), then writes
    /// its ``AppliedRecord`` (kinds that keep one).
    package func apply(_ resource: DesiredResource, change: Plan.Change, context: ApplyContext) async throws -> StepOutcome {
        guard let spec = resource.spec as? any ManagedResource else {
            throw UnsupportedUpdateError(resource: resource.id, what: "a resource of an unregistered kind")
        }
        let resourceContext = ResourceContext(session: session, apply: context)
        let outcome: StepOutcome
        if change.action == .update, let physicalID = change.physicalID {
            await context.registry.record(resource.id, physicalID: physicalID)
            outcome = try await spec.update(resource, physicalID: physicalID, in: resourceContext)
        } else if change.action == .replace, let physicalID = change.physicalID {
            guard let replaceable = spec as? any CreateBeforeDestroyResource else {
                throw UnsupportedUpdateError(resource: resource.id, what: "a replacement (it cannot be replaced in place)")
            }
            outcome = try await replaceable.replace(resource, physicalID: physicalID, in: resourceContext)
        } else {
            outcome = try await spec.create(resource, in: resourceContext)
        }
        // Only after the step fully succeeded: an interrupted step leaves the old (or no) record behind.
        if AppliedRecord.holder(of: resource.id.kind) != nil {
            let key = AppliedRecord.tagKey(for: resource.id)
            let digest = AppliedRecord.digest(of: resource, in: context.platform)
            try await spec.recordApplied(resource, key: key, digest: digest, in: resourceContext)
        }
        return outcome
    }

    // MARK: delete (orphans found by tag)

    /// Deletes an owned resource platform.yaml no longer asks for (what is already gone is unchanged).
    package func delete(_ id: ResourceID, context: ApplyContext) async throws -> StepOutcome {
        // The same idempotent deletions `down` uses (waits included); already-gone resources are unchanged.
        try await AWSTeardownProvider(session: session, kube: nil).deleteResource(id, context: context)
    }
}
