import Foundation

/// The non-apply patch formats: RFC 7386 merge patch, strategic merge patch and RFC 6902 JSON patch.
enum Patches {
    /// RFC 7386: objects merge recursively, `null` deletes, everything else replaces.
    static func mergePatch(_ target: KubeFakeJSON?, _ patch: KubeFakeJSON) -> KubeFakeJSON {
        guard case .object(let p) = patch else { return patch }
        var t = target?.objectValue ?? [:]
        for (k, v) in p {
            if v == .null { t[k] = nil } else { t[k] = mergePatch(t[k], v) }
        }
        return .object(t)
    }

    /// Strategic merge patch for built-in kinds: like a merge patch, but associative lists merge per key and
    /// `$patch: delete` list items are removed. Other `$` directives are ignored.
    static func strategicMerge(
        _ target: KubeFakeJSON?,
        _ patch: KubeFakeJSON,
        walker: FieldWalker,
        schemaPath: [String] = []
    ) -> KubeFakeJSON {
        switch patch {
        case .object(let p):
            var t = target?.objectValue ?? [:]
            for (k, v) in p where !k.hasPrefix("$") {
                if v == .null {
                    t[k] = nil
                } else {
                    t[k] = strategicMerge(t[k], v, walker: walker, schemaPath: schemaPath + [k])
                }
            }
            return .object(t)
        case .array(let items):
            let plain = items.filter { $0["$patch"] == nil }
            guard case .array(var t)? = target,
                let keys = walker.type.listMapKeys(at: schemaPath, items: plain),
                items.allSatisfy({ walker.key(of: $0, keys: keys) != nil })
            else { return .array(plain) }
            for item in items {
                guard let key = walker.key(of: item, keys: keys) else { continue }
                let index = t.firstIndex { walker.matches($0, key) }
                if item["$patch"]?.stringValue == "delete" {
                    if let index { t.remove(at: index) }
                } else if let index {
                    t[index] = strategicMerge(t[index], item, walker: walker, schemaPath: schemaPath + ["[]"])
                } else {
                    t.append(strategicMerge(nil, item, walker: walker, schemaPath: schemaPath + ["[]"]))
                }
            }
            return .array(t)
        default:
            return patch
        }
    }

    /// A JSON patch that cannot be applied.
    struct JSONPatchError: Error {
        var message: String
    }

    /// RFC 6902 JSON patch (`add`, `remove`, `replace`, `move`, `copy`, `test`).
    static func jsonPatch(_ target: KubeFakeJSON, _ patch: KubeFakeJSON) throws -> KubeFakeJSON {
        guard let ops = patch.arrayValue else {
            throw JSONPatchError(message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        }
        var doc = target
        for op in ops {
            guard let name = op["op"]?.stringValue, let path = op["path"]?.stringValue else {
                throw JSONPatchError(message: "operation missing \"op\" or \"path\"")
            }
            let pointer = try parsePointer(path)
            switch name {
            case "add":
                guard let value = op["value"] else {
                    throw JSONPatchError(message: "add operation does not apply: missing value")
                }
                doc = try add(value, at: pointer[...], in: doc)
            case "remove":
                doc = try remove(at: pointer[...], in: doc).0
            case "replace":
                guard let value = op["value"] else {
                    throw JSONPatchError(message: "replace operation does not apply: missing value")
                }
                doc = try add(value, at: pointer[...], in: try remove(at: pointer[...], in: doc).0, replacing: true)
            case "move", "copy":
                guard let from = op["from"]?.stringValue else { throw JSONPatchError(message: "\(name): missing from") }
                let fromPointer = try parsePointer(from)
                let (without, value) = try remove(at: fromPointer[...], in: doc)
                doc = try add(value, at: pointer[...], in: name == "move" ? without : doc)
            case "test":
                guard try get(pointer[...], in: doc) == (op["value"] ?? .null) else {
                    throw JSONPatchError(message: "testing value \(path) failed: test failed")
                }
            default:
                throw JSONPatchError(message: "Unexpected kind: \(name)")
            }
        }
        return doc
    }

    private static func parsePointer(_ path: String) throws -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw JSONPatchError(message: "invalid JSON pointer: \(path)") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ pointer: ArraySlice<String>, in doc: KubeFakeJSON) throws -> KubeFakeJSON {
        guard let first = pointer.first else { return doc }
        switch doc {
        case .object(let o):
            guard let child = o[first] else { throw JSONPatchError(message: "missing value: /\(first)") }
            return try get(pointer.dropFirst(), in: child)
        case .array(let a):
            guard let i = Int(first), a.indices.contains(i) else { throw JSONPatchError(message: "index out of range") }
            return try get(pointer.dropFirst(), in: a[i])
        default:
            throw JSONPatchError(message: "missing value: /\(first)")
        }
    }

    private static func add(
        _ value: KubeFakeJSON,
        at pointer: ArraySlice<String>,
        in doc: KubeFakeJSON,
        replacing: Bool = false
    ) throws -> KubeFakeJSON {
        guard let first = pointer.first else { return value }
        let rest = pointer.dropFirst()
        switch doc {
        case .object(var o):
            if rest.isEmpty {
                o[first] = value
            } else {
                guard let child = o[first] else {
                    throw JSONPatchError(message: "add operation does not apply: doc is missing path: /\(first)")
                }
                o[first] = try add(value, at: rest, in: child, replacing: replacing)
            }
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if first == "-" {
                    a.append(value)
                } else if let i = Int(first), i >= 0, i <= a.count {
                    a.insert(value, at: i)
                } else {
                    throw JSONPatchError(message: "add operation does not apply: index \(first) out of range")
                }
            } else {
                guard let i = Int(first), a.indices.contains(i) else {
                    throw JSONPatchError(message: "add operation does not apply: index \(first) out of range")
                }
                a[i] = try add(value, at: rest, in: a[i], replacing: replacing)
            }
            return .array(a)
        default:
            throw JSONPatchError(message: "add operation does not apply: doc is missing path: /\(first)")
        }
    }

    private static func remove(at pointer: ArraySlice<String>, in doc: KubeFakeJSON) throws -> (KubeFakeJSON, KubeFakeJSON) {
        guard let first = pointer.first else { throw JSONPatchError(message: "cannot remove the document root") }
        let rest = pointer.dropFirst()
        switch doc {
        case .object(var o):
            guard let child = o[first] else {
                throw JSONPatchError(message: "remove operation does not apply: doc is missing path: /\(first)")
            }
            if rest.isEmpty {
                o[first] = nil
                return (.object(o), child)
            }
            let (updated, removed) = try remove(at: rest, in: child)
            o[first] = updated
            return (.object(o), removed)
        case .array(var a):
            guard let i = Int(first), a.indices.contains(i) else {
                throw JSONPatchError(message: "remove operation does not apply: index \(first) out of range")
            }
            if rest.isEmpty {
                let removed = a.remove(at: i)
                return (.array(a), removed)
            }
            let (updated, removed) = try remove(at: rest, in: a[i])
            a[i] = updated
            return (.array(a), removed)
        default:
            throw JSONPatchError(message: "remove operation does not apply: doc is missing path: /\(first)")
        }
    }
}
