import EKSAWS
import EKSKubernetes
import Foundation

extension ClusterObjects {
    /// Where Flux's controllers run: the toleration of the system taint and the system node group's labels as node
    /// selector. The engine's first install and the kustomize patch in `clusters/<name>/flux-system/` both use it, so
    /// Flux reconciling itself from git changes nothing the engine installed.
    public static func fluxControllerPlacement(
        _ config: PlatformConfig
    ) -> (toleration: core.v1.Toleration, nodeSelector: [String: String]) {
        (config.systemTaint.toleration, config.spec.systemNodeGroup.labels)
    }

    /// Flux's `install.yaml` made ready for this platform: every controller Deployment in `flux-system` tolerates the
    /// system taint and is pinned to the system node group's labels, because the system nodes are the only nodes that
    /// exist until Karpenter (which Flux installs) launches others.
    /// - Returns: the documents to apply and the names of the controller Deployments to wait for.
    /// - Throws: ``KubeClientError`` `.invalidObject` when the manifest is not YAML.
    public func fluxInstallDocuments(_ manifest: String) throws -> (documents: [JSONValue], controllers: [String]) {
        let documents: [JSONValue]
        do {
            documents = try YAML.decodeDocuments(manifest)
        } catch {
            throw KubeClientError(.invalidObject, "the Flux manifest \(fluxManifest.url) is not valid YAML: \(error)")
        }
        let placement = Self.fluxControllerPlacement(config)
        let toleration = try JSONValue(encoding: placement.toleration)
        let selector = placement.nodeSelector
        var controllers: [String] = []
        let patched = documents.map { document -> JSONValue in
            guard document["kind"]?.stringValue == "Deployment",
                document["metadata"]?["namespace"]?.stringValue == Self.fluxNamespace,
                let name = document["metadata"]?["name"]?.stringValue,
                case .object(var root) = document,
                case .object(var spec)? = root["spec"],
                case .object(var template)? = spec["template"],
                case .object(var podSpec)? = template["spec"]
            else { return document }
            controllers.append(name)
            var tolerations = podSpec["tolerations"]?.arrayValue ?? []
            if !tolerations.contains(toleration) { tolerations.append(toleration) }
            podSpec["tolerations"] = .array(tolerations)
            var nodeSelector = podSpec["nodeSelector"]?.objectValue ?? [:]
            for (key, value) in selector { nodeSelector[key] = .string(value) }
            podSpec["nodeSelector"] = .object(nodeSelector)
            template["spec"] = .object(podSpec)
            spec["template"] = .object(template)
            root["spec"] = .object(spec)
            return .object(root)
        }
        return (patched, controllers.sorted())
    }

    /// The annotation on the `flux-system` Namespace listing the objects the last applied Flux manifest held (one
    /// ``FluxInventoryEntry`` per line), so the next install of another version can prune what that one dropped.
    public static let fluxInventoryAnnotation = "eksplatform.io/flux-inventory"

    /// The annotation on the `flux-system` Namespace naming the Flux version last installed, so `plan` can show a
    /// version bump as `Flux v2.9.4 → v2.9.5`.
    public static let fluxVersionAnnotation = "eksplatform.io/flux-version"

    /// One object of a Flux install manifest, as the inventory records it: `apiVersion|kind|namespace|name`.
    public struct FluxInventoryEntry: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var apiVersion: String
        public var kind: String
        /// Empty for cluster-scoped objects.
        public var namespace: String
        public var name: String

        /// Creates an entry.
        public init(apiVersion: String, kind: String, namespace: String, name: String) {
            (self.apiVersion, self.kind, self.namespace, self.name) = (apiVersion, kind, namespace, name)
        }

        /// Parses one annotation line; `nil` for anything else.
        public init?(line: Substring) {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4, !parts[0].isEmpty, !parts[1].isEmpty, !parts[3].isEmpty else { return nil }
            self.init(apiVersion: parts[0], kind: parts[1], namespace: parts[2], name: parts[3])
        }

        /// The annotation line.
        public var line: String { "\(apiVersion)|\(kind)|\(namespace)|\(name)" }

        /// The object regardless of API version (group, kind, namespace, name): a kind served at a new version is
        /// still the same object.
        var identity: String {
            let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
            return "\(group)|\(kind)|\(namespace)|\(name)"
        }

        /// `Kind ns/name` or `Kind name`.
        public var description: String { namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)" }

        public static func < (a: Self, b: Self) -> Bool { a.line < b.line }
    }

    /// The inventory of a manifest's documents, sorted.
    public static func fluxInventory(_ documents: [JSONValue]) -> [FluxInventoryEntry] {
        documents.compactMap { document -> FluxInventoryEntry? in
            guard let apiVersion = document["apiVersion"]?.stringValue, let kind = document["kind"]?.stringValue,
                let name = document["metadata"]?["name"]?.stringValue
            else { return nil }
            return FluxInventoryEntry(
                apiVersion: apiVersion,
                kind: kind,
                namespace: document["metadata"]?["namespace"]?.stringValue ?? "",
                name: name
            )
        }.sorted()
    }

    /// What a new Flux manifest no longer holds compared with the recorded `previous` inventory (an annotation value),
    /// split into what is safe to delete and what is kept: CustomResourceDefinitions (deleting one deletes every
    /// object of its kind, the platform's Kustomizations and HelmReleases included) and Namespaces (deleting
    /// `flux-system` would delete Flux) are never pruned; they are named so the operator can decide.
    public static func fluxPrune(
        previous: String?,
        current: [FluxInventoryEntry]
    ) -> (delete: [FluxInventoryEntry], keep: [FluxInventoryEntry]) {
        let recorded = (previous ?? "").split(separator: "\n").compactMap(FluxInventoryEntry.init(line:))
        let wanted = Set(current.map(\.identity))
        let gone = recorded.filter { !wanted.contains($0.identity) }.sorted()
        let kept = gone.filter { $0.kind == "CustomResourceDefinition" || $0.kind == "Namespace" }
        return (gone.filter { !kept.contains($0) }, kept)
    }
}
