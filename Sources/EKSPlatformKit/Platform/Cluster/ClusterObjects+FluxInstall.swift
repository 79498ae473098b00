import EKSAWS
import EKSKubernetes
import Foundation

extension ClusterObjects {
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
        let toleration = try JSONValue(encoding: config.systemTaint.toleration)
        let selector = config.spec.systemNodeGroup.labels
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
