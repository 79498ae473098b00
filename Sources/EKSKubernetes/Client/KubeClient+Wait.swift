import EKSAWS
import Foundation
import Synchronization

/// What a wait concluded from one look at an object.
public enum KubeWaitVerdict: Sendable, Equatable {
    /// Done.
    case satisfied
    /// Not yet; the text describes the state seen (shown on timeout and to progress callbacks).
    case pending(String)
    /// It will not get there (e.g. ProgressDeadlineExceeded); the text says why.
    case failed(String)
}

extension KubeClient {
    /// Waits until `check` is satisfied for one object (`nil` = absent), watching it and falling back to polling if
    /// the watch cannot be used. A timeout says what was awaited and the last state seen.
    /// - Parameters:
    ///   - what: what is awaited, for messages, e.g. `Deployment default/web to roll out`.
    ///   - onProgress: called whenever the pending state text changes.
    /// - Returns: the object as last seen.
    @discardableResult
    public func wait(
        for what: String,
        apiVersion: String,
        kind: String,
        name: String,
        namespace: String? = nil,
        timeout: Duration,
        pollInterval: Duration = .seconds(2),
        onProgress: (@Sendable (String) -> Void)? = nil,
        check: @escaping @Sendable (JSONValue?) -> KubeWaitVerdict
    ) async throws -> JSONValue? {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let ns = resource.namespaced ? (namespace ?? configuration.defaultNamespace) : nil
        let last = LastSeen()
        let evaluate: @Sendable (JSONValue?) throws -> Bool = { object in
            switch check(object) {
            case .satisfied:
                return true
            case .pending(let state):
                if last.update(state) { onProgress?(state) }
                return false
            case .failed(let reason):
                throw KubeClientError(.waitFailed, "\(what) failed: \(reason)", object: Self.describe(kind, ns, name))
            }
        }
        return try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            group.addTask {
                try await self.observe(
                    apiVersion: apiVersion,
                    kind: kind,
                    name: name,
                    namespace: ns,
                    pollInterval: pollInterval,
                    evaluate: evaluate
                )
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw KubeClientError(
                    .timeout,
                    "timed out after \(timeout) waiting for \(what); last state: \(last.value ?? "nothing seen yet")",
                    object: Self.describe(kind, ns, name)
                )
            }
            defer { group.cancelAll() }
            guard let result = try await group.next() else { return nil }
            return result
        }
    }

    /// Watches one object by name until `evaluate` says done; polls when watching fails.
    private func observe(
        apiVersion: String,
        kind: String,
        name: String,
        namespace: String?,
        pollInterval: Duration,
        evaluate: @Sendable (JSONValue?) throws -> Bool
    ) async throws -> JSONValue? {
        do {
            for try await event in watch(
                apiVersion: apiVersion,
                kind: kind,
                namespace: namespace,
                fieldSelector: "metadata.name=\(name)"
            ) {
                let object: JSONValue?
                switch event {
                case .listed(let items, _): object = items.first
                case .added(let value), .modified(let value): object = value
                case .deleted: object = nil
                }
                if try evaluate(object) { return object }
            }
        } catch let error as KubeClientError where error.code == .waitFailed || error.code == .authentication {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            configuration.warn("warning: watching \(kind) \(name) failed (\(error)); polling instead")
        }
        while true {
            try Task.checkCancellation()
            let object = try await get(apiVersion: apiVersion, kind: kind, name: name, namespace: namespace)
            if try evaluate(object) { return object }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Waits until a CustomResourceDefinition is Established (fails if its names are not accepted).
    @discardableResult
    public func waitForCRDEstablished(name: String, timeout: Duration = .seconds(60)) async throws -> JSONValue? {
        try await wait(
            for: "CustomResourceDefinition \(name) to be Established",
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            name: name,
            timeout: timeout
        ) { object in
            guard let object else { return .pending("the CRD does not exist") }
            if let names = Self.condition(object, "NamesAccepted"), names.status == "False" {
                return .failed("NamesAccepted=False: \(names.message)")
            }
            guard let established = Self.condition(object, "Established") else {
                return .pending("no Established condition yet")
            }
            return established.status == "True"
                ? .satisfied : .pending("Established=\(established.status): \(established.message)")
        }
    }

    /// Waits until a Deployment has rolled out, by `kubectl rollout status`'s rule: observedGeneration ≥
    /// generation, updatedReplicas == spec.replicas, replicas == updatedReplicas (no old replicas left) and
    /// availableReplicas == updatedReplicas. Fails on `ProgressDeadlineExceeded`.
    @discardableResult
    public func waitForRollout(
        namespace: String,
        name: String,
        timeout: Duration = .seconds(300),
        onProgress: (@Sendable (String) -> Void)? = nil
    ) async throws -> JSONValue? {
        try await wait(
            for: "Deployment \(namespace)/\(name) to roll out",
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: name,
            namespace: namespace,
            timeout: timeout,
            onProgress: onProgress,
            check: Self.rolloutVerdict
        )
    }

    /// The rollout rule of `kubectl rollout status` for one Deployment.
    public static func rolloutVerdict(_ object: JSONValue?) -> KubeWaitVerdict {
        guard let object else { return .pending("the Deployment does not exist") }
        func int(_ value: JSONValue?) -> Int? {
            if case .integer(let number)? = value { return number }
            return nil
        }
        let generation = int(object["metadata"]?["generation"]) ?? 0
        let status = object["status"]
        let observed = int(status?["observedGeneration"]) ?? 0
        guard observed >= generation else { return .pending("waiting for the deployment spec update to be observed") }
        if let progressing = condition(object, "Progressing"), progressing.reason == "ProgressDeadlineExceeded" {
            return .failed("the deployment exceeded its progress deadline: \(progressing.message)")
        }
        let desired = int(object["spec"]?["replicas"]) ?? 1
        let updated = int(status?["updatedReplicas"]) ?? 0
        let replicas = int(status?["replicas"]) ?? 0
        let available = int(status?["availableReplicas"]) ?? 0
        if updated < desired { return .pending("\(updated) out of \(desired) new replicas have been updated") }
        if replicas > updated { return .pending("\(replicas - updated) old replicas are pending termination") }
        if available < updated { return .pending("\(available) of \(updated) updated replicas are available") }
        return .satisfied
    }

    /// Waits until an object has condition `type` with `status` (e.g. Flux `Ready=True`) for its current generation,
    /// reporting the condition's message through `onProgress` while waiting. A `Stalled=True` condition fails.
    @discardableResult
    public func waitForCondition(
        apiVersion: String,
        kind: String,
        name: String,
        namespace: String? = nil,
        type: String,
        status: String = "True",
        timeout: Duration = .seconds(300),
        onProgress: (@Sendable (String) -> Void)? = nil
    ) async throws -> JSONValue? {
        try await wait(
            for: "\(kind) \(name) to be \(type)=\(status)",
            apiVersion: apiVersion,
            kind: kind,
            name: name,
            namespace: namespace,
            timeout: timeout,
            onProgress: onProgress
        ) { object in
            guard let object else { return .pending("\(kind) \(name) does not exist") }
            if let stalled = Self.condition(object, "Stalled"), stalled.status == "True", type != "Stalled" {
                return .failed("Stalled: \(stalled.reason): \(stalled.message)")
            }
            guard let found = Self.condition(object, type) else { return .pending("no \(type) condition yet") }
            var generation = 0
            if case .integer(let value)? = object["metadata"]?["generation"] { generation = value }
            if let observed = found.observedGeneration, observed < generation {
                return .pending("\(type) reflects generation \(observed), not \(generation) yet")
            }
            if found.status == status { return .satisfied }
            return .pending("\(type)=\(found.status) \(found.reason): \(found.message)")
        }
    }

    /// Waits until an object no longer exists (e.g. after a delete, while finalizers run).
    public func waitUntilDeleted(
        apiVersion: String,
        kind: String,
        name: String,
        namespace: String? = nil,
        timeout: Duration
    ) async throws {
        try await wait(
            for: "\(kind) \(name) to be deleted",
            apiVersion: apiVersion,
            kind: kind,
            name: name,
            namespace: namespace,
            timeout: timeout
        ) { object in
            guard let object else { return .satisfied }
            let finalizers = object["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let deleting = object["metadata"]?["deletionTimestamp"] != nil
            return .pending(
                (deleting ? "being deleted" : "still present")
                    + (finalizers.isEmpty ? "" : "; finalizers: " + finalizers.joined(separator: ", "))
            )
        }
    }

    /// One entry of `status.conditions`.
    public struct Condition: Sendable, Equatable {
        public var type: String
        /// `True`, `False` or `Unknown`.
        public var status: String
        public var reason: String
        public var message: String
        /// The generation it reflects, when given.
        public var observedGeneration: Int?
    }

    /// The condition of `type` in `object.status.conditions`.
    public static func condition(_ object: JSONValue, _ type: String) -> Condition? {
        guard let entry = object["status"]?["conditions"]?.arrayValue?.first(where: { $0["type"]?.stringValue == type })
        else { return nil }
        var observed: Int?
        if case .integer(let value)? = entry["observedGeneration"] { observed = value }
        return Condition(
            type: type,
            status: entry["status"]?.stringValue ?? "Unknown",
            reason: entry["reason"]?.stringValue ?? "",
            message: entry["message"]?.stringValue ?? "",
            observedGeneration: observed
        )
    }
}

/// The last pending state a wait saw (shared between the watcher and the timeout).
final class LastSeen: Sendable {
    private let storage = Mutex<String?>(nil)

    /// The last state.
    var value: String? { storage.withLock { $0 } }

    /// Records `state`; returns whether it changed.
    func update(_ state: String) -> Bool {
        storage.withLock {
            if $0 == state { return false }
            $0 = state
            return true
        }
    }
}
