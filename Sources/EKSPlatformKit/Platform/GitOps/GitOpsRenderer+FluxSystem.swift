import EKSAWS
import EKSKubernetes

extension GitOpsRenderer {
    /// The folder under `clusters/<name>/` that holds Flux's own objects, as `flux bootstrap` lays it out.
    public static let fluxSystemFolder = "flux-system"

    /// Why Flux's components cannot be rendered for a configuration.
    public struct FluxComponentsError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What does not fit and how to fix it.
        public var description: String
    }

    /// `clusters/<name>/flux-system/`, so that Flux manages itself from git the way `flux bootstrap
    /// --toleration-keys` sets it up:
    /// - `gotk-components.yaml`: the pinned install manifest, byte for byte (its SHA-256 in git equals
    ///   `spec.gitops.flux.sha256`, so a reviewer can check the pin against the file Flux applies);
    /// - `gotk-sync.yaml`: the `flux-system` GitRepository and Kustomization, the same objects `up` applies;
    /// - `system-nodes-patch.yaml` + `kustomization.yaml`: a strategic-merge patch on every Deployment in
    ///   `flux-system` that adds the system taint's toleration and the system node group's labels as node selector
    ///   (``ClusterObjects/fluxControllerPlacement(_:)``, which the engine applies on first install too).
    ///
    /// The manifest is in git rather than referenced by URL from `kustomization.yaml`: kustomize has no digest check
    /// for remote resources (the pin would protect only the first install), a remote resource needs the network at
    /// every build (kustomize-controller's and `kubectl kustomize`'s), and Flux upgrades become reviewable commits
    /// (re-render after changing `version` and `sha256`).
    /// - Throws: ``FluxComponentsError`` when the configuration has no `gitops` section or pins another version or
    ///   digest than `components` carries.
    public static func fluxSystemFiles(
        _ config: PlatformConfig,
        components: FluxRelease.VerifiedManifest
    ) throws -> [RenderedFile] {
        guard let gitops = config.spec.gitops else {
            throw FluxComponentsError(description: "platform.yaml has no spec.gitops, so Flux has nothing to sync")
        }
        let release = FluxRelease(flux: gitops.flux)
        guard components.version == release.version, release.sha256 == nil || release.sha256 == components.sha256 else {
            throw FluxComponentsError(
                description: "the Flux manifest given (\(components.version), SHA-256 \(components.sha256)) is not the "
                    + "one platform.yaml pins (\(release.version), SHA-256 \(release.sha256 ?? "none"))"
            )
        }
        let folder = "clusters/\(config.name)/\(fluxSystemFolder)"
        let objects = ClusterObjects(config: config, gitops: gitops)
        let placement = ClusterObjects.fluxControllerPlacement(config)
        let patch: JSONValue = .object([
            "apiVersion": .string("apps/v1"),
            "kind": .string("Deployment"),
            // kustomize replaces the name with each target's; it only has to be present.
            "metadata": .object(["name": .string("flux-controllers")]),
            "spec": .object([
                "template": .object([
                    "spec": .object([
                        "tolerations": .array([try JSONValue(encoding: placement.toleration)]),
                        "nodeSelector": .object(placement.nodeSelector.mapValues { .string($0) }),
                    ])
                ])
            ]),
        ])
        func file(_ name: String, _ documents: [any Encodable]) throws -> RenderedFile {
            RenderedFile(path: "\(folder)/\(name)", contents: header + "\n" + (try YAML.encodeDocuments(documents)))
        }
        return [
            RenderedFile(path: "\(folder)/gotk-components.yaml", contents: components.text),
            try file("gotk-sync.yaml", [objects.gitRepository, objects.kustomization]),
            try file("system-nodes-patch.yaml", [patch]),
            try file(
                "kustomization.yaml",
                [
                    KustomizeConfig(
                        resources: ["gotk-components.yaml", "gotk-sync.yaml"],
                        patches: [
                            .init(
                                path: "system-nodes-patch.yaml",
                                target: .init(
                                    group: "apps",
                                    version: "v1",
                                    kind: "Deployment",
                                    namespace: ClusterObjects.fluxNamespace
                                )
                            )
                        ]
                    )
                ]
            ),
        ]
    }
}
