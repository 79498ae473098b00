/// One step of a field path inside an object: a map member or an associative-list item chosen by its keys.
enum PathElement: Hashable, Sendable {
    /// A member of a map, e.g. `spec`.
    case field(String)
    /// The item of an associative list whose key fields (an object) equal this value.
    case key(KubeFakeJSON)

    /// `.name` or `[name="web"]`, as structured-merge-diff prints paths.
    var rendered: String {
        switch self {
        case .field(let name):
            return "." + name
        case .key(let key):
            let pairs = (key.objectValue ?? [:]).sorted { $0.key < $1.key }
            return "[" + pairs.map { "\($0.key)=\($0.value.jsonString)" }.joined(separator: ",") + "]"
        }
    }

    /// `f:name` or `k:{"name":"web"}`, the FieldsV1 member names.
    var fieldsV1Name: String {
        switch self {
        case .field(let name): return "f:" + name
        case .key(let key): return "k:" + key.jsonString
        }
    }
}

/// A path from the object root, e.g. `.spec.template.spec.containers[name="web"].image`.
typealias FieldPath = [PathElement]

extension Array where Element == PathElement {
    /// The path as structured-merge-diff prints it in conflict messages.
    var rendered: String { map(\.rendered).joined() }
}
