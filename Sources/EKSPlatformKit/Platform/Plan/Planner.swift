import EKSAWS
import EKSKubernetes

/// Turns a blueprint and an observed state into a ``Plan``: create / update / replace / delete / no-op per
/// resource, each with a reason. Pure; ``plan(_:observer:)`` adds the observation.
package enum Planner {
    /// Observes with `observer`, derives the blueprint for the observed zones, and plans.
    package static func plan(_ config: PlatformConfig, observer: any PlatformObserver) async throws -> (Blueprint, Plan) {
        let observed = try await observer.observe(config)
        let zones = try Blueprint.resolveZones(for: config, available: observed.availableZones)
        let blueprint = try Blueprint(config: config, zones: zones, callerARN: observed.context.callerARN)
        return (blueprint, plan(blueprint, observed: observed))
    }

    /// Plans `blueprint` against `observed`.
    package static func plan(_ blueprint: Blueprint, observed: ObservedState) -> Plan {
        let context = observed.context
        var changes: [Plan.Change] = []
        var desiredIDs = Set<ResourceID>()

        for resource in blueprint.resources {
            desiredIDs.insert(resource.id)
            guard let existing = observed.resource(resource.id) else {
                changes.append(Plan.Change(id: resource.id, action: .create, reasons: ["does not exist"]))
                continue
            }
            let desired = resource.spec.properties(in: context)
            let immutable = type(of: resource.spec).immutableProperties
            var reasons: [String] = []
            var replace = false
            for key in desired.keys.sorted() {
                guard let have = existing.properties[key], let want = desired[key], have != want else { continue }
                reasons.append(difference(key.name, have: have, want: want))
                if immutable.contains(key) { replace = true }
            }
            let ownsEveryTag = ResourceKinds.type(of: resource.id.kind)?.ownsEveryTag ?? false
            if existing.tagsRead,
                let tagReason = tagDifference(have: existing.tags, want: resource.tags, removingOthers: ownsEveryTag)
            {
                reasons.append(tagReason)
            }
            if reasons.isEmpty, existing.record == .stale {
                reasons.append(Self.staleRecordReason)
            }
            let action: Plan.Action = reasons.isEmpty ? .noop : (replace ? .replace : .update)
            changes.append(
                Plan.Change(
                    id: resource.id,
                    action: action,
                    reasons: replace ? reasons + [Self.replacementReason(resource.id.kind)] : reasons,
                    physicalID: existing.physicalID
                )
            )
        }

        if let objects = blueprint.cluster {
            for (id, digest) in objects.desiredDigests(context: context, endpoint: observed.clusterEndpoint ?? "") {
                desiredIDs.insert(id)
                guard let existing = observed.resource(id) else {
                    let reason = observed.clusterEndpoint == nil ? "the cluster does not exist yet" : "not in the cluster"
                    changes.append(Plan.Change(id: id, action: .create, reasons: [reason]))
                    continue
                }
                let drift = (existing.properties[.drift] ?? "").split(separator: "\n").map(String.init)
                let same = existing.properties[.digest] == digest && drift.isEmpty
                changes.append(
                    Plan.Change(
                        id: id,
                        action: same ? .noop : .update,
                        reasons: same
                            ? [] : drift.isEmpty ? ["content differs from what platformctl last applied"] : drift,
                        physicalID: existing.physicalID
                    )
                )
            }
        }

        // Owned but undesired: delete, dependents first (reverse kind order, then reverse name).
        let orphans = observed.resources.filter { !desiredIDs.contains($0.id) }.sorted { $0.id > $1.id }
        for orphan in orphans {
            changes.append(
                Plan.Change(
                    id: orphan.id,
                    action: .delete,
                    reasons: ["tagged \(PlatformTags.cluster)=\(blueprint.config.name) but no longer in platform.yaml"],
                    physicalID: orphan.physicalID
                )
            )
        }
        return Plan(cluster: blueprint.config.name, changes: changes)
    }

    /// The reason given for re-applying a resource that matches platform.yaml but whose ``AppliedRecord`` is missing
    /// or out of date (typically after an interrupted run), so that later plans can skip reading it in full.
    /// Whether a kind is replaced create-before-destroy (``CreateBeforeDestroyResource``): its replacement runs.
    package static func replacesBeforeDestroying(_ kind: ResourceKind) -> Bool {
        ResourceKinds.type(of: kind) is any CreateBeforeDestroyResource.Type
    }

    /// The last reason of a replacement: how it will be done, or that `up` will not do it.
    static func replacementReason(_ kind: ResourceKind) -> String {
        replacesBeforeDestroying(kind)
            ? "cannot change in place: a replacement is created and ready before the old one is deleted"
            : "cannot change in place: the resource must be re-created"
    }

    package static let staleRecordReason =
        "matches platform.yaml, but platformctl's record of applying it is missing or out of date; re-applied to record it"

    /// `key differs: old → new`; for lists, only the added and removed items; long values are not printed.
    package static func difference(_ key: String, have: String, want: String) -> String {
        let haveItems = Set(have.split(separator: ",").map(String.init))
        let wantItems = Set(want.split(separator: ",").map(String.init))
        // JSON documents (policies, add-on configuration) contain commas but are not lists.
        let isDocument = [have, want].contains { $0.hasPrefix("{") || $0.hasPrefix("[") }
        if !isDocument, haveItems.count > 1 || wantItems.count > 1 {
            let removed = haveItems.subtracting(wantItems).sorted()
            let added = wantItems.subtracting(haveItems).sorted()
            if !removed.isEmpty || !added.isEmpty, (removed + added).allSatisfy({ $0.count <= 80 }) {
                let from = removed.isEmpty ? "(none)" : removed.joined(separator: ",")
                let to = added.isEmpty ? "(none)" : added.joined(separator: ",")
                return "\(key) differ: \(from) → \(to)"
            }
        }
        if have.count > 80 || want.count > 80 { return "\(key) differs" }
        return "\(key) differs: \(have.isEmpty ? "(empty)" : have) → \(want.isEmpty ? "(empty)" : want)"
    }

    /// `tags differ: team=a → team=b` over the desired keys. Extra observed tags are ignored, unless
    /// `removingOthers` (the kind owns every tag): then each one not written by AWS (`aws:`) or holding an
    /// ``AppliedRecord`` is a difference too (`cost-center=x → cost-center (removed)`).
    static func tagDifference(have: [String: String], want: [String: String], removingOthers: Bool = false) -> String? {
        var from: [String] = []
        var to: [String] = []
        for key in want.keys.sorted() where have[key] != want[key] {
            from.append(have[key].map { "\(key)=\($0)" } ?? "\(key) (missing)")
            to.append("\(key)=\(want[key] ?? "")")
        }
        if removingOthers {
            for key in have.keys.sorted()
            where want[key] == nil && !key.hasPrefix("aws:") && !key.hasPrefix(AppliedRecord.tagPrefix) {
                from.append("\(key)=\(have[key] ?? "")")
                to.append("\(key) (removed)")
            }
        }
        guard !to.isEmpty else { return nil }
        return "tags differ: \(from.joined(separator: ", ")) → \(to.joined(separator: ", "))"
    }
}
