import Foundation

extension FakeCluster {
    static let driverManager = "kube-controller-manager"

    /// Writes a new status through the `/status` path (or the main one for types without it), so watches fire.
    func writeStatus(_ type: ResourceType, _ object: KubeFakeJSON, status: KubeFakeJSON) throws -> KubeFakeJSON {
        var updated = object
        updated["status"] = status
        // Drivers play a controller: status fields a CRD schema leaves out are not the test's concern.
        let previous = ignoreUnknownFields
        ignoreUnknownFields = true
        defer { ignoreUnknownFields = previous }
        return try finish(
            type,
            old: object,
            candidate: updated,
            subresource: type.hasStatusSubresource ? "status" : "",
            ownership: .update(Self.driverManager)
        )
    }

    static func condition(_ type: String, _ status: String, reason: String, message: String, now: String) -> KubeFakeJSON {
        [
            "type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
            "lastUpdateTime": .string(now), "lastTransitionTime": .string(now),
        ]
    }

    /// Moves a Deployment's status along a rollout, the way the deployment controller would report it.
    func advanceRollout(namespace: String, name: String, stage: RolloutStage) throws -> KubeFakeJSON {
        guard let type = types[Self.typeKey("apps", "v1", "deployments")] else { throw KubeStatusError.resourceNotFound }
        guard let deployment = stored(type, namespace: namespace, name: name) else {
            throw KubeStatusError.notFound(type, name: name)
        }
        let generation = deployment[path: ["metadata", "generation"]]?.intValue ?? 1
        let desired = deployment[path: ["spec", "replicas"]]?.intValue ?? 1
        var status = deployment["status"] ?? .emptyObject
        let observed = status["observedGeneration"]?.intValue ?? 0
        let updated = status["updatedReplicas"]?.intValue ?? 0
        let now = Self.timestamp()
        let rsName = "\(name)-\(String(generation, radix: 16))"
        let available = Self.condition(
            "Available",
            "True",
            reason: "MinimumReplicasAvailable",
            message: "Deployment has minimum availability.",
            now: now
        )
        switch stage {
        case .progressDeadlineExceeded:
            status["observedGeneration"] = .int(generation)
            status["conditions"] = [
                available,
                Self.condition(
                    "Progressing",
                    "False",
                    reason: "ProgressDeadlineExceeded",
                    message: "ReplicaSet \"\(rsName)\" has timed out progressing.",
                    now: now
                ),
            ]
        case .nextStep where observed < generation:
            status["observedGeneration"] = .int(generation)
            status["updatedReplicas"] = 0
            status["replicas"] = .int(max(status["replicas"]?.intValue ?? 0, 0))
            status["conditions"] = [
                Self.condition(
                    "Progressing",
                    "True",
                    reason: "ReplicaSetUpdated",
                    message: "ReplicaSet \"\(rsName)\" is progressing.",
                    now: now
                )
            ]
        case .nextStep where updated + 1 < desired:
            status["observedGeneration"] = .int(generation)
            status["updatedReplicas"] = .int(updated + 1)
            status["replicas"] = .int(desired + 1)
            status["readyReplicas"] = .int(desired)
            status["availableReplicas"] = .int(desired)
            status["unavailableReplicas"] = nil
            status["conditions"] = [
                available,
                Self.condition(
                    "Progressing",
                    "True",
                    reason: "ReplicaSetUpdated",
                    message: "ReplicaSet \"\(rsName)\" is progressing.",
                    now: now
                ),
            ]
        case .nextStep, .complete:
            status["observedGeneration"] = .int(generation)
            status["replicas"] = .int(desired)
            status["updatedReplicas"] = .int(desired)
            status["readyReplicas"] = .int(desired)
            status["availableReplicas"] = .int(desired)
            status["conditions"] = [
                available,
                Self.condition(
                    "Progressing",
                    "True",
                    reason: "NewReplicaSetAvailable",
                    message: "ReplicaSet \"\(rsName)\" has successfully progressed.",
                    now: now
                ),
            ]
        }
        return presented(try writeStatus(type, deployment, status: status), as: type)
    }

    func find(apiVersion: String, kind: String, namespace: String?, name: String) throws -> (ResourceType, KubeFakeJSON) {
        guard let type = type(apiVersion: apiVersion, kind: kind) else {
            throw KubeStatusError(
                code: 404,
                reason: "NotFound",
                message: "no matches for kind \"\(kind)\" in version \"\(apiVersion)\""
            )
        }
        guard let object = stored(type, namespace: namespace, name: name) else {
            throw KubeStatusError.notFound(type, name: name)
        }
        return (type, object)
    }

    /// Sets (or replaces) one `status.conditions` entry by type.
    func setCondition(
        apiVersion: String,
        kind: String,
        namespace: String?,
        name: String,
        type conditionType: String,
        status conditionStatus: String,
        reason: String,
        message: String
    ) throws -> KubeFakeJSON {
        let (type, object) = try find(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        var status = object["status"] ?? .emptyObject
        var conditions = status["conditions"]?.arrayValue ?? []
        let now = Self.timestamp()
        var condition: KubeFakeJSON = [
            "type": .string(conditionType), "status": .string(conditionStatus), "reason": .string(reason),
            "message": .string(message), "lastTransitionTime": .string(now),
        ]
        if let generation = object[path: ["metadata", "generation"]] { condition["observedGeneration"] = generation }
        if let index = conditions.firstIndex(where: { $0["type"]?.stringValue == conditionType }) {
            if conditions[index]["status"] == condition["status"] {
                condition["lastTransitionTime"] = conditions[index]["lastTransitionTime"]
            }
            conditions[index] = condition
        } else {
            conditions.append(condition)
        }
        status["conditions"] = .array(conditions)
        if let generation = object[path: ["metadata", "generation"]] { status["observedGeneration"] = generation }
        return presented(try writeStatus(type, object, status: status), as: type)
    }

    /// Clears `metadata.finalizers` (a metadata-only update); an object already being deleted then goes away.
    func removeFinalizers(apiVersion: String, kind: String, namespace: String?, name: String) throws {
        let (type, object) = try find(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        var updated = object
        updated[path: ["metadata", "finalizers"]] = nil
        _ = try finish(type, old: object, candidate: updated, subresource: "", ownership: .update(Self.driverManager))
    }

    /// Controller mode: roll out Deployments and mark Flux objects Ready after a delay.
    func controllerReact(_ type: ResourceType, old: KubeFakeJSON?, new: KubeFakeJSON) {
        guard let controller else { return }
        let generation = new[path: ["metadata", "generation"]]?.intValue ?? 0
        guard generation != old?[path: ["metadata", "generation"]]?.intValue else { return }
        let namespace = new[path: ["metadata", "namespace"]]?.stringValue
        let name = new[path: ["metadata", "name"]]?.stringValue ?? ""
        if type.kind == "Deployment" && type.group == "apps" {
            schedule(after: controller.rolloutAfter) { [self] in
                withLock {
                    guard let current = stored(type, namespace: namespace, name: name),
                        current[path: ["metadata", "generation"]]?.intValue == generation
                    else { return }
                    _ = try? advanceRollout(namespace: namespace ?? "default", name: name, stage: .complete)
                }
            }
        } else if type.group.hasSuffix("toolkit.fluxcd.io"), let readyAfter = controller.readyAfter {
            let apiVersion = type.apiVersion
            let kind = type.kind
            schedule(after: readyAfter) { [self] in
                withLock {
                    guard let current = stored(type, namespace: namespace, name: name),
                        current[path: ["metadata", "generation"]]?.intValue == generation
                    else { return }
                    _ = try? setCondition(
                        apiVersion: apiVersion,
                        kind: kind,
                        namespace: namespace,
                        name: name,
                        type: "Ready",
                        status: "True",
                        reason: "Succeeded",
                        message: "Applied revision: main@sha1:kubefake"
                    )
                }
            }
        }
    }
}
