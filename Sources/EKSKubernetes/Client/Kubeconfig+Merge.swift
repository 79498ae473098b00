import EKSAWS
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Kubeconfig {
    /// What `platformctl kubeconfig` writes for one EKS cluster: a cluster, a user with an exec stanza that calls
    /// `platformctl token`, and a context, all named `NAME.REGION` (never the ARN, so no account id in names).
    public struct EKSEntry: Sendable, Equatable {
        public var clusterName: String
        public var region: String
        /// The API server URL (DescribeCluster `endpoint`).
        public var server: String
        /// Base64 PEM of the cluster CA (DescribeCluster `certificateAuthority.data`).
        public var certificateAuthorityData: String
        /// The role to assume when making tokens.
        public var roleARN: String?
        /// The AWS profile to use (sets `AWS_PROFILE` for the plugin).
        public var profile: String?
        /// An operator role (`platformctl token --role NAME`): temporary credentials from the operator settings, so the
        /// kubeconfig works without shell aliases or a platformctl shell.
        public var operatorRole: String?
        /// The operator settings file passed to `platformctl token --config`.
        public var operatorConfig: String?
        /// The context name; `NAME.REGION` when `nil`.
        public var alias: String?
        /// The command kubectl runs.
        public var command: String
        /// The ExecCredential apiVersion of the stanza.
        public var execAPIVersion: String

        /// Creates an entry.
        public init(
            clusterName: String,
            region: String,
            server: String,
            certificateAuthorityData: String,
            roleARN: String? = nil,
            profile: String? = nil,
            operatorRole: String? = nil,
            operatorConfig: String? = nil,
            alias: String? = nil,
            command: String = "platformctl",
            execAPIVersion: String = ExecCredential.v1beta1
        ) {
            self.clusterName = clusterName
            self.region = region
            self.server = server
            self.certificateAuthorityData = certificateAuthorityData
            self.roleARN = roleARN
            self.profile = profile
            self.operatorRole = operatorRole
            self.operatorConfig = operatorConfig
            self.alias = alias
            self.command = command
            self.execAPIVersion = execAPIVersion
        }

        /// `NAME.REGION`, the cluster and user entry name.
        public var entryName: String { "\(clusterName).\(region)" }
        public var contextName: String { alias ?? entryName }

        var clusterItem: JSONValue {
            [
                "name": .string(entryName),
                "cluster": ["server": .string(server), "certificate-authority-data": .string(certificateAuthorityData)],
            ]
        }

        /// The `users[]` item (no credential: only the command that makes one).
        var userItem: JSONValue {
            var args: [JSONValue] = ["token", "--cluster-name", .string(clusterName), "--region", .string(region)]
            if let roleARN { args += ["--role-arn", .string(roleARN)] }
            if let operatorRole { args += ["--role", .string(operatorRole)] }
            if let operatorConfig { args += ["--config", .string(operatorConfig)] }
            var exec: [String: JSONValue] = [
                "apiVersion": .string(execAPIVersion), "command": .string(command), "args": .array(args),
                "provideClusterInfo": false,
            ]
            if let profile { exec["env"] = [["name": "AWS_PROFILE", "value": .string(profile)]] }
            if execAPIVersion == ExecCredential.v1 { exec["interactiveMode"] = "Never" }
            return ["name": .string(entryName), "user": ["exec": .object(exec)]]
        }

        var contextItem: JSONValue {
            ["name": .string(contextName), "context": ["cluster": .string(entryName), "user": .string(entryName)]]
        }
    }

    /// Adds or replaces `entry`'s cluster, user and context in the kubeconfig at `path` (created if missing), keeps
    /// every other entry and field, optionally sets `current-context`, and writes the file atomically with `0600`.
    /// - Throws: ``KubeconfigError`` when the existing file is malformed or cannot be written.
    public static func merge(_ entry: EKSEntry, into path: String, setCurrentContext: Bool = true) throws {
        var root: [String: JSONValue] = [:]
        if FileManager.default.fileExists(atPath: path) {
            _ = try load(path: path)  // validates the file, with field paths in errors
            let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            if case .object(let map)? = try YAML.decodeDocuments(text).first { root = map }
        }
        root["apiVersion"] = root["apiVersion"] ?? "v1"
        root["kind"] = root["kind"] ?? "Config"
        root["preferences"] = root["preferences"] ?? .object([:])
        func upsert(_ key: String, _ item: JSONValue) {
            var list = root[key]?.arrayValue ?? []
            let name = item["name"]
            if let index = list.firstIndex(where: { $0["name"] == name }) {
                list[index] = item
            } else {
                list.append(item)
            }
            root[key] = .array(list)
        }
        upsert("clusters", entry.clusterItem)
        upsert("users", entry.userItem)
        upsert("contexts", entry.contextItem)
        if setCurrentContext { root["current-context"] = .string(entry.contextName) }
        let text: String
        do {
            text = try YAML.encode(JSONValue.object(root))
        } catch {
            throw KubeconfigError(path: path, field: nil, "cannot encode the merged kubeconfig: \(error)")
        }
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Removes what ``merge(_:into:setCurrentContext:)`` wrote for the EKS cluster `clusterName` in `region` — the
    /// cluster and user named `NAME.REGION` and every context using them — and clears `current-context` if it was
    /// one of those. A user entry that is not a `platformctl token` exec stanza for that cluster is left alone (the
    /// name may be someone else's). Returns the removed context names; the file is rewritten only when something
    /// was removed.
    /// - Throws: ``KubeconfigError`` when the file is malformed or cannot be written.
    @discardableResult
    public static func removeEKSEntry(clusterName: String, region: String, from path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        _ = try load(path: path)
        let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        guard case .object(var root)? = try YAML.decodeDocuments(text).first else { return [] }
        let name = "\(clusterName).\(region)"
        let users = root["users"]?.arrayValue ?? []
        let ours = users.contains { user in
            guard user["name"] == .string(name), let args = user["user"]?["exec"]?["args"]?.arrayValue else {
                return false
            }
            return args.first == .string("token") && args.contains(.string(clusterName))
        }
        guard ours else { return [] }
        let contexts = root["contexts"]?.arrayValue ?? []
        let removed = contexts.filter { $0["context"]?["cluster"] == .string(name) }.compactMap { $0["name"]?.stringValue }
        root["contexts"] = .array(contexts.filter { $0["context"]?["cluster"] != .string(name) })
        root["clusters"] = .array((root["clusters"]?.arrayValue ?? []).filter { $0["name"] != .string(name) })
        root["users"] = .array(users.filter { $0["name"] != .string(name) })
        if let current = root["current-context"]?.stringValue, removed.contains(current) { root["current-context"] = "" }
        let encoded: String
        do {
            encoded = try YAML.encode(JSONValue.object(root))
        } catch {
            throw KubeconfigError(path: path, field: nil, "cannot encode the kubeconfig: \(error)")
        }
        try writeAtomically(Array(encoded.utf8), to: path)
        return removed
    }

    /// Writes `bytes` to a `0600` temporary file beside `path`, then renames it over `path`.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try AtomicFile.createDirectories(directory, mode: 0o700)
            } catch {
                throw KubeconfigError(path: path, field: nil, "cannot create the directory \(directory): \(error)")
            }
        }
        do {
            try AtomicFile.write(Data(bytes), to: path, permissions: 0o600, createDirectories: false)
        } catch {
            throw KubeconfigError(path: path, field: nil, "cannot write the file: \(error)")
        }
    }
}
