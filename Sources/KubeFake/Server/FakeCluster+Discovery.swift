import Foundation

extension FakeCluster {
    var versionDocument: KubeFakeJSON {
        [
            "major": "1", "minor": .string(KubeFakeInfo.minorVersion),
            "gitVersion": .string("v1.\(KubeFakeInfo.minorVersion).0-kubefake"), "gitCommit": "kubefake",
            "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.0",
            "compiler": "gc", "platform": "linux/amd64",
        ]
    }

    /// `/api`.
    var coreVersions: KubeFakeJSON {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string("127.0.0.1:\(port)")]],
        ]
    }

    /// Orders versions the way the apiserver prefers them: GA over beta over alpha, higher numbers first.
    static func versionPriority(_ v: String) -> (Int, Int, Int) {
        let scanner = Scanner(string: v)
        guard scanner.scanString("v") != nil, let major = scanner.scanInt() else { return (0, 0, 0) }
        if scanner.isAtEnd { return (3, major, 0) }
        let stage = scanner.scanCharacters(from: .letters) ?? ""
        let minor = scanner.scanInt() ?? 0
        switch stage {
        case "beta": return (2, major, minor)
        case "alpha": return (1, major, minor)
        default: return (0, major, minor)
        }
    }

    func groupVersions(_ group: String) -> [String] {
        let versions = Set(types.values.filter { $0.group == group }.map(\.version))
        return versions.sorted { Self.versionPriority($0) > Self.versionPriority($1) }
    }

    func groupDocument(_ group: String) -> KubeFakeJSON? {
        let versions = groupVersions(group)
        guard let preferred = versions.first else { return nil }
        return [
            "name": .string(group),
            "versions": .array(versions.map { ["groupVersion": .string("\(group)/\($0)"), "version": .string($0)] }),
            "preferredVersion": ["groupVersion": .string("\(group)/\(preferred)"), "version": .string(preferred)],
        ]
    }

    /// `/apis`: built-in groups first, then custom groups by name.
    var groupList: KubeFakeJSON {
        var groups: [String] = []
        for type in ResourceType.builtIns where !type.group.isEmpty && !groups.contains(type.group) {
            groups.append(type.group)
        }
        for group in Set(types.values.filter(\.isCustom).map(\.group)).sorted() where !groups.contains(group) {
            groups.append(group)
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups.compactMap(groupDocument))]
    }

    func apiGroup(_ group: String) -> KubeFakeJSON? {
        guard var doc = groupDocument(group) else { return nil }
        doc["kind"] = "APIGroup"
        doc["apiVersion"] = "v1"
        return doc
    }

    /// `/api/v1` or `/apis/{group}/{version}`.
    func resourceList(group: String, version: String) -> KubeFakeJSON? {
        let selected = types.values.filter { $0.group == group && $0.version == version }.sorted { $0.plural < $1.plural }
        guard !selected.isEmpty else { return nil }
        var resources: [KubeFakeJSON] = []
        for type in selected {
            var entry: [String: KubeFakeJSON] = [
                "name": .string(type.plural), "singularName": .string(type.singular),
                "namespaced": .bool(type.namespaced), "kind": .string(type.kind), "verbs": .array(ResourceType.verbs),
                "shortNames": .array(type.shortNames.map { .string($0) }),
            ]
            if !type.categories.isEmpty { entry["categories"] = .array(type.categories.map { .string($0) }) }
            resources.append(.object(entry))
            if type.hasStatusSubresource {
                resources.append([
                    "name": .string("\(type.plural)/status"), "singularName": "", "namespaced": .bool(type.namespaced),
                    "kind": .string(type.kind), "verbs": ["get", "patch", "update"],
                ])
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
            "resources": .array(resources),
        ]
    }
}
