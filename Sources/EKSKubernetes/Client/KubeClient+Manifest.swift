import EKSAWS
import Foundation

extension KubeClient {
    /// Applies a multi-document manifest (e.g. Flux's `install.yaml`) in dependency order: CustomResourceDefinitions
    /// and Namespaces first, then — once every CRD is Established — everything else with at most `concurrency`
    /// requests in flight.
    ///
    /// Before anything is applied, every custom resource's kind is checked: one whose CRD is neither served by the
    /// cluster nor part of the manifest fails the whole call with a "CRD not installed" error naming the kind, and
    /// nothing is changed.
    /// - Returns: the objects as the server stored them, in manifest order.
    @discardableResult
    public func applyManifest(
        _ text: String,
        force: Bool = false,
        concurrency: Int = 4,
        establishTimeout: Duration = .seconds(60)
    ) async throws -> [JSONValue] {
        let documents: [JSONValue]
        do {
            documents = try YAML.decodeDocuments(text)
        } catch {
            throw KubeClientError(.invalidObject, "the manifest is not valid YAML: \(error)")
        }
        return try await applyManifest(
            documents: documents,
            force: force,
            concurrency: concurrency,
            establishTimeout: establishTimeout
        )
    }

    /// Applies already-parsed documents; see ``applyManifest(_:force:concurrency:establishTimeout:)``.
    @discardableResult
    public func applyManifest(
        documents: [JSONValue],
        force: Bool = false,
        concurrency: Int = 4,
        establishTimeout: Duration = .seconds(60)
    ) async throws -> [JSONValue] {
        var objects: [JSONValue] = []
        for (index, document) in documents.enumerated() {
            if document == .null { continue }
            if document["kind"]?.stringValue == "List", let items = document["items"]?.arrayValue {
                objects += items
                continue
            }
            guard document["apiVersion"]?.stringValue != nil, document["kind"]?.stringValue != nil,
                document["metadata"]?["name"]?.stringValue != nil
            else {
                throw KubeClientError(
                    .invalidObject,
                    "manifest document \(index + 1) has no apiVersion, kind or metadata.name"
                )
            }
            objects.append(document)
        }
        func isCRD(_ object: JSONValue) -> Bool {
            object["kind"]?.stringValue == "CustomResourceDefinition"
                && object["apiVersion"]?.stringValue?.hasPrefix("apiextensions.k8s.io/") == true
        }
        func isNamespace(_ object: JSONValue) -> Bool {
            object["kind"]?.stringValue == "Namespace" && object["apiVersion"]?.stringValue == "v1"
        }
        let crds = objects.filter(isCRD)
        var definedByManifest = Set<String>()
        for crd in crds {
            guard let group = crd["spec"]?["group"]?.stringValue, let kind = crd["spec"]?["names"]?["kind"]?.stringValue
            else { continue }
            for version in crd["spec"]?["versions"]?.arrayValue ?? [] {
                if let name = version["name"]?.stringValue { definedByManifest.insert("\(group)/\(name)|\(kind)") }
            }
        }
        let firstIndices = objects.indices.filter { isCRD(objects[$0]) || isNamespace(objects[$0]) }
        let restIndices = objects.indices.filter { !isCRD(objects[$0]) && !isNamespace(objects[$0]) }

        // Refuse unknown kinds before changing anything.
        var missing: [String] = []
        for index in restIndices {
            let object = objects[index]
            let apiVersion = object["apiVersion"]?.stringValue ?? ""
            let kind = object["kind"]?.stringValue ?? ""
            if definedByManifest.contains("\(apiVersion)|\(kind)") { continue }
            do {
                _ = try await resource(apiVersion: apiVersion, kind: kind)
            } catch let error as KubeClientError where error.code == .unknownKind {
                let entry = "\(kind) (\(apiVersion))"
                if !missing.contains(entry) { missing.append(entry) }
            }
        }
        if !missing.isEmpty {
            throw KubeClientError(
                .unknownKind,
                "CRD not installed for " + missing.joined(separator: ", ")
                    + ": the cluster does not serve these kinds and the manifest does not define them; install their "
                    + "CustomResourceDefinitions first. Nothing was applied.",
                reason: "NotFound"
            )
        }

        var results = [JSONValue?](repeating: nil, count: objects.count)
        for (index, value) in try await applyBounded(objects, indices: firstIndices, force: force, limit: concurrency) {
            results[index] = value
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for crd in crds {
                guard let name = crd["metadata"]?["name"]?.stringValue else { continue }
                group.addTask { _ = try await self.waitForCRDEstablished(name: name, timeout: establishTimeout) }
            }
            try await group.waitForAll()
        }
        for (index, value) in try await applyBounded(objects, indices: restIndices, force: force, limit: concurrency) {
            results[index] = value
        }
        return results.compactMap { $0 }
    }

    /// Applies `objects[indices]` with at most `limit` in flight.
    private func applyBounded(
        _ objects: [JSONValue],
        indices: [Int],
        force: Bool,
        limit: Int
    ) async throws -> [(Int, JSONValue)] {
        try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            var results: [(Int, JSONValue)] = []
            var next = indices.makeIterator()
            for _ in 0..<max(1, limit) {
                guard let index = next.next() else { break }
                group.addTask { (index, try await self.apply(objects[index], force: force)) }
            }
            while let done = try await group.next() {
                results.append(done)
                if let index = next.next() {
                    group.addTask { (index, try await self.apply(objects[index], force: force)) }
                }
            }
            return results
        }
    }
}
