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
}
