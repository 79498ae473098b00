import Crypto
import EKSAWS
import Foundation
import KubeFake

/// source-controller and kustomize-controller (fluxcd/kustomize-controller
/// internal/controller/kustomization_controller.go), as far as the platform's tree needs them.
extension ClusterTwin {
    static let fluxFinalizer = "finalizers.fluxcd.io"
    static let kustomizeManager = "kustomize-controller"
    static let sourceManager = "source-controller"
    static let kustomizeAPI = "kustomize.toolkit.fluxcd.io/v1"
    static let sourceAPI = "source.toolkit.fluxcd.io/v1"

    /// The revision every GitRepository reports: `<branch>@sha1:<digest of the checkout's files>`.
    func checkoutRevision(branch: String) -> String {
        var hasher = Insecure.SHA1()
        let root = options.checkout.standardizedFileURL.path
        let files =
            (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasPrefix(".git") && !$0.contains("/.git") && !$0.hasPrefix(".build") }.sorted()
        for file in files {
            guard let data = FileManager.default.contents(atPath: root + "/" + file) else { continue }
            hasher.update(data: Data(file.utf8))
            hasher.update(data: data)
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return "\(branch)@sha1:\(digest)"
    }

    /// GitRepository: an artifact from the local checkout. OCIRepository / HelmRepository: Ready when the twin has
    /// the chart they point at.
    func reconcileSources() async throws {
        for repository in try await api.list(Self.sourceAPI, "GitRepository") {
            if repository.isDeleting {
                try await removeFinalizer(repository, Self.fluxFinalizer, manager: Self.sourceManager)
                continue
            }
            let repository = try await ensureFinalizer(repository, Self.fluxFinalizer, manager: Self.sourceManager)
            if repository[path: ["spec", "suspend"]]?.boolValue == true { continue }
            let branch = repository[path: ["spec", "ref", "branch"]]?.stringValue ?? "master"
            let revision = checkoutRevision(branch: branch)
            if repository[path: ["status", "artifact", "revision"]]?.stringValue == revision,
                repository[path: ["status", "observedGeneration"]]?.intValue == repository.generation
            {
                continue
            }
            let digest = String(revision.split(separator: ":").last ?? "")
            let artifact: KubeFakeJSON = [
                "path": .string("gitrepository/\(repository.namespace ?? "")/\(repository.name)/\(digest).tar.gz"),
                "url": .string(
                    "http://source-controller.flux-system.svc.cluster.local./gitrepository/\(repository.namespace ?? "")/\(repository.name)/\(digest).tar.gz"
                ),
                "revision": .string(revision), "digest": .string("sha256:\(digest)"),
                "lastUpdateTime": .string(ISO8601DateFormatter().string(from: Date())),
            ]
            try await writeStatus(
                repository,
                conditions: [
                    ("Ready", "True", "Succeeded", "stored artifact for revision '\(revision)'"),
                    ("ArtifactInStorage", "True", "Succeeded", "stored artifact for revision '\(revision)'"),
                ],
                fields: ["artifact": artifact],
                manager: Self.sourceManager
            )
        }
        for kind in ["OCIRepository", "HelmRepository"] {
            for source in try await api.list(Self.sourceAPI, kind) {
                if source.isDeleting {
                    try await removeFinalizer(source, Self.fluxFinalizer, manager: Self.sourceManager)
                    continue
                }
                let source = try await ensureFinalizer(source, Self.fluxFinalizer, manager: Self.sourceManager)
                if source[path: ["status", "observedGeneration"]]?.intValue == source.generation { continue }
                if kind == "HelmRepository" {
                    try await writeStatus(
                        source,
                        conditions: [("Ready", "True", "Succeeded", "stored artifact: revision 'sha256:twin'")],
                        manager: Self.sourceManager
                    )
                    continue
                }
                let url = source[path: ["spec", "url"]]?.stringValue ?? ""
                let tag = source[path: ["spec", "ref", "tag"]]?.stringValue ?? "latest"
                guard let chart = chartDirectory(url: url, tag: tag) else {
                    try await writeStatus(
                        source,
                        conditions: [
                            (
                                "Ready", "False", "OCIArtifactPullFailed",
                                "failed to determine artifact digest: \(url):\(tag): not available to the cluster twin"
                            )
                        ],
                        manager: Self.sourceManager
                    )
                    continue
                }
                let revision = "\(tag)@sha256:\(Self.sha256(ofDirectory: chart))"
                try await writeStatus(
                    source,
                    conditions: [
                        ("Ready", "True", "Succeeded", "stored artifact for digest '\(revision)'"),
                        ("ArtifactInStorage", "True", "Succeeded", "stored artifact for digest '\(revision)'"),
                    ],
                    fields: [
                        "artifact": [
                            "revision": .string(revision), "path": "chart.tgz", "url": "http://twin/chart.tgz",
                            "digest": .string(String(revision.split(separator: "@").last ?? "")),
                            "lastUpdateTime": .string(ISO8601DateFormatter().string(from: Date())),
                        ]
                    ],
                    manager: Self.sourceManager
                )
            }
        }
    }

    /// The chart folder serving `url` at `tag`: one registered as `<url>:<tag>` (a source checkout of that release,
    /// whose Chart.yaml the release pipeline has not stamped yet), or one registered as `<url>` whose Chart.yaml
    /// carries that version.
    func chartDirectory(url: String, tag: String) -> URL? {
        if let chart = options.charts["\(url):\(tag)"] { return chart }
        if let chart = options.charts[url], Self.chartVersion(chart) == tag { return chart }
        return nil
    }

    static func chartVersion(_ chart: URL) -> String? {
        guard let text = try? String(contentsOf: chart.appendingPathComponent("Chart.yaml"), encoding: .utf8),
            let document = try? KubeFakeJSON.parseYAML(text)
        else { return nil }
        return document["version"]?.stringValue
    }

    static func sha256(ofDirectory directory: URL) -> String {
        var hasher = SHA256()
        let root = directory.standardizedFileURL.path
        for file in (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []).sorted() {
            guard let data = FileManager.default.contents(atPath: root + "/" + file) else { continue }
            hasher.update(data: Data(file.utf8))
            hasher.update(data: data)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Every Kustomization, one step each (a dependent waits for the next pass after its dependency turns Ready).
    func reconcileKustomizations() async throws {
        for kustomization in try await api.list(Self.kustomizeAPI, "Kustomization") {
            do {
                try await reconcileKustomization(kustomization)
            } catch let error as TwinAPIError where error.status == 409 || error.isNotFound {
                // Changed or gone under us: the next pass reads it again.
                note("Kustomization/\(kustomization.name): \(error.message); retrying")
            }
        }
    }

    func reconcileKustomization(_ object: KubeFakeJSON) async throws {
        let key = "Kustomization/\(object.namespace ?? "")/\(object.name)"
        if object.isDeleting {
            try await finalizeKustomization(object)
            pendingHealth[key] = nil
            return
        }
        // kustomization_controller.go: the finalizer comes first, then suspend.
        var object = try await ensureFinalizer(object, Self.fluxFinalizer, manager: Self.kustomizeManager)
        if object[path: ["spec", "suspend"]]?.boolValue == true { return }
        // The CEL health checks are compiled first; an invalid one is terminal (kustomization_controller.go:
        // PollerWithCustomHealthChecks, InvalidCELExpression). The twin also refuses CEL outside its subset here.
        let customChecks: [TwinCustomHealthCheck]
        do {
            customChecks = try TwinCustomHealthCheck.all(of: object)
        } catch {
            let message = "Reconciliation failed terminally due to configuration error: \(error)"
            if object.condition("Ready")?["message"]?.stringValue != message {
                try await writeStatus(
                    object,
                    conditions: [
                        ("Ready", "False", "InvalidCELExpression", message), ("Stalled", "True", "InvalidCELExpression", message),
                    ],
                    removing: ["Reconciling"],
                    manager: Self.kustomizeManager
                )
            }
            return
        }
        let namespace = object.namespace ?? "flux-system"
        let sourceName = object[path: ["spec", "sourceRef", "name"]]?.stringValue ?? ""
        let sourceNamespace = object[path: ["spec", "sourceRef", "namespace"]]?.stringValue ?? namespace
        let sourceKind = object[path: ["spec", "sourceRef", "kind"]]?.stringValue ?? "GitRepository"
        let requested = object[path: ["metadata", "annotations", "reconcile.fluxcd.io/requestedAt"]]?.stringValue
        var handled: [String: KubeFakeJSON] = [:]
        if let requested { handled["lastHandledReconcileAt"] = .string(requested) }

        guard sourceKind == "GitRepository",
            let source = try await api.get(Self.sourceAPI, "GitRepository", namespace: sourceNamespace, name: sourceName)
        else {
            try await fail(
                object,
                "ArtifactFailed",
                "gitrepositories.source.toolkit.fluxcd.io \"\(sourceName)\" not found",
                observe: false
            )
            return
        }
        guard let revision = source[path: ["status", "artifact", "revision"]]?.stringValue else {
            try await fail(object, "ArtifactFailed", "Source artifact not found, retrying in 30s", observe: false)
            return
        }

        // checkDependencies.
        for dependency in object[path: ["spec", "dependsOn"]]?.arrayValue ?? [] {
            let name = dependency["name"]?.stringValue ?? ""
            let dependencyNamespace = dependency["namespace"]?.stringValue ?? namespace
            let dep = try await api.get(Self.kustomizeAPI, "Kustomization", namespace: dependencyNamespace, name: name)
            let ready =
                dep.map {
                    $0.condition("Ready")?["status"]?.stringValue == "True"
                        && $0[path: ["status", "observedGeneration"]]?.intValue == $0.generation
                } ?? false
            if dep == nil {
                try await fail(
                    object,
                    "DependencyNotReady",
                    "dependency '\(dependencyNamespace)/\(name)' not found: kustomizations.kustomize.toolkit.fluxcd.io \"\(name)\" not found",
                    observe: false
                )
                return
            }
            if !ready {
                try await fail(
                    object,
                    "DependencyNotReady",
                    "dependency '\(dependencyNamespace)/\(name)' is not ready",
                    observe: false
                )
                return
            }
            if dep?[path: ["status", "lastAppliedRevision"]]?.stringValue != revision {
                try await fail(
                    object,
                    "DependencyNotReady",
                    "dependency '\(dependencyNamespace)/\(name)' revision is not up to date",
                    observe: false
                )
                return
            }
        }

        // Nothing to do when the last run applied this revision and generation and nobody asked for a run.
        let upToDate =
            object.condition("Ready")?["status"]?.stringValue == "True"
            && object[path: ["status", "observedGeneration"]]?.intValue == object.generation
            && object[path: ["status", "lastAppliedRevision"]]?.stringValue == revision
            && (requested == nil || object[path: ["status", "lastHandledReconcileAt"]]?.stringValue == requested)
        if upToDate && pendingHealth[key] == nil { return }

        // A failed run is retried after the (compressed) retry interval, unless the spec or the source changed.
        if let retry = retryAfter[key], retry.until > Date(), retry.generation == object.generation, retry.revision == revision {
            return
        }
        retryAfter[key] = nil
        let timeout = timeout(object[path: ["spec", "timeout"]]?.stringValue, default: .seconds(300))
        // Build.
        let built: [KubeFakeJSON]
        let checksum: String
        do {
            (built, checksum) = try await build(object, revision: revision)
        } catch let error as BuildError {
            try await fail(object, error.reason, error.message, extra: handled)
            retryAfter[key] = (Date().addingTimeInterval(1), object.generation, revision)
            return
        }

        if var pending = pendingHealth[key], pending.checksum == checksum, pending.generation == object.generation {
            try await checkHealth(
                object,
                key: key,
                pending: &pending,
                revision: revision,
                timeout: timeout,
                checks: customChecks,
                extra: handled
            )
            return
        }

        object = try await writeStatus(
            object,
            conditions: [
                ("Ready", "Unknown", "Progressing", "Reconciliation in progress"),
                (
                    "Reconciling", "True", "Progressing",
                    "Detecting drift for revision \(revision) with a timeout of \(Self.goDuration(timeout))"
                ),
            ],
            fields: ["lastAttemptedRevision": .string(revision)],
            observe: false,
            manager: Self.kustomizeManager
        )
        let ssa = TwinSSA(api: api, manager: Self.kustomizeManager)
        let changes: [TwinSSA.Change]
        do {
            changes = try await ssa.applyAllStaged(built)
        } catch {
            // kustomization_controller.go apply(): the error, a newline, then the change set log of what did change.
            let log = error.applied.filter { $0.action != "unchanged" }.map { $0.line + "\n" }.joined()
            try await fail(object, "ReconciliationFailed", "\(error.message)\n\(log)", force: true, extra: handled)
            retryAfter[key] = (Date().addingTimeInterval(1), object.generation, revision)
            return
        }
        note("\(key) applied: " + changes.map(\.line).joined(separator: ", "))

        // Inventory and garbage collection.
        let oldInventory = (object[path: ["status", "inventory", "entries"]]?.arrayValue ?? []).compactMap(
            ObjectRef.fromInventory
        )
        let newRefs = changes.map(\.ref)
        let inventory: KubeFakeJSON = [
            "entries": .array(
                newRefs.sorted { $0.inventoryID < $1.inventoryID }.map {
                    ["id": .string($0.inventoryID), "v": .string($0.version)]
                }
            )
        ]
        if object[path: ["spec", "prune"]]?.boolValue == true {
            let newIDs = Set(newRefs.map(\.inventoryID))
            for stale in oldInventory.reversed() where !newIDs.contains(stale.inventoryID) {
                try await prune(stale, owner: object)
            }
        }

        // Health checks: everything applied with `wait`, else the listed `healthChecks`.
        var toCheck: [ObjectRef] = []
        if object[path: ["spec", "wait"]]?.boolValue == true {
            toCheck = newRefs.filter { !($0.kind == "Kustomization" && $0.name == object.name && $0.namespace == namespace) }
        } else {
            for check in object[path: ["spec", "healthChecks"]]?.arrayValue ?? [] {
                let apiVersion = check["apiVersion"]?.stringValue ?? "v1"
                let parts = apiVersion.split(separator: "/").map(String.init)
                toCheck.append(
                    ObjectRef(
                        group: parts.count == 2 ? parts[0] : "",
                        version: parts.last ?? "v1",
                        kind: check["kind"]?.stringValue ?? "",
                        namespace: check["namespace"]?.stringValue ?? "",
                        name: check["name"]?.stringValue ?? ""
                    )
                )
            }
        }
        var fields = handled
        fields["inventory"] = inventory
        fields["lastAttemptedRevision"] = .string(revision)
        if toCheck.isEmpty {
            fields["lastAppliedRevision"] = .string(revision)
            try await writeStatus(
                object,
                conditions: [("Ready", "True", "ReconciliationSucceeded", "Applied revision: \(revision)")],
                removing: ["Reconciling", "Healthy", "Stalled"],
                fields: fields,
                manager: Self.kustomizeManager
            )
            pendingHealth[key] = nil
            return
        }
        // The health check's first poll comes on the next pass, after the other controllers had their turn (Flux
        // polls every 5 s; an object no controller has looked at yet would count as Current to kstatus).
        try await writeStatus(
            object,
            conditions: [
                ("Ready", "Unknown", "Progressing", "Reconciliation in progress"),
                (
                    "Reconciling", "True", "Progressing",
                    "Running health checks for revision \(revision) with a timeout of \(Self.goDuration(timeout))"
                ),
                (
                    "Healthy", "Unknown", "Progressing",
                    "Running health checks for revision \(revision) with a timeout of \(Self.goDuration(timeout))"
                ),
            ],
            fields: fields,
            observe: false,
            manager: Self.kustomizeManager
        )
        pendingHealth[key] = PendingHealth(started: Date(), checksum: checksum, generation: object.generation, objects: toCheck)
    }

    /// One look at the objects under health check: Ready when all are Current, HealthCheckFailed after the timeout.
    private func checkHealth(
        _ object: KubeFakeJSON,
        key: String,
        pending: inout PendingHealth,
        revision: String,
        timeout: Duration,
        checks: [TwinCustomHealthCheck],
        extra: [String: KubeFakeJSON]
    ) async throws {
        var waiting: [String] = []
        var failed: [String] = []
        for ref in pending.objects {
            let current = try? await api.get(
                ref.apiVersion,
                ref.kind,
                namespace: ref.namespace.isEmpty ? nil : ref.namespace,
                name: ref.name
            )
            let health =
                current.flatMap { $0 }.map { TwinCustomHealthCheck.health(of: $0, checks: checks) } ?? .inProgress("NotFound")
            switch health {
            case .current: break
            case .failed: failed.append("\(ref) status: 'Failed'")
            default: waiting.append("\(ref) status: '\(current.flatMap { $0 } == nil ? "NotFound" : health.word)'")
            }
        }
        let elapsed = Date().timeIntervalSince(pending.started)
        var fields = extra
        if waiting.isEmpty && failed.isEmpty {
            pendingHealth[key] = nil
            fields["lastAppliedRevision"] = .string(revision)
            try await writeStatus(
                object,
                conditions: [
                    ("Ready", "True", "ReconciliationSucceeded", "Applied revision: \(revision)"),
                    ("Healthy", "True", "Succeeded", "Health check passed in \(String(format: "%.1f", elapsed))s"),
                ],
                removing: ["Reconciling", "Stalled"],
                fields: fields,
                manager: Self.kustomizeManager
            )
            return
        }
        if elapsed >= Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18 || !failed.isEmpty {
            pendingHealth[key] = nil
            let message =
                "health check failed after \(String(format: "%.1f", elapsed))s: "
                + (failed.isEmpty
                    ? "timeout waiting for: [\((waiting).joined(separator: ", "))]"
                    : "failed early due to stalled resources: [\(failed.joined(separator: ", "))]")
            try await writeStatus(
                object,
                conditions: [
                    ("Ready", "False", "HealthCheckFailed", message), ("Healthy", "False", "HealthCheckFailed", message),
                ],
                removing: ["Reconciling"],
                fields: fields,
                manager: Self.kustomizeManager
            )
        }
    }

    /// Marks the Kustomization not Ready with a reason and message, as `conditions.MarkFalse` does.
    private func fail(
        _ object: KubeFakeJSON,
        _ reason: String,
        _ message: String,
        observe: Bool = true,
        force: Bool = false,
        extra: [String: KubeFakeJSON] = [:]
    ) async throws {
        if !force, object.condition("Ready")?["reason"]?.stringValue == reason,
            object.condition("Ready")?["message"]?.stringValue == message,
            !observe || object[path: ["status", "observedGeneration"]]?.intValue == object.generation
        {
            return
        }
        pendingHealth["Kustomization/\(object.namespace ?? "")/\(object.name)"] = nil
        try await writeStatus(
            object,
            conditions: [("Ready", "False", reason, message)],
            removing: ["Reconciling", "Healthy"],
            fields: extra,
            observe: observe,
            manager: Self.kustomizeManager
        )
    }

    struct BuildError: Error {
        var reason: String
        var message: String
    }

    /// Builds the Kustomization's path with `kubectl kustomize` (generating a `kustomization.yaml` over the folder's
    /// manifests when there is none, as Flux's generator does), substitutes variables and labels the objects with
    /// their owner. Returns the objects and a checksum of the build.
    func build(_ object: KubeFakeJSON, revision: String) async throws -> ([KubeFakeJSON], String) {
        let path = object[path: ["spec", "path"]]?.stringValue ?? "./"
        let directory = options.checkout.appendingPathComponent(path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw BuildError(
                reason: "ArtifactFailed",
                message: "kustomization path not found: stat \(directory.path): no such file or directory"
            )
        }
        var buildDirectory = directory
        var scratch: URL?
        let hasConfig = ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
        if !hasConfig {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent(
                "kustomization-\(UUID().uuidString.prefix(8))"
            )
            try FileManager.default.copyItem(at: directory, to: copy)
            let manifests = try FileManager.default.contentsOfDirectory(atPath: copy.path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            try
                ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                + manifests.map { "- \($0)\n" }.joined())
                .write(to: copy.appendingPathComponent("kustomization.yaml"), atomically: true, encoding: .utf8)
            buildDirectory = copy
            scratch = copy
        }
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        let result = try await Subprocess.run(
            [options.kubectl, "kustomize", buildDirectory.path],
            environment: ProcessInfo.processInfo.environment
        )
        guard result.status == 0 else {
            throw BuildError(
                reason: "BuildFailed",
                message:
                    "kustomize build failed: \(String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        let text = String(decoding: result.stdout, as: UTF8.self)
        var documents: [KubeFakeJSON]
        do {
            documents = try KubeFakeJSON.parseYAMLDocuments(text)
        } catch {
            throw BuildError(reason: "BuildFailed", message: "kustomize build failed: \(error)")
        }
        if object[path: ["spec", "postBuild"]] != nil {
            let variables = try await substitutionVariables(object)
            documents = try documents.map { document in
                let annotations = document[path: ["metadata", "annotations"]]
                let labels = document[path: ["metadata", "labels"]]
                let key = "kustomize.toolkit.fluxcd.io/substitute"
                if annotations?[key]?.stringValue == "disabled" || labels?[key]?.stringValue == "disabled" { return document }
                do {
                    return try KubeFakeJSON.parse(try Self.substitute(document.jsonString, variables: variables))
                } catch let error as BuildError {
                    throw BuildError(
                        reason: "BuildFailed",
                        message:
                            "post build failed for '\(document.apiVersion), Kind=\(document.kind)/\(document.name)': \(error.message)"
                    )
                }
            }
        }
        let namespace = object.namespace ?? "flux-system"
        documents = documents.map { document in
            var document = document
            document[path: ["metadata", "labels", "kustomize.toolkit.fluxcd.io/name"]] = .string(object.name)
            document[path: ["metadata", "labels", "kustomize.toolkit.fluxcd.io/namespace"]] = .string(namespace)
            return document
        }
        let digest = SHA256.hash(data: Data(documents.map(\.jsonString).joined(separator: "\n").utf8))
        return (documents, digest.map { String(format: "%02x", $0) }.joined())
    }

    /// The variables of `postBuild`: each `substituteFrom` ConfigMap or Secret in order (later ones win), then
    /// `substitute` on top (kustomize-controller internal/generator varsub.go).
    private func substitutionVariables(_ object: KubeFakeJSON) async throws -> [String: String] {
        var variables: [String: String] = [:]
        let namespace = object.namespace ?? "flux-system"
        for reference in object[path: ["spec", "postBuild", "substituteFrom"]]?.arrayValue ?? [] {
            let kind = reference["kind"]?.stringValue ?? "ConfigMap"
            let name = reference["name"]?.stringValue ?? ""
            let optional = reference["optional"]?.boolValue ?? false
            guard let source = try await api.get("v1", kind, namespace: namespace, name: name) else {
                if optional { continue }
                throw BuildError(
                    reason: "BuildFailed",
                    message: "substitute from '\(kind)/\(name)' error: \(kind.lowercased())s \"\(name)\" not found"
                )
            }
            for (key, value) in source["data"]?.objectValue ?? [:] {
                guard var text = value.stringValue else { continue }
                if kind == "Secret", let decoded = Data(base64Encoded: text) { text = String(decoding: decoded, as: UTF8.self) }
                variables[key] = text
            }
        }
        for (key, value) in object[path: ["spec", "postBuild", "substitute"]]?.objectValue ?? [:] {
            if let text = value.stringValue { variables[key] = text }
        }
        return variables
    }

    /// drone/envsubst as Flux runs it (non-strict): `${VAR}`, `${VAR:=default}` / `${VAR:-default}`, `$${VAR}` for a
    /// literal; an unset variable without a default becomes empty. Values are JSON-escaped since the twin substitutes
    /// into JSON text.
    static func substitute(_ text: String, variables: [String: String]) throws -> String {
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            let before = rest[..<start.lowerBound]
            if before.hasSuffix("$") {
                output += before.dropLast() + "${"
                rest = rest[start.upperBound...]
                continue
            }
            output += before
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                output += rest[start.lowerBound...]
                rest = ""
                break
            }
            let expression = String(rest[start.upperBound..<end])
            var name = expression
            var fallback: String?
            for separator in [":=", ":-", "="] {
                if let range = expression.range(of: separator) {
                    name = String(expression[..<range.lowerBound])
                    fallback = String(expression[range.upperBound...])
                    break
                }
            }
            let value = variables[name] ?? fallback ?? ""
            let encoded = KubeFakeJSON.string(value).jsonString
            output += encoded.dropFirst().dropLast()
            rest = rest[rest.index(after: end)...]
        }
        output += rest
        return output
    }

    /// Deletes one stale object unless it opts out with `kustomize.toolkit.fluxcd.io/prune: disabled`.
    private func prune(_ ref: ObjectRef, owner: KubeFakeJSON) async throws {
        let namespace = ref.namespace.isEmpty ? nil : ref.namespace
        guard let object = try? await api.get(ref.apiVersion, ref.kind, namespace: namespace, name: ref.name) else {
            return
        }
        if object[path: ["metadata", "annotations", "kustomize.toolkit.fluxcd.io/prune"]]?.stringValue == "disabled" {
            return
        }
        // Only what this Kustomization owns (the owner labels), as ssa's DeleteAll checks.
        guard object[path: ["metadata", "labels", "kustomize.toolkit.fluxcd.io/name"]]?.stringValue == owner.name else {
            return
        }
        try await api.delete(ref.apiVersion, ref.kind, namespace: namespace, name: ref.name)
        note("Kustomization/\(owner.name) pruned \(ref)")
    }

    /// Deletion: with `prune` (and not suspended) everything in the inventory goes first, then the finalizer.
    private func finalizeKustomization(_ object: KubeFakeJSON) async throws {
        if object[path: ["spec", "prune"]]?.boolValue == true, object[path: ["spec", "suspend"]]?.boolValue != true {
            let inventory = (object[path: ["status", "inventory", "entries"]]?.arrayValue ?? []).compactMap(
                ObjectRef.fromInventory
            )
            // Deleted in the reverse of the apply order (custom resources before their CRDs).
            let ordered = inventory.sorted { a, b in
                let (ka, kb) = (TwinSSA.order(a.kind), TwinSSA.order(b.kind))
                return ka != kb ? ka > kb : a.inventoryID > b.inventoryID
            }
            for ref in ordered {
                try await prune(ref, owner: object)
            }
        }
        try await removeFinalizer(object, Self.fluxFinalizer, manager: Self.kustomizeManager)
        note("Kustomization/\(object.name) finalized")
    }
}
