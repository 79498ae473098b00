import EKSAWS
import EKSKubernetes
import Foundation

extension ClusterObjects {
    /// The annotation holding the digest of what the engine last applied; the observer reports it back as the
    /// `digest` property, so a second `up` can tell "unchanged" without rewriting anything.
    public static let digestAnnotation = "eksplatform.io/digest"

    /// The logical ids of the in-cluster objects, in apply order.
    public static let fluxInstall = ResourceID(.kubernetesObject, "flux-install")
    /// The Git credentials Secret.
    public static let gitCredentials = ResourceID(.kubernetesObject, "git-credentials")
    /// The `flux-system` GitRepository.
    public static let gitRepositoryID = ResourceID(.kubernetesObject, "git-repository")
    /// The `flux-system` Kustomization.
    public static let kustomizationID = ResourceID(.kubernetesObject, "kustomization")
    /// The `platform-vars` ConfigMap.
    public static let platformVars = ResourceID(.kubernetesObject, "platform-vars")

    /// The desired objects with the digest of their content, in apply order. The Secret's digest covers only where
    /// the key comes from (never the key itself).
    public func desiredDigests(context: PlatformContext, endpoint: String) -> [(id: ResourceID, digest: String)] {
        func digest(_ text: String) -> String { StableNames.hash([text], length: 16) }
        func digest<T: Encodable>(_ object: T) -> String {
            digest((try? JSONValue(encoding: object)).map(PolicyDocument.canonicalJSON) ?? "")
        }
        var result: [(ResourceID, String)] = [(Self.fluxInstall, digest("\(fluxManifest.url)@\(fluxManifest.sha256 ?? "")"))]
        if let credentials {
            switch credentials {
            case .sshPrivateKey(let reference): result.append((Self.gitCredentials, digest("ssh:\(reference)")))
            case .file(let path): result.append((Self.gitCredentials, digest("file:\(path)")))
            }
        }
        result.append((Self.gitRepositoryID, digest(gitRepository)))
        result.append((Self.kustomizationID, digest(kustomization)))
        let variables = platformVariables(context: context, endpoint: endpoint)
        result.append(
            (
                Self.platformVars,
                digest(variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n"))
            )
        )
        return result
    }
}
