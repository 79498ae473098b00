import Foundation

extension FakeCluster {
    static let crdKey = typeKey("apiextensions.k8s.io", "v1", "customresourcedefinitions")

    var crdType: ResourceType? { types[Self.crdKey] }

    /// Hooks that run after every stored write: CRD establishment and the optional controller.
    func afterWrite(_ type: ResourceType, old: KubeFakeJSON?, new: KubeFakeJSON) {
        if type.kind == "CustomResourceDefinition" && type.group == "apiextensions.k8s.io" {
            crdWritten(new)
        }
        controllerReact(type, old: old, new: new)
    }

    static func isEstablished(_ crd: KubeFakeJSON) -> Bool {
        (crd[path: ["status", "conditions"]]?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True"
        }
    }

    func crdWritten(_ crd: KubeFakeJSON) {
        guard let name = crd[path: ["metadata", "name"]]?.stringValue else { return }
        if Self.isEstablished(crd) {
            register(crd, routable: true)
            return
        }
        guard let delay = crdEstablishDelay else { return }
        if delay <= 0 {
            establish(name: name)
        } else {
            schedule(after: delay) { [self] in withLock { establish(name: name) } }
        }
    }

    /// Marks a CRD NamesAccepted + Established (a status-only write) and makes its versions discoverable.
    func establish(name: String) {
        guard let crdType, let crd = stored(crdType, namespace: nil, name: name), !Self.isEstablished(crd),
            crd[path: ["metadata", "deletionTimestamp"]] == nil
        else { return }
        let now = Self.timestamp()
        var names = crd[path: ["spec", "names"]] ?? .emptyObject
        if let kind = names["kind"]?.stringValue {
            if names["singular"] == nil { names["singular"] = .string(kind.lowercased()) }
            if names["listKind"] == nil { names["listKind"] = .string(kind + "List") }
        }
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        let storage = versions.first { $0["storage"]?.boolValue == true }?["name"] ?? versions.first?["name"] ?? "v1"
        var stored = crd[path: ["status", "storedVersions"]]?.arrayValue ?? []
        if !stored.contains(storage) { stored.append(storage) }
        var updated = crd
        updated["status"] = [
            "conditions": [
                [
                    "type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found",
                    "lastTransitionTime": .string(now),
                ],
                [
                    "type": "Established", "status": "True", "reason": "InitialNamesAccepted",
                    "message": "the initial names have been accepted", "lastTransitionTime": .string(now),
                ],
            ],
            "acceptedNames": names,
            "storedVersions": .array(stored),
        ]
        _ = try? finish(crdType, old: crd, candidate: updated, subresource: "status", ownership: .update("kube-apiserver"))
    }

    /// Adds (or refreshes) the CRD's served versions in discovery; with an endpoint lag they stay 404 briefly.
    func register(_ crd: KubeFakeJSON, routable: Bool) {
        guard let group = crd[path: ["spec", "group"]]?.stringValue,
            let plural = crd[path: ["spec", "names", "plural"]]?.stringValue,
            let kind = crd[path: ["spec", "names", "kind"]]?.stringValue
        else { return }
        let names = crd[path: ["spec", "names"]] ?? .emptyObject
        let namespaced = crd[path: ["spec", "scope"]]?.stringValue != "Cluster"
        let existing = types.filter { $0.value.isCustom && $0.value.group == group && $0.value.plural == plural }
        var keys: [String] = []
        for version in crd[path: ["spec", "versions"]]?.arrayValue ?? [] {
            guard let v = version["name"]?.stringValue, version["served"]?.boolValue != false else { continue }
            let key = Self.typeKey(group, v, plural)
            keys.append(key)
            let isNew = types[key] == nil
            types[key] = ResourceType(
                group: group,
                version: v,
                plural: plural,
                singular: names["singular"]?.stringValue ?? kind.lowercased(),
                kind: kind,
                namespaced: namespaced,
                shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                hasStatusSubresource: version[path: ["subresources", "status"]] != nil,
                schema: version[path: ["schema", "openAPIV3Schema"]],
                isCustom: true
            )
            if isNew && endpointLag > 0 {
                unroutable.insert(key)
                schedule(after: endpointLag) { [self] in _ = withLock { unroutable.remove(key) } }
            }
        }
        for key in existing.keys where !keys.contains(key) { types[key] = nil }
    }

    /// A deleted CRD takes its custom resources, its endpoints and their watches with it.
    /// The served type of a CRD (`nil` when it serves none yet).
    func customType(of crd: KubeFakeJSON) -> ResourceType? {
        guard let group = crd[path: ["spec", "group"]]?.stringValue,
            let plural = crd[path: ["spec", "names", "plural"]]?.stringValue
        else { return nil }
        return types.values.first { $0.isCustom && $0.group == group && $0.plural == plural }
    }

    func crdRemoved(_ crd: KubeFakeJSON) {
        guard let group = crd[path: ["spec", "group"]]?.stringValue,
            let plural = crd[path: ["spec", "names", "plural"]]?.stringValue
        else { return }
        let removedTypes = types.filter { $0.value.isCustom && $0.value.group == group && $0.value.plural == plural }
        if let type = removedTypes.values.first {
            for (_, object) in (objects[type.storageKey] ?? [:]).sorted(by: { $0.key < $1.key }) {
                remove(type, object)
            }
            objects[type.storageKey] = nil
            for watcher in watchers.values where watcher.type.storageKey == type.storageKey { endWatch(watcher.id) }
        }
        for key in removedTypes.keys {
            types[key] = nil
            unroutable.remove(key)
        }
    }
}
