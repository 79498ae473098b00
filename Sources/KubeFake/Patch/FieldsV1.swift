/// FieldsV1 encoding of field sets (`{"f:spec":{"f:replicas":{}}}`).
enum FieldsV1 {
    private struct Node {
        var member = false
        var children: [String: Node] = [:]

        var rendered: KubeFakeJSON {
            var o = children.mapValues(\.rendered)
            if member && !o.isEmpty { o["."] = .emptyObject }
            return .object(o)
        }
    }

    /// Encodes a set of paths as a FieldsV1 tree.
    static func encode(_ set: Set<FieldPath>) -> KubeFakeJSON {
        var root = Node()
        for path in set { insert(path[...], into: &root) }
        return root.rendered
    }

    private static func insert(_ path: ArraySlice<PathElement>, into node: inout Node) {
        guard let first = path.first else {
            node.member = true
            return
        }
        let name = first.fieldsV1Name
        var child = node.children[name] ?? Node()
        insert(path.dropFirst(), into: &child)
        node.children[name] = child
    }

    /// Decodes a FieldsV1 tree into the paths it marks as owned.
    static func decode(_ value: KubeFakeJSON) -> Set<FieldPath> {
        var set = Set<FieldPath>()
        walk(value, path: [], into: &set)
        return set
    }

    private static func walk(_ value: KubeFakeJSON, path: FieldPath, into set: inout Set<FieldPath>) {
        guard let o = value.objectValue else { return }
        if o.isEmpty || o["."] != nil, !path.isEmpty { set.insert(path) }
        for (name, child) in o {
            if name.hasPrefix("f:") {
                walk(child, path: path + [.field(String(name.dropFirst(2)))], into: &set)
            } else if name.hasPrefix("k:"), let key = try? KubeFakeJSON.parse(String(name.dropFirst(2))) {
                walk(child, path: path + [.key(key)], into: &set)
            }
        }
    }
}
