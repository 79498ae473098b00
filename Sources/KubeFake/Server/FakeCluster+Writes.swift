import Foundation

extension FakeCluster {
    /// How ownership of a write is recorded.
    enum Ownership {
        /// A PUT / non-apply PATCH / POST by this manager.
        case update(String)
        /// Server-side apply already computed managedFields.
        case applied
    }

    func fieldManager(_ type: ResourceType) -> FieldManager {
        FieldManager(walker: FieldWalker(type: type), now: Self.timestamp())
    }

    func requireNamespace(_ type: ResourceType, _ namespace: String?) throws {
        guard type.namespaced, let namespace else { return }
        guard let nsType = types[Self.typeKey("", "v1", "namespaces")],
            stored(nsType, namespace: nil, name: namespace) != nil
        else { throw KubeStatusError.namespaceNotFound(namespace) }
    }

    func checkTypeMeta(_ body: KubeFakeJSON, _ type: ResourceType) throws -> KubeFakeJSON {
        guard body.objectValue != nil else {
            throw KubeStatusError.badRequest("the body of the request must be a JSON or YAML object")
        }
        var b = body
        if let apiVersion = body["apiVersion"]?.stringValue, apiVersion != type.apiVersion {
            throw KubeStatusError.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(type.apiVersion))"
            )
        }
        if let kind = body["kind"]?.stringValue, kind != type.kind {
            throw KubeStatusError.badRequest(
                "the kind in the data (\(kind)) does not match the expected kind (\(type.kind))"
            )
        }
        b["apiVersion"] = .string(type.apiVersion)
        b["kind"] = .string(type.kind)
        if b["metadata"]?.objectValue == nil { b["metadata"] = .emptyObject }
        return b
    }

    func checkNamespace(_ body: KubeFakeJSON, _ type: ResourceType, _ namespace: String?) throws -> KubeFakeJSON {
        var b = body
        if type.namespaced {
            if let given = body[path: ["metadata", "namespace"]]?.stringValue, !given.isEmpty, given != namespace {
                throw KubeStatusError.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            }
            b[path: ["metadata", "namespace"]] = namespace.map { .string($0) }
        } else {
            b[path: ["metadata", "namespace"]] = nil
        }
        return b
    }

    static func generatedSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }

    // MARK: Create

    func create(
        type: ResourceType,
        namespace: String?,
        body: KubeFakeJSON,
        manager: String,
        queryFieldManager: String?
    ) throws -> KubeFakeJSON {
        var object = try checkNamespace(try checkTypeMeta(body, type), type, namespace)
        var name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if name.isEmpty, let prefix = object[path: ["metadata", "generateName"]]?.stringValue, !prefix.isEmpty {
            name = prefix + Self.generatedSuffix()
        }
        guard !name.isEmpty else {
            throw KubeStatusError.invalid(
                kind: type.kind,
                group: type.group,
                name: "",
                causes: [
                    .init(
                        reason: "FieldValueRequired",
                        message: "Required value: name or generateName is required",
                        field: "metadata.name"
                    )
                ]
            )
        }
        try requireNamespace(type, namespace)
        if stored(type, namespace: namespace, name: name) != nil { throw KubeStatusError.alreadyExists(type, name: name) }
        object[path: ["metadata", "name"]] = .string(name)
        object[path: ["metadata", "managedFields"]] = nil
        object[path: ["metadata", "resourceVersion"]] = nil
        return try finish(
            type,
            old: nil,
            candidate: object,
            subresource: "",
            ownership: .update(manager),
            initialStatus: Self.initialStatus(type)
        )
    }

    func stampNew(_ object: inout KubeFakeJSON) {
        object[path: ["metadata", "uid"]] = .string(UUID().uuidString.lowercased())
        object[path: ["metadata", "creationTimestamp"]] = .string(Self.timestamp())
    }

    // MARK: Update

    func replace(
        type: ResourceType,
        namespace: String?,
        name: String,
        subresource: String,
        body: KubeFakeJSON,
        manager: String
    ) throws -> KubeFakeJSON {
        var object = try checkNamespace(try checkTypeMeta(body, type), type, namespace)
        if let bodyName = object[path: ["metadata", "name"]]?.stringValue, bodyName != name {
            throw KubeStatusError.badRequest(
                "the name of the object (\(bodyName)) does not match the name on the URL (\(name))"
            )
        }
        object[path: ["metadata", "name"]] = .string(name)
        guard let old = stored(type, namespace: namespace, name: name) else {
            throw KubeStatusError.notFound(type, name: name)
        }
        guard let rv = object[path: ["metadata", "resourceVersion"]]?.stringValue, !rv.isEmpty else {
            throw KubeStatusError.invalid(
                kind: type.kind,
                group: type.group,
                name: name,
                causes: [
                    .init(
                        reason: "FieldValueInvalid",
                        message: "Invalid value: 0x0: must be specified for an update",
                        field: "metadata.resourceVersion"
                    )
                ]
            )
        }
        if rv != old[path: ["metadata", "resourceVersion"]]?.stringValue { throw KubeStatusError.conflict(type, name: name) }
        object[path: ["metadata", "managedFields"]] = old[path: ["metadata", "managedFields"]]
        return try finish(type, old: old, candidate: object, subresource: subresource, ownership: .update(manager))
    }

    // MARK: Patch

    /// Applies a PATCH; returns the object and whether it was created (server-side apply of a missing object).
    func patch(
        type: ResourceType,
        namespace: String?,
        name: String,
        subresource: String,
        contentType: String,
        body: Data,
        manager: String?,
        force: Bool
    ) throws -> (KubeFakeJSON, created: Bool) {
        let old = stored(type, namespace: namespace, name: name)
        let mediaType =
            contentType.split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        if mediaType == "application/apply-patch+yaml" {
            return try serverSideApply(
                type: type,
                namespace: namespace,
                name: name,
                subresource: subresource,
                body: body,
                manager: manager,
                force: force,
                old: old
            )
        }
        if force {
            throw KubeStatusError.invalid(
                kind: "PatchOptions",
                group: "meta.k8s.io",
                name: "",
                causes: [
                    .init(
                        reason: "FieldValueForbidden",
                        message: "Forbidden: may not be specified for non-apply patch",
                        field: "force"
                    )
                ]
            )
        }
        let patch: KubeFakeJSON
        switch mediaType {
        case "application/merge-patch+json", "application/json-patch+json":
            patch = try parseBody(body, yamlAllowed: false)
        case "application/strategic-merge-patch+json":
            if type.isCustom { throw KubeStatusError.unsupportedMediaType(contentType) }
            patch = try parseBody(body, yamlAllowed: false)
        default:
            throw KubeStatusError.unsupportedMediaType(contentType)
        }
        guard let old else { throw KubeStatusError.notFound(type, name: name) }
        var candidate: KubeFakeJSON
        switch mediaType {
        case "application/merge-patch+json":
            candidate = Patches.mergePatch(old, patch)
        case "application/strategic-merge-patch+json":
            candidate = Patches.strategicMerge(old, patch, walker: FieldWalker(type: type))
        default:
            do {
                candidate = try Patches.jsonPatch(old, patch)
            } catch let error as Patches.JSONPatchError {
                throw KubeStatusError(code: 422, reason: "Invalid", message: error.message)
            }
        }
        if let rv = candidate[path: ["metadata", "resourceVersion"]]?.stringValue,
            rv != old[path: ["metadata", "resourceVersion"]]?.stringValue
        {
            throw KubeStatusError.conflict(type, name: name)
        }
        candidate = try checkNamespace(try checkTypeMeta(candidate, type), type, namespace)
        candidate[path: ["metadata", "name"]] = .string(name)
        candidate[path: ["metadata", "managedFields"]] = old[path: ["metadata", "managedFields"]]
        let object = try finish(
            type,
            old: old,
            candidate: candidate,
            subresource: subresource,
            ownership: .update(manager ?? "unknown")
        )
        return (object, false)
    }

    func parseBody(_ body: Data, yamlAllowed: Bool) throws -> KubeFakeJSON {
        if let value = try? KubeFakeJSON.parse(body) { return value }
        if yamlAllowed, let text = String(data: body, encoding: .utf8) {
            do {
                return try KubeFakeJSON.parseYAML(text)
            } catch {
                throw KubeStatusError.badRequest("\(error)")
            }
        }
        throw KubeStatusError.badRequest(
            "couldn't get version/kind; json parse error: invalid character in request body"
        )
    }

    private func serverSideApply(
        type: ResourceType,
        namespace: String?,
        name: String,
        subresource: String,
        body: Data,
        manager: String?,
        force: Bool,
        old: KubeFakeJSON?
    ) throws -> (KubeFakeJSON, created: Bool) {
        guard let manager, !manager.isEmpty else {
            throw KubeStatusError.invalid(
                kind: "PatchOptions",
                group: "meta.k8s.io",
                name: "",
                causes: [
                    .init(
                        reason: "FieldValueRequired",
                        message: "Required value: is required for apply patch",
                        field: "fieldManager"
                    )
                ]
            )
        }
        var config = try parseBody(body, yamlAllowed: true)
        guard config.objectValue != nil else { throw KubeStatusError.badRequest("apply patch must be an object") }
        if config["apiVersion"]?.stringValue == nil || config["kind"]?.stringValue == nil {
            throw KubeStatusError.badRequest(
                "invalid object type: \(config["apiVersion"]?.stringValue ?? ""), Kind=\(config["kind"]?.stringValue ?? "")"
            )
        }
        config = try checkTypeMeta(config, type)
        if let bodyName = config[path: ["metadata", "name"]]?.stringValue, bodyName != name {
            throw KubeStatusError.badRequest(
                "the name of the object (\(bodyName)) does not match the name on the URL (\(name))"
            )
        }
        config = try checkNamespace(config, type, namespace)
        if let managed = config[path: ["metadata", "managedFields"]], managed != .null,
            managed.arrayValue?.isEmpty != true
        {
            throw KubeStatusError.badRequest("metadata.managedFields must be nil")
        }
        if let rv = config[path: ["metadata", "resourceVersion"]]?.stringValue, !rv.isEmpty {
            guard let old, rv == old[path: ["metadata", "resourceVersion"]]?.stringValue else {
                throw KubeStatusError.conflict(type, name: name)
            }
        }
        if old == nil {
            if subresource == "status" { throw KubeStatusError.notFound(type, name: name) }
            try requireNamespace(type, namespace)
        }
        var merged: KubeFakeJSON
        do {
            merged = try fieldManager(type).apply(
                config: config,
                to: old,
                manager: manager,
                force: force,
                apiVersion: type.apiVersion,
                subresource: subresource
            )
        } catch let conflict as FieldManager.ApplyConflict {
            throw conflict.statusError
        }
        merged["apiVersion"] = .string(type.apiVersion)
        merged["kind"] = .string(type.kind)
        merged[path: ["metadata", "name"]] = .string(name)
        merged[path: ["metadata", "namespace"]] = type.namespaced ? namespace.map { .string($0) } : nil
        let object = try finish(
            type,
            old: old,
            candidate: merged,
            subresource: subresource,
            ownership: .applied,
            initialStatus: Self.initialStatus(type)
        )
        return (object, old == nil)
    }

    // MARK: Commit

    /// Applies the status split, server-owned metadata, ownership, validation, generation and resourceVersion
    /// rules, then stores the object. A write that changes nothing returns the old object untouched.
    func finish(
        _ type: ResourceType,
        old: KubeFakeJSON?,
        candidate: KubeFakeJSON,
        subresource: String,
        ownership: Ownership,
        initialStatus: KubeFakeJSON? = nil
    ) throws -> KubeFakeJSON {
        var new = candidate
        if type.hasStatusSubresource {
            if subresource == "status", var base = old {
                base["status"] = new["status"]
                base[path: ["metadata", "managedFields"]] = new[path: ["metadata", "managedFields"]]
                new = base
            } else {
                new["status"] = old?["status"] ?? initialStatus
            }
        }
        if let old {
            for key in [
                "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp",
                "deletionGracePeriodSeconds", "resourceVersion",
            ] {
                new[path: ["metadata", key]] = old[path: ["metadata", key]]
            }
        } else {
            stampNew(&new)
        }
        if case .update(let manager) = ownership {
            new = fieldManager(type).update(
                old: old,
                new: new,
                manager: manager,
                apiVersion: type.apiVersion,
                subresource: subresource
            )
        }
        if type.kind == "Secret" && type.group.isEmpty { new = Self.foldStringData(new) }
        if type.isCustom { try validateCustom(type, new) }
        if let old, Self.comparable(old) == Self.comparable(new) { return old }

        if let old {
            let oldGeneration = old[path: ["metadata", "generation"]]?.intValue ?? 1
            new[path: ["metadata", "generation"]] = .int(
                Self.specPortion(old) == Self.specPortion(new) ? oldGeneration : oldGeneration + 1
            )
        } else {
            new[path: ["metadata", "generation"]] = 1
        }
        if dryRun { return new }
        new[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        put(type, new, eventType: old == nil ? "ADDED" : "MODIFIED")
        afterWrite(type, old: old, new: new)
        if new[path: ["metadata", "deletionTimestamp"]] != nil,
            (new[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty
        {
            remove(type, new)
        }
        return new
    }

    /// Secrets: `stringData` is write-only; its entries land base64-encoded in `data`, as on a real apiserver.
    static func foldStringData(_ secret: KubeFakeJSON) -> KubeFakeJSON {
        guard let stringData = secret["stringData"]?.objectValue else { return secret }
        var result = secret
        var data = secret["data"]?.objectValue ?? [:]
        for (key, value) in stringData {
            if let text = value.stringValue { data[key] = .string(Data(text.utf8).base64EncodedString()) }
        }
        result["data"] = .object(data)
        result["stringData"] = nil
        return result
    }

    /// The status the server itself gives a new object (namespaces start Active).
    static func initialStatus(_ type: ResourceType) -> KubeFakeJSON? {
        type.kind == "Namespace" && type.group.isEmpty ? ["phase": "Active"] : nil
    }

    /// Everything except server bookkeeping, for the "did this write change anything" test.
    static func comparable(_ object: KubeFakeJSON) -> KubeFakeJSON {
        var o = object
        if let entries = o[path: ["metadata", "managedFields"]]?.arrayValue {
            o[path: ["metadata", "managedFields"]] = .array(
                entries.map { e in
                    var e = e
                    e["time"] = nil
                    return e
                }
            )
        }
        return o
    }

    /// Everything but metadata and status: what `generation` tracks.
    static func specPortion(_ object: KubeFakeJSON) -> KubeFakeJSON {
        var o = object
        o["metadata"] = nil
        o["status"] = nil
        return o
    }

    func validateCustom(_ type: ResourceType, _ object: KubeFakeJSON) throws {
        guard let schema = type.schema else { return }
        var candidate = object
        // apiVersion, kind and metadata are always allowed at the root, as on a real apiserver.
        let declared = schema["properties"]?.objectValue ?? [:]
        for key in ["apiVersion", "kind", "metadata"] where declared[key] == nil { candidate[key] = nil }
        var violations = OpenAPISchemaValidator.validate(candidate.foundationValue, against: schema.foundationValue)
        if ignoreUnknownFields { violations.removeAll { $0.reason == "FieldValueUnknown" } }
        guard !violations.isEmpty else { return }
        let causes = violations.map { v -> KubeStatusError.Cause in
            let prefix = v.field + ": "
            let message = v.message.hasPrefix(prefix) ? String(v.message.dropFirst(prefix.count)) : v.message
            return .init(reason: v.reason, message: message, field: v.field)
        }
        throw KubeStatusError.invalid(
            kind: type.kind,
            group: type.group,
            name: object[path: ["metadata", "name"]]?.stringValue ?? "",
            causes: causes
        )
    }

    // MARK: Delete

    /// Deletes an object now, or marks it with `deletionTimestamp` when finalizers hold it.
    func delete(type: ResourceType, namespace: String?, name: String, options: KubeFakeJSON?) throws -> KubeFakeJSON {
        guard let old = stored(type, namespace: namespace, name: name) else {
            throw KubeStatusError.notFound(type, name: name)
        }
        if let policy = options?["propagationPolicy"]?.stringValue,
            !["Orphan", "Background", "Foreground"].contains(policy)
        {
            throw KubeStatusError.invalid(
                kind: "DeleteOptions",
                group: "meta.k8s.io",
                name: "",
                causes: [
                    .init(
                        reason: "FieldValueNotSupported",
                        message: "Unsupported value: \"\(policy)\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                        field: "propagationPolicy"
                    )
                ]
            )
        }
        if let uid = options?[path: ["preconditions", "uid"]]?.stringValue,
            uid != old[path: ["metadata", "uid"]]?.stringValue
        {
            throw KubeStatusError(
                code: 409,
                reason: "Conflict",
                message: "Operation cannot be fulfilled on \(type.groupResource) \"\(name)\": Precondition failed: "
                    + "UID in precondition: \(uid), UID in object meta: \(old[path: ["metadata", "uid"]]?.stringValue ?? "")",
                details: KubeStatusError.details(name: name, group: type.group, kind: type.plural)
            )
        }
        if let rv = options?[path: ["preconditions", "resourceVersion"]]?.stringValue,
            rv != old[path: ["metadata", "resourceVersion"]]?.stringValue
        {
            throw KubeStatusError.conflict(type, name: name)
        }
        if type.kind == "Namespace" && ["default", "kube-system", "kube-public"].contains(name) {
            throw KubeStatusError(
                code: 403,
                reason: "Forbidden",
                message: "namespaces \"\(name)\" is forbidden: this namespace may not be deleted",
                details: KubeStatusError.details(name: name, group: "", kind: "namespaces")
            )
        }
        let finalizers = old[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if dryRun { return old }
        if !finalizers.isEmpty {
            if old[path: ["metadata", "deletionTimestamp"]] != nil { return old }
            var marked = old
            marked[path: ["metadata", "deletionTimestamp"]] = .string(Self.timestamp())
            marked[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
            marked[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
            put(type, marked, eventType: "MODIFIED")
            return marked
        }
        remove(type, old)
        var details: [String: KubeFakeJSON] = [
            "name": .string(name), "kind": .string(type.plural),
            "uid": old[path: ["metadata", "uid"]] ?? .string(""),
        ]
        if !type.group.isEmpty { details["group"] = .string(type.group) }
        return [
            "kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Success",
            "details": .object(details),
        ]
    }

    /// Removes an object for good, with a DELETED event, and cleans up what depends on it.
    ///
    /// Dependents go first, as the namespace controller and the CRD finalizer do on a real cluster, and they keep
    /// their finalizers: a dependent that has any is only marked deleted, and its namespace (phase `Terminating`) or
    /// CRD (condition `Terminating`) stays until the last such dependent is gone — then it goes too. So deleting a
    /// namespace or a CRD before the controller that owns its objects' finalizers has run leaves it hanging, as it
    /// would (Kubernetes docs "Namespaces" and "Finalizers"; apiextensions-apiserver's `CRDFinalizer`).
    func remove(_ type: ResourceType, _ object: KubeFakeJSON) {
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if type.kind == "Namespace" && type.group.isEmpty {
            var held = false
            for (_, t) in types.sorted(by: { $0.key < $1.key }) where t.namespaced {
                let contained = (objects[t.storageKey] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
                for o in contained where o[path: ["metadata", "namespace"]]?.stringValue == name {
                    held = deleteDependent(t, o) || held
                }
            }
            if held {
                markTerminating(type, object, status: ["phase": "Terminating"])
                return
            }
        }
        if type.kind == "CustomResourceDefinition" && type.group == "apiextensions.k8s.io" {
            if let crType = customType(of: object) {
                var held = false
                for (_, o) in (objects[crType.storageKey] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    held = deleteDependent(crType, o) || held
                }
                if held {
                    markTerminating(type, object, status: nil)
                    return
                }
            }
            crdRemoved(object)
        }
        var gone = object
        gone[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        put(type, gone, eventType: "DELETED")
        // The last held dependent of a terminating namespace or CRD lets it go.
        if type.namespaced, let namespace = object[path: ["metadata", "namespace"]]?.stringValue,
            let nsType = types.values.first(where: { $0.kind == "Namespace" && $0.group.isEmpty }),
            let ns = objects[nsType.storageKey]?.values.first(where: { $0[path: ["metadata", "name"]]?.stringValue == namespace }
            ),
            ns[path: ["metadata", "deletionTimestamp"]] != nil, !holdsObjects(namespace: namespace)
        {
            remove(nsType, ns)
        }
        if type.isCustom,
            let crdType = types.values.first(where: {
                $0.kind == "CustomResourceDefinition" && $0.group == "apiextensions.k8s.io"
            }),
            let crd = objects[crdType.storageKey]?.values.first(where: { customType(of: $0)?.storageKey == type.storageKey }),
            crd[path: ["metadata", "deletionTimestamp"]] != nil, (objects[type.storageKey] ?? [:]).isEmpty
        {
            remove(crdType, crd)
        }
    }

    /// Deletes a dependent of a namespace or CRD being removed; `true` when its finalizers hold it (it is then only
    /// marked with `deletionTimestamp`).
    private func deleteDependent(_ type: ResourceType, _ object: KubeFakeJSON) -> Bool {
        guard !(object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty else {
            remove(type, object)
            return false
        }
        if object[path: ["metadata", "deletionTimestamp"]] == nil {
            var marked = object
            marked[path: ["metadata", "deletionTimestamp"]] = .string(Self.timestamp())
            marked[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
            marked[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
            put(type, marked, eventType: "MODIFIED")
        }
        return true
    }

    /// Marks a namespace or CRD that waits for its dependents' finalizers.
    private func markTerminating(_ type: ResourceType, _ object: KubeFakeJSON, status: [String: KubeFakeJSON]?) {
        guard object[path: ["metadata", "deletionTimestamp"]] == nil else { return }
        var marked = object
        marked[path: ["metadata", "deletionTimestamp"]] = .string(Self.timestamp())
        if let status { for (key, value) in status { marked[path: ["status", key]] = value } }
        marked[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        put(type, marked, eventType: "MODIFIED")
    }

    /// Whether any object still lives in `namespace`.
    private func holdsObjects(namespace: String) -> Bool {
        types.values.contains { t in
            t.namespaced
                && (objects[t.storageKey] ?? [:]).values.contains {
                    $0[path: ["metadata", "namespace"]]?.stringValue == namespace
                }
        }
    }
}
