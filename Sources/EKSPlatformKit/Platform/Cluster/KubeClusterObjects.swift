import EKSAWS
import EKSKubernetes
import Foundation

/// Applies and observes the engine's in-cluster objects with a ``KubeClient``: Flux's pinned install manifest (SHA-256
/// checked before anything is applied), the Git credentials Secret, the `flux-system` GitRepository + Kustomization,
/// and `platform-vars`. Each object carries the ``ClusterObjects/digestAnnotation`` of what was applied (the Flux
/// install's digest sits on the `flux-system` Namespace), so a re-run that finds equal digests writes nothing.
package struct KubeClusterObjects: ClusterObjectApplier, ClusterObjectObserver {
    /// The cluster's API, obtained when first needed (the cluster may not exist when the run starts).
    package var client: @Sendable () async throws -> KubeClient
    /// The cluster endpoint written into `platform-vars`.
    package var endpoint: @Sendable () async throws -> String
    /// Downloads the Flux manifest.
    package var loadManifest: @Sendable (String) async throws -> [UInt8]
    /// Resolves the SSH key and known_hosts for the Git credentials Secret.
    package var resolveCredentials:
        @Sendable (PlatformConfig.Credentials, _ repositoryURL: String) async throws -> (
            identity: String, knownHosts: String
        )
    /// Compare the live GitRepository, Kustomization and `platform-vars` with what the engine applies, instead of
    /// trusting their digest annotations (an in-cluster edit leaves the annotation as it was); differences become
    /// the ``PropertyKey/drift`` property, which the planner reports and `up` repairs.
    package var fullRefresh = false

    /// Creates the applier/observer for an existing client.
    package init(
        kube: KubeClient,
        endpoint: @escaping @Sendable () async throws -> String,
        loadManifest: @escaping @Sendable (String) async throws -> [UInt8] = { try await KubeClusterObjects.download($0) },
        resolveCredentials: (
            @Sendable (PlatformConfig.Credentials, String) async throws -> (identity: String, knownHosts: String)
        )? = nil,
        redactor: Redactor = Redactor()
    ) {
        self.init(
            client: { kube },
            endpoint: endpoint,
            loadManifest: loadManifest,
            resolveCredentials: resolveCredentials,
            redactor: redactor
        )
    }

    /// Creates the applier/observer with a client made on first use.
    package init(
        client: @escaping @Sendable () async throws -> KubeClient,
        endpoint: @escaping @Sendable () async throws -> String,
        loadManifest: @escaping @Sendable (String) async throws -> [UInt8] = { try await KubeClusterObjects.download($0) },
        resolveCredentials: (
            @Sendable (PlatformConfig.Credentials, String) async throws -> (identity: String, knownHosts: String)
        )? = nil,
        redactor: Redactor = Redactor()
    ) {
        self.client = client
        self.endpoint = endpoint
        self.loadManifest = loadManifest
        self.resolveCredentials =
            resolveCredentials ?? { try await KubeClusterObjects.resolve($0, repositoryURL: $1, redactor: redactor) }
    }

    /// Why credentials or the manifest could not be obtained.
    package struct ResolutionError: Error, Sendable, CustomStringConvertible {
        /// What failed and how to fix it.
        package var description: String
    }

    // MARK: apply

    /// Server-side applies `id` of `objects` with its digest annotation, waiting where the object needs it.
    package func apply(_ id: ResourceID, objects: ClusterObjects, context: ApplyContext) async throws -> StepOutcome {
        let kube = try await client()
        let endpoint = try await self.endpoint()
        let digests = Dictionary(
            objects.desiredDigests(context: context.platform, endpoint: endpoint).map { ($0.id, $0.digest) },
            uniquingKeysWith: { first, _ in first }
        )
        let digest = digests[id] ?? ""
        switch id {
        case ClusterObjects.fluxInstall:
            let bytes = try await loadManifest(objects.fluxManifest.url)
            var warning: String?
            try objects.fluxManifest.verify(bytes) { warning = $0 }
            let install = try objects.fluxInstallDocuments(String(decoding: bytes, as: UTF8.self))
            // What the previously applied manifest held (recorded on the namespace by the last install), read before
            // this one changes anything.
            let previous = try await kube.get(apiVersion: "v1", kind: "Namespace", name: ClusterObjects.fluxNamespace)
            let inventory = ClusterObjects.fluxInventory(install.documents)
            let applied = try await kube.applyManifest(documents: install.documents, force: true)
            for controller in install.controllers {
                try await kube.waitForRollout(
                    namespace: ClusterObjects.fluxNamespace,
                    name: controller,
                    timeout: .seconds(600)
                )
            }
            // An upgrade: objects the previous version had and this one lacks go once the new controllers run.
            let prune = ClusterObjects.fluxPrune(
                previous: previous?["metadata"]?["annotations"]?[ClusterObjects.fluxInventoryAnnotation]?.stringValue,
                current: inventory
            )
            for entry in prune.delete {
                try await kube.delete(
                    apiVersion: entry.apiVersion,
                    kind: entry.kind,
                    name: entry.name,
                    namespace: entry.namespace.isEmpty ? nil : entry.namespace
                )
            }
            _ = try await kube.patch(
                apiVersion: "v1",
                kind: "Namespace",
                name: ClusterObjects.fluxNamespace,
                patch: [
                    "metadata": [
                        "annotations": [
                            ClusterObjects.digestAnnotation: .string(digest),
                            ClusterObjects.fluxInventoryAnnotation: .string(inventory.map(\.line).joined(separator: "\n")),
                            ClusterObjects.fluxVersionAnnotation: .string(objects.fluxManifest.version),
                        ]
                    ]
                ]
            )
            let verified = warning.map { "warning: \($0)" } ?? "sha256 verified"
            var pruned = ""
            if !prune.delete.isEmpty {
                pruned +=
                    "; pruned \(prune.delete.count) objects the previous manifest had: "
                    + prune.delete.map(\.description).joined(separator: ", ")
            }
            if !prune.keep.isEmpty {
                pruned +=
                    "; kept \(prune.keep.map(\.description).joined(separator: ", ")) (no longer in the manifest, "
                    + "but deleting a CRD or namespace deletes everything in it: remove it yourself if that is intended)"
            }
            return .done(
                "applied Flux \(objects.fluxManifest.version) (\(applied.count) objects, \(verified); "
                    + "\(install.controllers.count) controllers rolled out on the system nodes\(pruned))"
            )
        case ClusterObjects.gitCredentials:
            guard let credentials = objects.credentials, let url = objects.gitRepositoryURL else {
                return .unchanged("no credentials configured")
            }
            let material = try await resolveCredentials(credentials, url)
            try await applyStamped(
                objects.gitCredentialsSecret(identity: material.identity, knownHosts: material.knownHosts),
                digest,
                kube
            )
            return .done("applied Secret flux-system/flux-system")
        case ClusterObjects.gitRepositoryID:
            try await applyStamped(objects.gitRepository, digest, kube)
            return .done("applied GitRepository flux-system/flux-system")
        case ClusterObjects.kustomizationID:
            try await applyStamped(objects.kustomization, digest, kube)
            return .done("applied Kustomization flux-system/flux-system at \(objects.kustomization.spec.path ?? "")")
        case ClusterObjects.platformVars:
            try await applyStamped(
                try objects.variablesConfigMap(context: context.platform, endpoint: endpoint),
                digest,
                kube
            )
            return .done("applied ConfigMap flux-system/platform-vars")
        default:
            return .unchanged("unknown in-cluster object \(id)")
        }
    }

    func applyStamped<T: Encodable & Sendable>(_ object: T, _ digest: String, _ kube: KubeClient) async throws {
        guard case .object(var map) = try JSONValue(encoding: object), case .object(var metadata)? = map["metadata"] else {
            throw KubeClientError(.invalidObject, "cannot stamp the digest on \(T.self)")
        }
        var annotations = metadata["annotations"]?.objectValue ?? [:]
        annotations[ClusterObjects.digestAnnotation] = .string(digest)
        metadata["annotations"] = .object(annotations)
        map["metadata"] = .object(metadata)
        try await kube.apply(.object(map), force: true)
    }

    // MARK: observe

    /// The in-cluster objects of `config` with their `digest` annotations (missing ones are left out).
    package func observe(
        _ config: PlatformConfig,
        endpoint: String,
        context: PlatformContext?
    ) async throws -> [ObservedResource] {
        let kube = try await client()
        let namespace = ClusterObjects.fluxNamespace
        let targets: [(ResourceID, String, String, String?, String)] = [
            (ClusterObjects.fluxInstall, "v1", "Namespace", nil, namespace),
            (ClusterObjects.gitCredentials, "v1", "Secret", namespace, ClusterObjects.syncName),
            (ClusterObjects.gitRepositoryID, "source.toolkit.fluxcd.io/v1", "GitRepository", namespace, ClusterObjects.syncName),
            (
                ClusterObjects.kustomizationID, "kustomize.toolkit.fluxcd.io/v1", "Kustomization", namespace,
                ClusterObjects.syncName
            ),
            (ClusterObjects.platformVars, "v1", "ConfigMap", namespace, GitOpsRenderer.variablesConfigMapName),
        ]
        var result: [ObservedResource] = []
        for (id, apiVersion, kind, objectNamespace, name) in targets {
            let object: JSONValue?
            do {
                object = try await kube.get(apiVersion: apiVersion, kind: kind, name: name, namespace: objectNamespace)
            } catch let error as KubeClientError where error.code == .unknownKind || error.isNotFound {
                object = nil
            }
            guard let object else { continue }
            let digest = object["metadata"]?["annotations"]?[ClusterObjects.digestAnnotation]?.stringValue ?? ""
            var properties: ResourceProperties = [.digest: digest]
            // A version bump is worth naming in the plan (the digest alone only says that something differs).
            if id == ClusterObjects.fluxInstall, let wanted = config.spec.gitops?.flux.version,
                let installed = object["metadata"]?["annotations"]?[ClusterObjects.fluxVersionAnnotation]?.stringValue,
                installed != wanted
            {
                properties[.drift] = "Flux \(installed) → \(wanted)"
            }
            if fullRefresh, let desired = try desiredSyncObject(id, config) {
                let drift = Self.drift(desired: desired["spec"], live: object["spec"], path: "spec")
                if !drift.isEmpty { properties[.drift] = drift.joined(separator: "\n") }
            }
            if fullRefresh, id == ClusterObjects.platformVars, let context, let gitops = config.spec.gitops {
                // Key names only: the values hold the account id.
                let wanted = ClusterObjects(config: config, gitops: gitops).platformVariables(
                    context: context,
                    endpoint: endpoint
                )
                let live = object["data"]?.objectValue ?? [:]
                let drift = wanted.keys.sorted().compactMap { key -> String? in
                    guard live[key]?.stringValue != wanted[key] else { return nil }
                    return live[key] == nil ? "data.\(key) is missing" : "data.\(key) differs from the value up writes"
                }
                if !drift.isEmpty { properties[.drift] = drift.joined(separator: "\n") }
            }
            result.append(
                ObservedResource(
                    id: id,
                    physicalID: "\(kind) \(objectNamespace.map { "\($0)/" } ?? "")\(name)",
                    properties: properties
                )
            )
        }
        return result
    }

    /// The GitRepository or Kustomization the engine applies for `id`; `nil` for the other objects (the install
    /// manifest would have to be downloaded to compare, the Secret's content is never read back, and `platform-vars`
    /// is compared key by key).
    private func desiredSyncObject(_ id: ResourceID, _ config: PlatformConfig) throws -> JSONValue? {
        guard let gitops = config.spec.gitops else { return nil }
        let objects = ClusterObjects(config: config, gitops: gitops)
        switch id {
        case ClusterObjects.gitRepositoryID: return try JSONValue(encoding: objects.gitRepository)
        case ClusterObjects.kustomizationID: return try JSONValue(encoding: objects.kustomization)
        default: return nil
        }
    }

    /// Every field `desired` sets that `live` holds differently, as `spec.path differs: live → desired`. Fields only
    /// the live object has (defaults, other managers' fields) are not differences; lists compare whole.
    static func drift(desired: JSONValue?, live: JSONValue?, path: String) -> [String] {
        guard let desired else { return [] }
        if case .object(let wanted) = desired, case .object = live ?? .object([:]) {
            return wanted.keys.sorted().flatMap { key in
                drift(desired: wanted[key], live: live?[key], path: "\(path).\(key)")
            }
        }
        guard live != desired else { return [] }
        func text(_ value: JSONValue?) -> String {
            guard let value else { return "(none)" }
            return value.stringValue ?? PolicyDocument.canonicalJSON(value)
        }
        return ["\(path) differs: \(text(live)) → \(text(desired))"]
    }

    // MARK: defaults

    /// Reads `file://` URLs and downloads `http(s)` ones (following up to five redirects) through `transport`, or
    /// through a transport made for this download and closed after it.
    package static func download(
        _ location: String,
        using transport: (any AWSHTTPTransport)? = nil
    ) async throws
        -> [UInt8]
    {
        if location.hasPrefix("/") { return Array(try Data(contentsOf: URL(fileURLWithPath: location))) }
        guard let url = URL(string: location) else { throw ResolutionError(description: "\(location) is not a URL") }
        if url.isFileURL { return Array(try Data(contentsOf: url)) }
        if let transport { return try await download(url, location: location, transport: transport) }
        let own = AsyncHTTPTransport()
        do {
            let bytes = try await download(url, location: location, transport: own)
            try? await own.shutdown()
            return bytes
        } catch {
            try? await own.shutdown()
            throw error
        }
    }

    private static func download(
        _ start: URL,
        location: String,
        transport: any AWSHTTPTransport
    ) async throws
        -> [UInt8]
    {
        var url = start
        for _ in 0..<6 {
            let response = try await transport.send(
                AWSHTTPRequest(method: "GET", url: url),
                timeout: .seconds(60)
            )
            if (300..<400).contains(response.statusCode),
                let next = response.header("location").flatMap({ URL(string: $0, relativeTo: url) })
            {
                guard next.absoluteURL.scheme == "https" || url.scheme != "https" else {
                    throw ResolutionError(
                        description: "downloading \(location) redirected from https to \(next.absoluteString); refusing "
                            + "to continue over plain http"
                    )
                }
                url = next.absoluteURL
                continue
            }
            guard response.statusCode == 200 else {
                throw ResolutionError(description: "downloading \(location) answered HTTP \(response.statusCode)")
            }
            return response.body
        }
        throw ResolutionError(description: "too many redirects downloading \(location)")
    }

    /// The SSH key from a file or a 1Password reference (`op read`), and the repository host's lines of
    /// `~/.ssh/known_hosts`.
    @Sendable package static func resolve(
        _ credentials: PlatformConfig.Credentials,
        repositoryURL: String,
        redactor: Redactor
    ) async throws -> (identity: String, knownHosts: String) {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        let identity: String
        switch credentials {
        case .file(let path):
            let expanded = path.hasPrefix("~/") ? home + path.dropFirst(1) : path
            guard let text = try? String(contentsOfFile: expanded, encoding: .utf8) else {
                throw ResolutionError(description: "cannot read the SSH key \(path) (spec.gitops.credentials.file)")
            }
            identity = text
        case .sshPrivateKey(let reference):
            guard OnePasswordReference(reference) != nil else {
                throw ResolutionError(
                    description: "spec.gitops.credentials.sshPrivateKey \"\(reference.prefix(12))…\" is not an op:// "
                        + "reference (op://vault/item/field); it is never used as the key itself"
                )
            }
            do {
                // The 1Password source registers the key with the Redactor and explains op's failures.
                identity = try await OnePasswordCLI(environment: environment, redactor: redactor).read(reference)
            } catch let error as OnePasswordError {
                throw ResolutionError(description: "spec.gitops.credentials.sshPrivateKey: \(error.message)")
            }
        }
        return (identity, try knownHosts(for: repositoryURL, home: home))
    }

    static func knownHosts(for repositoryURL: String, home: String) throws -> String {
        let (host, port) = KnownHosts.endpoint(ofRepository: repositoryURL) ?? (URL(string: repositoryURL)?.host ?? "", 22)
        let text = (try? String(contentsOfFile: home + "/.ssh/known_hosts", encoding: .utf8)) ?? ""
        let lines = KnownHosts.lines(for: host, port: port, in: text)
        guard !lines.isEmpty else {
            throw ResolutionError(
                description: "no known_hosts entry for \(host); verify its host key and add it to ~/.ssh/known_hosts "
                    + "(e.g. ssh-keyscan \(host) >> ~/.ssh/known_hosts after checking the fingerprint)"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ClusterObjects {
    /// The repository URL of the GitRepository.
    package var gitRepositoryURL: String? { gitRepository.spec.url }
}
