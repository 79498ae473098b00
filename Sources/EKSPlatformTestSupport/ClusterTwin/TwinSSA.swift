import Foundation
import KubeFake

/// Flux's server-side apply engine (fluxcd/pkg ssa, manager_apply.go `ApplyAllStaged` / `ApplyAll`), as the twin runs
/// it against kube-fake.
///
/// Objects go in stages — cluster definitions (CRDs, Namespaces, ClusterRoles, ssa/utils/is.go
/// `IsClusterDefinition`), then class definitions (any kind ending in `Class`, `IsClassDefinition`), then the rest —
/// and every stage is first dry-run as a whole: one object that fails its dry-run fails the stage before anything of
/// it is applied. After the definition and class stages the engine waits for what it applied to be ready (CRDs
/// Established). Within a stage objects are sorted by sort.go `ReconcileOrder`.
struct TwinSSA {
    let api: TwinAPI
    /// The field manager (`kustomize-controller`, `helm-controller`).
    let manager: String

    /// A change set entry: the object and what happened to it (`created`, `configured`, `unchanged`).
    struct Change {
        var ref: ObjectRef
        var action: String
        /// ssa changeset.go `ChangeSetEntry.String()`: `Kind/namespace/name action`.
        var line: String { "\(ref) \(action)" }
    }

    /// Why a staged apply stopped: the error text Flux reports and the entries applied before it.
    struct Failure: Error {
        var message: String
        var applied: [Change]
    }

    /// sort.go `ReconcileOrder.First`; `Last` holds the webhook configurations.
    static let firstKinds = [
        "CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterClass", "RuntimeClass", "PriorityClass",
        "StorageClass", "VolumeSnapshotClass", "IngressClass", "GatewayClass", "ClusterRoleBinding", "ResourceQuota",
        "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Secret", "Service", "LimitRange", "Deployment",
        "StatefulSet", "CronJob", "PodDisruptionBudget",
    ]
    static let lastKinds = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

    static func order(_ kind: String) -> Int {
        if let index = firstKinds.firstIndex(of: kind) { return index - firstKinds.count }
        if let index = lastKinds.firstIndex(of: kind) { return index + 1 }
        return 0
    }

    static func sorted(_ objects: [KubeFakeJSON]) -> [KubeFakeJSON] {
        objects.sorted { a, b in
            let (ka, kb) = (order(a.kind), order(b.kind))
            if ka != kb { return ka < kb }
            if a.group != b.group { return a.group < b.group }
            if a.kind != b.kind { return a.kind < b.kind }
            if (a.namespace ?? "") != (b.namespace ?? "") { return (a.namespace ?? "") < (b.namespace ?? "") }
            return a.name < b.name
        }
    }

    static func isClusterDefinition(_ object: KubeFakeJSON) -> Bool {
        (object.kind == "CustomResourceDefinition" && object.group == "apiextensions.k8s.io")
            || (object.kind == "Namespace" && object.apiVersion == "v1")
            || (object.kind == "ClusterRole" && object.group == "rbac.authorization.k8s.io")
    }

    /// `ApplyAllStaged`: the three stages, waiting for definitions in between.
    func applyAllStaged(_ objects: [KubeFakeJSON]) async throws(Failure) -> [Change] {
        var definitions: [KubeFakeJSON] = []
        var classes: [KubeFakeJSON] = []
        var rest: [KubeFakeJSON] = []
        for object in objects {
            if Self.isClusterDefinition(object) {
                definitions.append(object)
            } else if object.kind.hasSuffix("Class") {
                classes.append(object)
            } else {
                rest.append(object)
            }
        }
        var changes: [Change] = []
        for (stage, waits) in [(definitions, true), (classes, true), (rest, false)] where !stage.isEmpty {
            do {
                changes += try await applyAll(stage)
            } catch {
                throw Failure(message: error.message, applied: changes + error.applied)
            }
            if waits {
                do {
                    try await waitReady(stage.map(ObjectRef.init), timeout: .seconds(60))
                } catch {
                    throw Failure(message: "\(error)", applied: changes)
                }
            }
        }
        return changes
    }

    /// `ApplyAll`: dry-run every object of the stage, then apply the ones that are new or drifted.
    func applyAll(_ objects: [KubeFakeJSON]) async throws(Failure) -> [Change] {
        var plan: [(KubeFakeJSON, String)] = []
        for object in Self.sorted(objects) {
            let ref = ObjectRef(object)
            let existing: KubeFakeJSON?
            let dryRun: KubeFakeJSON
            do {
                existing = try await api.get(object.apiVersion, object.kind, namespace: object.namespace, name: object.name)
                dryRun = try await api.apply(object, fieldManager: manager, dryRun: true)
            } catch let error as TwinAPIError {
                throw Failure(message: Self.dryRunMessage(ref, error), applied: [])
            } catch {
                throw Failure(message: "\(ref) dry-run failed: \(error)", applied: [])
            }
            if let existing {
                plan.append((object, Self.comparable(existing) == Self.comparable(dryRun) ? "unchanged" : "configured"))
            } else {
                plan.append((object, "created"))
            }
        }
        var changes: [Change] = []
        for (object, action) in plan {
            if action != "unchanged" {
                do {
                    try await api.apply(object, fieldManager: manager)
                } catch {
                    throw Failure(message: "\(ObjectRef(object)) apply failed: \(error)", applied: changes)
                }
            }
            changes.append(Change(ref: ObjectRef(object), action: action))
        }
        return changes
    }

    /// ssa/errors/errors.go `DryRunErr.Error()`: NotFound gets its own wording, other API errors carry their reason in
    /// parentheses, and errors without a reason (a kind the REST mapper does not know) carry none.
    static func dryRunMessage(_ ref: ObjectRef, _ error: TwinAPIError) -> String {
        if error.isNotFound {
            return ref.namespace.isEmpty
                ? "\(ref) namespace not specified: \(error.message)" : "\(ref) not found: \(error.message)"
        }
        let reason = error.reason.isEmpty ? "" : " (\(error.reason))"
        return "\(ref) dry-run failed\(reason): \(error.message)"
    }

    /// The parts of an object drift detection compares (ssa manager_diff.go ignores server-managed metadata and
    /// status).
    static func comparable(_ object: KubeFakeJSON) -> KubeFakeJSON {
        var copy = object
        for key in ["managedFields", "resourceVersion", "generation", "creationTimestamp", "uid"] {
            copy[path: ["metadata", key]] = nil
        }
        copy["status"] = nil
        return copy
    }

    /// manager_wait.go `WaitForSet`: polls until every object is Current, or fails with the objects still waiting.
    func waitReady(_ refs: [ObjectRef], timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            var waiting: [String] = []
            for ref in refs {
                let object = try await api.get(
                    ref.apiVersion,
                    ref.kind,
                    namespace: ref.namespace.isEmpty ? nil : ref.namespace,
                    name: ref.name
                )
                let health = object.map(TwinHealth.of) ?? .inProgress("NotFound")
                if health != .current { waiting.append("\(ref) status: '\(object == nil ? "NotFound" : health.word)'") }
            }
            if waiting.isEmpty { return }
            if ContinuousClock.now >= deadline {
                throw TestSupportError("timeout waiting for: [\(waiting.joined(separator: ", "))]")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
