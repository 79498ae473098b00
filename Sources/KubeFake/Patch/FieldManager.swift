import Foundation

/// Field ownership: server-side apply merges and conflicts, and ownership moves on updates.
struct FieldManager {
    var walker: FieldWalker
    var now: String

    /// Metadata members that belong to the server, never to a manager.
    static let serverMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
        "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generateName",
    ]

    /// The part of `object` whose fields managers own through `subresource` ("" or "status").
    func ownedPortion(_ object: KubeFakeJSON, subresource: String) -> KubeFakeJSON {
        guard case .object(var o) = object else { return object }
        o["apiVersion"] = nil
        o["kind"] = nil
        if case .object(var meta)? = o["metadata"] {
            for k in Self.serverMetadata { meta[k] = nil }
            o["metadata"] = meta.isEmpty ? nil : .object(meta)
        }
        if walker.type.hasStatusSubresource {
            if subresource == "status" {
                return .object(o["status"].map { ["status": $0] } ?? [:])
            }
            o["status"] = nil
        }
        return .object(o)
    }

    /// A failed apply.
    struct ApplyConflict: Error {
        var conflicts: [(entry: ManagedFieldsEntry, path: FieldPath)]

        var statusError: KubeStatusError {
            let sorted = conflicts.sorted { ($0.entry.printed, $0.path.rendered) < ($1.entry.printed, $1.path.rendered) }
            let message: String
            if sorted.count == 1 {
                message = "Apply failed with 1 conflict: conflict with \(sorted[0].entry.printed): \(sorted[0].path.rendered)"
            } else {
                var lines: [String] = []
                var lastManager: String?
                for c in sorted {
                    if c.entry.printed != lastManager {
                        lines.append("conflicts with \(c.entry.printed):")
                        lastManager = c.entry.printed
                    }
                    lines.append("- \(c.path.rendered)")
                }
                message = "Apply failed with \(sorted.count) conflicts: " + lines.joined(separator: "\n")
            }
            let causes: [KubeFakeJSON] = sorted.map {
                [
                    "type": "FieldManagerConflict", "message": .string("conflict with \($0.entry.printed)"),
                    "field": .string($0.path.rendered),
                ]
            }
            return KubeStatusError(code: 409, reason: "Conflict", message: message, details: ["causes": .array(causes)])
        }
    }

    /// Server-side apply of `config` by `manager` onto `live` (`nil` when creating). Returns the merged object
    /// with updated `managedFields`.
    func apply(
        config: KubeFakeJSON,
        to live: KubeFakeJSON?,
        manager: String,
        force: Bool,
        apiVersion: String,
        subresource: String
    ) throws -> KubeFakeJSON {
        let liveObject = live ?? .emptyObject
        let configOwned = ownedPortion(config, subresource: subresource)
        let configFields = walker.fieldSet(of: configOwned)
        var entries = ManagedFieldsEntry.decode(live)
        let applier = ManagedFieldsEntry(
            manager: manager,
            operation: "Apply",
            apiVersion: apiVersion,
            time: now,
            subresource: subresource,
            fields: configFields
        )

        var conflicts: [(entry: ManagedFieldsEntry, path: FieldPath)] = []
        for entry in entries where !entry.sameIdentity(applier) {
            for path in entry.fields.intersection(configFields) {
                if case .key? = path.last { continue }
                let liveValue = walker.value(at: path, in: liveObject)
                let configValue = walker.value(at: path, in: configOwned)
                if liveValue != nil && liveValue != configValue { conflicts.append((entry, path)) }
            }
        }
        if !conflicts.isEmpty {
            guard force else { throw ApplyConflict(conflicts: conflicts) }
            for i in entries.indices where !entries[i].sameIdentity(applier) {
                for c in conflicts where c.entry.sameIdentity(entries[i]) { entries[i].fields.remove(c.path) }
            }
        }

        let previous = entries.first { $0.sameIdentity(applier) }?.fields ?? []
        var others = Set<FieldPath>()
        for entry in entries where !entry.sameIdentity(applier) { others.formUnion(entry.fields) }
        // A field the applier stopped applying goes away unless someone else still owns it or something inside
        // it (e.g. another manager's image in a list item the applier dropped).
        let stillOwned = others.union(configFields)
        let removable = previous.subtracting(stillOwned).filter { path in
            !stillOwned.contains { $0.count > path.count && Array($0.prefix(path.count)) == path }
        }
        // Key fields stay as long as their list item stays, or the item could no longer be found.
        let toRemove = removable.filter { path in
            guard path.count >= 2, case .key(let key) = path[path.count - 2], case .field(let name)? = path.last,
                key[name] != nil
            else { return true }
            return removable.contains(Array(path.dropLast()))
        }

        var result = liveObject
        for path in toRemove.sorted(by: { $0.count < $1.count }) { result = walker.removing(path, from: result) }
        result = walker.merge(result, configOwned)

        if let index = entries.firstIndex(where: { $0.sameIdentity(applier) }) {
            if entries[index].fields != configFields || entries[index].apiVersion != apiVersion {
                entries[index] = applier
            }
        } else {
            entries.append(applier)
        }
        entries.removeAll { $0.fields.isEmpty }
        return withManagedFields(result, entries)
    }

    /// Records an update (PUT, non-apply PATCH, create) of `old` into `new` by `manager`: changed fields move
    /// to the updater, removed fields leave every manager.
    func update(old: KubeFakeJSON?, new: KubeFakeJSON, manager: String, apiVersion: String, subresource: String) -> KubeFakeJSON {
        let oldOwned = old.map { ownedPortion($0, subresource: subresource) } ?? .emptyObject
        let newOwned = ownedPortion(new, subresource: subresource)
        let oldSet = walker.fieldSet(of: oldOwned)
        let newSet = walker.fieldSet(of: newOwned)
        let changed = newSet.filter { path in
            if case .key? = path.last { return !oldSet.contains(path) }
            return walker.value(at: path, in: oldOwned) != walker.value(at: path, in: newOwned)
        }
        let removed = oldSet.subtracting(newSet)
        var entries = ManagedFieldsEntry.decode(old)
        for i in entries.indices {
            entries[i].fields.subtract(changed)
            entries[i].fields.subtract(removed)
        }
        let updater = ManagedFieldsEntry(
            manager: manager,
            operation: "Update",
            apiVersion: apiVersion,
            time: now,
            subresource: subresource,
            fields: changed
        )
        if let index = entries.firstIndex(where: { $0.sameIdentity(updater) }) {
            if !changed.isSubset(of: entries[index].fields) {
                entries[index].fields.formUnion(changed)
                entries[index].time = now
                entries[index].apiVersion = apiVersion
            }
        } else if !changed.isEmpty {
            entries.append(updater)
        }
        entries.removeAll { $0.fields.isEmpty }
        return withManagedFields(new, entries)
    }

    private func withManagedFields(_ object: KubeFakeJSON, _ entries: [ManagedFieldsEntry]) -> KubeFakeJSON {
        var result = object
        if result["metadata"]?.objectValue == nil { result["metadata"] = .emptyObject }
        result[path: ["metadata", "managedFields"]] = entries.isEmpty ? nil : .array(entries.map(\.json))
        return result
    }
}
