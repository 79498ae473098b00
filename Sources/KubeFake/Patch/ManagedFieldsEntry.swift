import Foundation

/// One `metadata.managedFields` entry.
struct ManagedFieldsEntry: Equatable {
    var manager: String
    var operation: String
    var apiVersion: String
    var time: String
    var subresource: String
    var fields: Set<FieldPath>

    /// Whether two entries belong to the same manager identity (name, operation and subresource).
    func sameIdentity(_ other: ManagedFieldsEntry) -> Bool {
        manager == other.manager && operation == other.operation && subresource == other.subresource
    }

    /// `"name"` for appliers; `"name" using apps/v1` for updaters, as the apiserver prints managers.
    var printed: String {
        var s = KubeFakeJSON.quoted(manager)
        if !subresource.isEmpty { s += " with subresource \(KubeFakeJSON.quoted(subresource))" }
        if operation == "Update" { s += " using \(apiVersion)" }
        return s
    }

    var json: KubeFakeJSON {
        var o: [String: KubeFakeJSON] = [
            "manager": .string(manager), "operation": .string(operation), "apiVersion": .string(apiVersion),
            "time": .string(time), "fieldsType": "FieldsV1", "fieldsV1": FieldsV1.encode(fields),
        ]
        if !subresource.isEmpty { o["subresource"] = .string(subresource) }
        return .object(o)
    }

    static func decode(_ object: KubeFakeJSON?) -> [ManagedFieldsEntry] {
        (object?[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { e in
            guard let manager = e["manager"]?.stringValue else { return nil }
            return ManagedFieldsEntry(
                manager: manager,
                operation: e["operation"]?.stringValue ?? "Update",
                apiVersion: e["apiVersion"]?.stringValue ?? "",
                time: e["time"]?.stringValue ?? "",
                subresource: e["subresource"]?.stringValue ?? "",
                fields: FieldsV1.decode(e["fieldsV1"] ?? .emptyObject)
            )
        }
    }
}
