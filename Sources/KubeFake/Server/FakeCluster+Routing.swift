import Foundation

/// One HTTP request as the fake sees it.
struct FakeRequest: Sendable {
    var method: String
    var path: String
    var rawQuery: String
    var query: [String: String]
    var contentType: String
    var userAgent: String
    var body: Data

    init(method: String, uri: String, contentType: String, userAgent: String, body: Data) {
        self.method = method
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map { String($0).removingPercentEncoding ?? String($0) } ?? "/"
        rawQuery = parts.count > 1 ? String(parts[1]) : ""
        var q: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[0])
            let value =
                kv.count > 1
                ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[1])) : ""
            q[key] = value
        }
        query = q
        self.contentType = contentType
        self.userAgent = userAgent
        self.body = body
    }

    /// The field manager: `?fieldManager=`, else the User-Agent up to its first `/`.
    var updateManager: String {
        if let m = query["fieldManager"], !m.isEmpty { return m }
        let prefix = userAgent.split(separator: "/").first.map(String.init) ?? ""
        return prefix.isEmpty ? "unknown" : prefix
    }
}

/// What to send back.
enum FakeResponse: Sendable {
    case json(status: Int, body: KubeFakeJSON)
    case text(status: Int, body: String)
    case watch(WatchPlan)
}

/// A watch the HTTP layer should open.
struct WatchPlan: Sendable {
    var type: ResourceType
    var namespace: String?
    var selector: ObjectSelector
    var from: String?
    var timeoutSeconds: Double?
    var bookmarks: Bool
    var sendInitialEvents: Bool
}

extension FakeCluster {
    /// Answers one request (everything but the streaming part of a watch). Call with the lock held.
    func route(_ request: FakeRequest) -> FakeResponse {
        if let index = faults.firstIndex(where: {
            ($0.method == "*" || $0.method == request.method) && request.path.hasPrefix($0.pathPrefix)
        }) {
            let fault = faults[index]
            faults[index].remaining -= 1
            if faults[index].remaining <= 0 { faults.remove(at: index) }
            let error = KubeStatusError(
                code: fault.status,
                reason: KubeStatusError.reason(forCode: fault.status),
                message: fault.message
            )
            return .json(status: fault.status, body: error.status)
        }
        dryRun = request.query["dryRun"] == "All"
        ignoreUnknownFields = ["Ignore", "Warn"].contains(request.query["fieldValidation"] ?? "")
        defer {
            dryRun = false
            ignoreUnknownFields = false
        }
        do {
            return try dispatch(request)
        } catch let error as KubeStatusError {
            return .json(status: error.code, body: error.status)
        } catch {
            let e = KubeStatusError(code: 500, reason: "InternalError", message: "\(error)")
            return .json(status: 500, body: e.status)
        }
    }

    private func dispatch(_ request: FakeRequest) throws -> FakeResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        if request.method == "GET" {
            switch segments.count {
            case 1 where segments[0] == "version": return .json(status: 200, body: versionDocument)
            case 1 where ["healthz", "livez", "readyz"].contains(segments[0]): return .text(status: 200, body: "ok")
            case 1 where segments[0] == "api": return .json(status: 200, body: coreVersions)
            case 1 where segments[0] == "apis": return .json(status: 200, body: groupList)
            case 2 where segments[0] == "api" && segments[1] == "v1":
                return .json(status: 200, body: resourceList(group: "", version: "v1") ?? .null)
            case 2 where segments[0] == "apis":
                guard let doc = apiGroup(segments[1]) else { throw KubeStatusError.resourceNotFound }
                return .json(status: 200, body: doc)
            case 3 where segments[0] == "apis":
                guard let doc = resourceList(group: segments[1], version: segments[2]) else {
                    throw KubeStatusError.resourceNotFound
                }
                return .json(status: 200, body: doc)
            default: break
            }
        }
        if segments.first == "_fake" { return try control(Array(segments.dropFirst()), request) }
        if segments.count > 2 && segments[0] == "api" && segments[1] == "v1" {
            return try resource(group: "", version: "v1", rest: Array(segments.dropFirst(2)), request)
        }
        if segments.count > 3 && segments[0] == "apis" {
            return try resource(group: segments[1], version: segments[2], rest: Array(segments.dropFirst(3)), request)
        }
        throw KubeStatusError.resourceNotFound
    }

    private func resource(group: String, version: String, rest: [String], _ request: FakeRequest) throws -> FakeResponse {
        var rest = rest
        var namespace: String?
        if rest.count >= 3 && rest[0] == "namespaces" && !["status", "finalize"].contains(rest[2]) {
            namespace = rest[1]
            rest.removeFirst(2)
        }
        guard !rest.isEmpty, rest.count <= 3, let type = routableType(group: group, version: version, plural: rest[0])
        else { throw KubeStatusError.resourceNotFound }
        if namespace != nil && !type.namespaced { throw KubeStatusError.resourceNotFound }
        let name = rest.count > 1 ? rest[1] : nil
        let subresource = rest.count > 2 ? rest[2] : ""
        if !subresource.isEmpty && !(subresource == "status" && type.hasStatusSubresource) {
            throw KubeStatusError.resourceNotFound
        }
        let writeBody = { [self] () throws -> KubeFakeJSON in
            let media =
                request.contentType.split(separator: ";").first.map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                } ?? ""
            guard ["", "application/json", "application/yaml", "*/*"].contains(media) else {
                throw KubeStatusError.unsupportedMediaType(request.contentType)
            }
            return try parseBody(request.body, yamlAllowed: media == "application/yaml")
        }
        switch (request.method, name) {
        case ("GET", nil):
            let selector = try ObjectSelector(
                labelSelector: request.query["labelSelector"],
                fieldSelector: request.query["fieldSelector"]
            )
            if ["true", "1"].contains(request.query["watch"] ?? "") {
                return .watch(
                    WatchPlan(
                        type: type,
                        namespace: namespace,
                        selector: selector,
                        from: request.query["resourceVersion"],
                        timeoutSeconds: request.query["timeoutSeconds"].flatMap(Double.init),
                        bookmarks: request.query["allowWatchBookmarks"] == "true",
                        sendInitialEvents: request.query["sendInitialEvents"] == "true"
                    )
                )
            }
            return .json(status: 200, body: list(type, namespace: namespace, selector: selector))
        case ("GET", let name?):
            guard let object = stored(type, namespace: namespace, name: name) else {
                throw KubeStatusError.notFound(type, name: name)
            }
            return .json(status: 200, body: presented(object, as: type))
        case ("POST", nil):
            if type.namespaced && namespace == nil { throw KubeStatusError.methodNotAllowed("POST") }
            let object = try create(
                type: type,
                namespace: namespace,
                body: try writeBody(),
                manager: request.updateManager,
                queryFieldManager: request.query["fieldManager"]
            )
            return .json(status: 201, body: presented(object, as: type))
        case ("PUT", let name?):
            let object = try replace(
                type: type,
                namespace: namespace,
                name: name,
                subresource: subresource,
                body: try writeBody(),
                manager: request.updateManager
            )
            return .json(status: 200, body: presented(object, as: type))
        case ("PATCH", let name?):
            let isApply = request.contentType.lowercased().hasPrefix("application/apply-patch")
            let (object, created) = try patch(
                type: type,
                namespace: namespace,
                name: name,
                subresource: subresource,
                contentType: request.contentType,
                body: request.body,
                manager: isApply ? request.query["fieldManager"] : request.updateManager,
                force: request.query["force"] == "true"
            )
            return .json(status: created ? 201 : 200, body: presented(object, as: type))
        case ("DELETE", let name?):
            guard subresource.isEmpty else { throw KubeStatusError.methodNotAllowed("DELETE") }
            let options = request.body.isEmpty ? nil : try? KubeFakeJSON.parse(request.body)
            let result = try delete(type: type, namespace: namespace, name: name, options: options)
            return .json(status: 200, body: result["kind"]?.stringValue == "Status" ? result : presented(result, as: type))
        default:
            throw KubeStatusError.methodNotAllowed(request.method)
        }
    }

    func list(_ type: ResourceType, namespace: String?, selector: ObjectSelector) -> KubeFakeJSON {
        let items = (objects[type.storageKey] ?? [:]).sorted { $0.key < $1.key }.map(\.value).filter {
            (namespace == nil || $0[path: ["metadata", "namespace"]]?.stringValue == namespace) && selector.matches($0)
        }
        return [
            "kind": .string(type.kind + "List"), "apiVersion": .string(type.apiVersion),
            "metadata": ["resourceVersion": .string(String(resourceVersion))],
            "items": .array(items.map { presented($0, as: type) }),
        ]
    }

    /// `/_fake/…` control endpoints for scripts (not part of discovery).
    private func control(_ segments: [String], _ request: FakeRequest) throws -> FakeResponse {
        guard request.method == "POST" else { throw KubeStatusError.methodNotAllowed(request.method) }
        switch segments.first {
        case "rollout" where segments.count == 3:
            let stage: RolloutStage =
                request.query["fail"] == "true"
                ? .progressDeadlineExceeded
                : request.query["complete"] == "true" ? .complete : .nextStep
            let object = try advanceRollout(namespace: segments[1], name: segments[2], stage: stage)
            return .json(status: 200, body: object)
        case "establish-delay" where segments.count == 1:
            let value = request.query["seconds"] ?? ""
            crdEstablishDelay = value == "never" ? nil : Double(value)
            return .text(status: 200, body: "ok")
        case "compact" where segments.count == 1:
            compact(below: Int(request.query["below"] ?? "") ?? resourceVersion + 1)
            return .text(status: 200, body: "ok")
        default:
            throw KubeStatusError.resourceNotFound
        }
    }
}
