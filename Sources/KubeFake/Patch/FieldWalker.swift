/// Walks objects as field sets, using a resource type's list semantics.
struct FieldWalker {
    /// The type whose associative-list keys apply.
    var type: ResourceType

    /// Key object for `item` in a list keyed by `keys`, or `nil` when the item lacks a key.
    func key(of item: KubeFakeJSON, keys: [String]) -> KubeFakeJSON? {
        var o: [String: KubeFakeJSON] = [:]
        for k in keys {
            guard let v = ResourceType.defaultedKey(k, in: item) else { return nil }
            o[k] = v
        }
        return .object(o)
    }

    /// The list-map keys for a list value at `schemaPath`, or `nil` when the list is atomic.
    func listKeys(_ items: [KubeFakeJSON], at schemaPath: [String]) -> [String]? {
        guard let keys = type.listMapKeys(at: schemaPath, items: items) else { return nil }
        for item in items where item.objectValue == nil || key(of: item, keys: keys) == nil { return nil }
        return keys
    }

    /// Every owned leaf and associative-list item path in `value`.
    func fieldSet(of value: KubeFakeJSON) -> Set<FieldPath> {
        var set = Set<FieldPath>()
        collect(value, path: [], schemaPath: [], into: &set)
        return set
    }

    private func collect(_ value: KubeFakeJSON, path: FieldPath, schemaPath: [String], into set: inout Set<FieldPath>) {
        switch value {
        case .object(let o) where !o.isEmpty:
            for (k, child) in o where child != .null {
                collect(child, path: path + [.field(k)], schemaPath: schemaPath + [k], into: &set)
            }
        case .array(let items) where !items.isEmpty:
            guard let keys = listKeys(items, at: schemaPath) else {
                set.insert(path)
                return
            }
            for item in items {
                guard let k = key(of: item, keys: keys) else { continue }
                let itemPath = path + [.key(k)]
                set.insert(itemPath)
                collect(item, path: itemPath, schemaPath: schemaPath + ["[]"], into: &set)
            }
        default:
            if !path.isEmpty { set.insert(path) }
        }
    }

    /// The value at `path`, or `nil` when absent.
    func value(at path: FieldPath, in root: KubeFakeJSON) -> KubeFakeJSON? {
        var current = root
        for element in path {
            switch element {
            case .field(let name):
                guard let next = current[name] else { return nil }
                current = next
            case .key(let key):
                guard let items = current.arrayValue, let item = items.first(where: { matches($0, key) })
                else { return nil }
                current = item
            }
        }
        return current
    }

    func matches(_ item: KubeFakeJSON, _ key: KubeFakeJSON) -> Bool {
        guard let pairs = key.objectValue else { return false }
        for (k, v) in pairs where ResourceType.defaultedKey(k, in: item) != v { return false }
        return true
    }

    /// `root` without the member at `path`; maps and lists emptied by the removal disappear too.
    func removing(_ path: FieldPath, from root: KubeFakeJSON) -> KubeFakeJSON {
        guard let first = path.first else { return root }
        let rest = Array(path.dropFirst())
        switch (first, root) {
        case (.field(let name), .object(var o)):
            guard let child = o[name] else { return root }
            if rest.isEmpty {
                o[name] = nil
            } else {
                let updated = removing(rest, from: child)
                if isEmptyContainer(updated) && !isEmptyContainer(child) { o[name] = nil } else { o[name] = updated }
            }
            return .object(o)
        case (.key(let key), .array(var items)):
            guard let index = items.firstIndex(where: { matches($0, key) }) else { return root }
            if rest.isEmpty {
                items.remove(at: index)
            } else {
                items[index] = removing(rest, from: items[index])
            }
            return .array(items)
        default:
            return root
        }
    }

    private func isEmptyContainer(_ v: KubeFakeJSON) -> Bool {
        switch v {
        case .object(let o): return o.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }

    /// Applies `config` on top of `live`: maps merge, associative lists merge per key, everything else is
    /// replaced by the config's value.
    func merge(_ live: KubeFakeJSON?, _ config: KubeFakeJSON, schemaPath: [String] = []) -> KubeFakeJSON {
        switch (live, config) {
        case (.object(var l)?, .object(let c)):
            for (k, v) in c where v != .null {
                l[k] = merge(l[k], v, schemaPath: schemaPath + [k])
            }
            return .object(l)
        case (.array(var l)?, .array(let c)):
            guard let keys = listKeys(c, at: schemaPath), listKeys(l, at: schemaPath) != nil else { return config }
            for item in c {
                guard let k = key(of: item, keys: keys) else { continue }
                if let index = l.firstIndex(where: { matches($0, k) }) {
                    l[index] = merge(l[index], item, schemaPath: schemaPath + ["[]"])
                } else {
                    l.append(merge(nil, item, schemaPath: schemaPath + ["[]"]))
                }
            }
            return .array(l)
        case (_, .object(let c)):
            return .object(c.filter { $0.value != .null })
        default:
            return config
        }
    }
}
