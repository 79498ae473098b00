import Foundation
import KubeFake

/// What kstatus says about one object (fluxcd/cli-utils pkg/kstatus/status: `Compute` in status.go, the generic
/// rules in generic.go and the per-kind rules in core.go). kustomize-controller's `wait` and `healthChecks`, and
/// helm-controller's wait, poll objects until every one is Current.
enum TwinHealth: Equatable, Sendable {
    case current
    case inProgress(String)
    case failed(String)
    case terminating

    /// The kstatus word, as Flux prints it in health check errors.
    var word: String {
        switch self {
        case .current: "Current"
        case .inProgress: "InProgress"
        case .failed: "Failed"
        case .terminating: "Terminating"
        }
    }

    /// The status of `object` (`nil`, i.e. gone, is NotFound, which a wait treats as not ready).
    static func of(_ object: KubeFakeJSON) -> TwinHealth {
        // generic.go checkGenericProperties: deletion, observedGeneration, Reconciling / Stalled.
        if object.isDeleting { return .terminating }
        if let observed = object[path: ["status", "observedGeneration"]]?.intValue,
            object[path: ["metadata", "generation"]] != nil, observed != object.generation
        {
            return .inProgress("\(object.kind) generation is \(object.generation), but latest observed generation is \(observed)")
        }
        if object.condition("Reconciling")?["status"]?.stringValue == "True" {
            return .inProgress(object.condition("Reconciling")?["message"]?.stringValue ?? "")
        }
        if object.condition("Stalled")?["status"]?.stringValue == "True" {
            return .failed(object.condition("Stalled")?["message"]?.stringValue ?? "")
        }
        // core.go legacyTypes.
        switch (object.group, object.kind) {
        case ("apps", "Deployment"): return deployment(object)
        case ("", "Pod"): return pod(object)
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            return object.condition("Established")?["status"]?.stringValue == "True"
                ? .current : .inProgress("Not established")
        case ("", "Secret"), ("", "ConfigMap"), ("policy", "PodDisruptionBudget"): return .current
        default: break
        }
        // status.go checkReadyCondition, then "Resource is current".
        switch object.condition("Ready")?["status"]?.stringValue {
        case "False", "Unknown": return .inProgress(object.condition("Ready")?["message"]?.stringValue ?? "")
        default: return .current
        }
    }

    /// core.go deploymentConditions.
    private static func deployment(_ object: KubeFakeJSON) -> TwinHealth {
        var progressing = object[path: ["spec", "progressDeadlineSeconds"]] == nil
        var available = false
        for condition in object[path: ["status", "conditions"]]?.arrayValue ?? [] {
            let type = condition["type"]?.stringValue
            if type == "Progressing" {
                if condition["reason"]?.stringValue == "ProgressDeadlineExceeded" { return .failed("Progress deadline exceeded") }
                if condition["status"]?.stringValue == "True", condition["reason"]?.stringValue == "NewReplicaSetAvailable" {
                    progressing = true
                }
            }
            if type == "Available", condition["status"]?.stringValue == "True" { available = true }
        }
        func field(_ name: String, _ fallback: Int64 = 0) -> Int64 {
            object[path: ["status", name]]?.intValue ?? fallback
        }
        let spec = object[path: ["spec", "replicas"]]?.intValue ?? 1
        let replicas = field("replicas")
        if spec > replicas { return .inProgress("Replicas: \(replicas)/\(spec)") }
        if spec > field("updatedReplicas") { return .inProgress("Updated: \(field("updatedReplicas"))/\(spec)") }
        if replicas > spec { return .inProgress("Pending termination: \(replicas - spec)") }
        if field("updatedReplicas") > field("availableReplicas") {
            return .inProgress("Available: \(field("availableReplicas"))/\(field("updatedReplicas"))")
        }
        if spec > field("readyReplicas") { return .inProgress("Ready: \(field("readyReplicas"))/\(spec)") }
        if !progressing { return .inProgress("ReplicaSet not Available") }
        if !available { return .inProgress("Deployment not Available") }
        return .current
    }

    /// core.go podConditions (without the crash-loop check: the twin's containers never crash).
    private static func pod(_ object: KubeFakeJSON) -> TwinHealth {
        switch object[path: ["status", "phase"]]?.stringValue {
        case "Succeeded", "Failed": return .current
        case "Running":
            return object.condition("Ready")?["status"]?.stringValue == "True"
                ? .current : .inProgress("Pod is running but is not Ready")
        case "Pending": return .inProgress("Pod is in the Pending phase")
        default: return .inProgress("Pod phase not available")
        }
    }
}

/// One entry of a Kustomization's `spec.healthCheckExprs`, parsed (fluxcd/flux2 RFC-0009, kustomize-controller's CEL
/// status reader): for objects of its `apiVersion` and kind it replaces kstatus's rules after the generic
/// observedGeneration check.
struct TwinCustomHealthCheck: Sendable {
    var apiVersion: String
    var kind: String
    var current: TwinCEL
    var inProgress: TwinCEL?
    var failed: TwinCEL?

    /// The Kustomization's checks.
    /// - Throws: ``TwinCEL/ParseError`` for an expression the twin cannot parse (Flux: `InvalidCELExpression`).
    static func all(of kustomization: KubeFakeJSON) throws -> [TwinCustomHealthCheck] {
        try (kustomization[path: ["spec", "healthCheckExprs"]]?.arrayValue ?? []).map { entry in
            guard let current = entry["current"]?.stringValue else {
                throw TwinCEL.ParseError(description: "healthCheckExprs entry without current")
            }
            return TwinCustomHealthCheck(
                apiVersion: entry["apiVersion"]?.stringValue ?? "",
                kind: entry["kind"]?.stringValue ?? "",
                current: try TwinCEL(current),
                inProgress: try entry["inProgress"]?.stringValue.map { try TwinCEL($0) },
                failed: try entry["failed"]?.stringValue.map { try TwinCEL($0) }
            )
        }
    }

    /// The object's status by these expressions: observedGeneration first, then `inProgress`, `failed`, `current`;
    /// the first that holds decides, none holding is InProgress, and an evaluation error (a missing field) leaves the
    /// object in progress until the health check times out, as Flux documents.
    func health(of object: KubeFakeJSON) -> TwinHealth {
        if object.isDeleting { return .terminating }
        if let observed = object[path: ["status", "observedGeneration"]]?.intValue, observed != object.generation {
            return .inProgress("\(object.kind) generation is \(object.generation), but latest observed generation is \(observed)")
        }
        let rules: [(TwinCEL?, TwinHealth)] = [
            (inProgress, .inProgress("inProgress expression holds")), (failed, .failed("failed expression holds")),
            (current, .current),
        ]
        for (expression, verdict) in rules {
            guard let expression else { continue }
            do {
                if try expression.isTrue(for: object) { return verdict }
            } catch {
                return .inProgress("CEL evaluation of '\(expression.source)': \(error)")
            }
        }
        return .inProgress("no health check expression holds")
    }

    /// The health of `object`: by the check for its kind when there is one, else by kstatus.
    static func health(of object: KubeFakeJSON, checks: [TwinCustomHealthCheck]) -> TwinHealth {
        if let check = checks.first(where: { $0.apiVersion == object.apiVersion && $0.kind == object.kind }) {
            return check.health(of: object)
        }
        return TwinHealth.of(object)
    }
}
