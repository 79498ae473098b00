import EKSAWS
import Foundation

/// A kubeconfig file, read the way kubectl reads it: clusters, users, contexts and the current context.
///
/// Only the fields the client uses are modelled; `Kubeconfig/merge(into:…)` edits files as unstructured YAML so
/// that everything else in them is preserved.
public struct Kubeconfig: Sendable, Equatable {
    /// A `clusters[]` entry.
    public struct Cluster: Sendable, Equatable {
        /// The entry name.
        public var name: String
        /// The API server URL.
        public var server: String
        /// `certificate-authority`: a PEM file (relative paths are relative to the kubeconfig's directory).
        public var certificateAuthority: String?
        /// `certificate-authority-data`: base64 PEM.
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
    }

    /// An exec credential plugin (`users[].user.exec`).
    public struct ExecConfig: Sendable, Equatable {
        public var command: String
        /// Its arguments.
        public var args: [String]
        /// Extra environment variables, in order.
        public var env: [Pair]
        /// The ExecCredential apiVersion the plugin speaks.
        public var apiVersion: String
        /// `interactiveMode` (v1).
        public var interactiveMode: String?

        /// A name/value pair.
        public struct Pair: Sendable, Equatable {
            public var name: String
            public var value: String

            /// Creates a pair.
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        /// Creates an exec configuration.
        public init(command: String, args: [String], env: [Pair], apiVersion: String, interactiveMode: String?) {
            self.command = command
            self.args = args
            self.env = env
            self.apiVersion = apiVersion
            self.interactiveMode = interactiveMode
        }
    }

    /// A `users[]` entry.
    public struct User: Sendable, Equatable {
        /// The entry name.
        public var name: String
        public var token: String?
        /// `tokenFile`.
        public var tokenFile: String?
        /// `client-certificate` (a file).
        public var clientCertificate: String?
        /// `client-certificate-data` (base64 PEM).
        public var clientCertificateData: String?
        /// `client-key` (a file).
        public var clientKey: String?
        /// `client-key-data` (base64 PEM).
        public var clientKeyData: String?
        public var exec: ExecConfig?
    }

    /// A `contexts[]` entry.
    public struct Context: Sendable, Equatable {
        /// The entry name.
        public var name: String
        /// The cluster entry it uses.
        public var cluster: String
        /// The user entry it uses.
        public var user: String
        /// The default namespace.
        public var namespace: String?
    }

    /// The file it came from (for messages and relative paths).
    public var path: String
    public var clusters: [Cluster]
    public var users: [User]
    public var contexts: [Context]
    public var currentContext: String?

    /// Reads and parses a kubeconfig file.
    /// - Throws: ``KubeconfigError`` with the path and the field path.
    public static func load(path: String) throws -> Kubeconfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeconfigError(path: path, field: nil, "the file does not exist or cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeconfigError(path: path, field: nil, "the file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses kubeconfig text; `path` is used in messages and to resolve relative file references.
    public static func parse(_ text: String, path: String) throws -> Kubeconfig {
        let documents: [JSONValue]
        do {
            documents = try YAML.decodeDocuments(text)
        } catch {
            throw KubeconfigError(path: path, field: nil, "not valid YAML: \(error)")
        }
        guard documents.count <= 1 else {
            throw KubeconfigError(path: path, field: nil, "expected one YAML document, found \(documents.count)")
        }
        let root = documents.first ?? .object([:])
        guard case .object = root else { throw KubeconfigError(path: path, field: nil, "the top level is not a mapping") }
        let reader = FieldReader(path: path)
        var config = Kubeconfig(path: path, clusters: [], users: [], contexts: [], currentContext: nil)
        config.currentContext = try reader.string(root, "current-context", at: "")
        if config.currentContext?.isEmpty == true { config.currentContext = nil }
        for (index, entry) in try reader.list(root, "clusters").enumerated() {
            let at = "clusters[\(index)]"
            let name = try reader.required(entry, "name", at: at)
            let at2 = "clusters[\(index)].cluster"
            guard let body = entry["cluster"], case .object = body else {
                throw KubeconfigError(path: path, field: at2, "missing or not a mapping (cluster \"\(name)\")")
            }
            let server = try reader.required(body, "server", at: at2)
            config.clusters.append(
                Cluster(
                    name: name,
                    server: server,
                    certificateAuthority: try reader.string(body, "certificate-authority", at: at2),
                    certificateAuthorityData: try reader.string(body, "certificate-authority-data", at: at2),
                    insecureSkipTLSVerify: try reader.bool(body, "insecure-skip-tls-verify", at: at2) ?? false,
                    tlsServerName: try reader.string(body, "tls-server-name", at: at2)
                )
            )
        }
        for (index, entry) in try reader.list(root, "users").enumerated() {
            let at = "users[\(index)]"
            let name = try reader.required(entry, "name", at: at)
            let at2 = "users[\(index)].user"
            let body = entry["user"] ?? .object([:])
            guard case .object = body else {
                throw KubeconfigError(path: path, field: at2, "not a mapping (user \"\(name)\")")
            }
            var user = User(
                name: name,
                token: try reader.string(body, "token", at: at2),
                tokenFile: try reader.string(body, "tokenFile", at: at2),
                clientCertificate: try reader.string(body, "client-certificate", at: at2),
                clientCertificateData: try reader.string(body, "client-certificate-data", at: at2),
                clientKey: try reader.string(body, "client-key", at: at2),
                clientKeyData: try reader.string(body, "client-key-data", at: at2),
                exec: nil
            )
            if let exec = body["exec"], exec != .null {
                let at3 = at2 + ".exec"
                guard case .object = exec else { throw KubeconfigError(path: path, field: at3, "not a mapping") }
                var args: [String] = []
                for (i, arg) in try reader.list(exec, "args", at: at3).enumerated() {
                    guard let text = arg.scalarText else {
                        throw KubeconfigError(path: path, field: "\(at3).args[\(i)]", "not a string")
                    }
                    args.append(text)
                }
                var env: [ExecConfig.Pair] = []
                for (i, pair) in try reader.list(exec, "env", at: at3).enumerated() {
                    let at4 = "\(at3).env[\(i)]"
                    env.append(
                        ExecConfig.Pair(
                            name: try reader.required(pair, "name", at: at4),
                            value: try reader.string(pair, "value", at: at4) ?? ""
                        )
                    )
                }
                user.exec = ExecConfig(
                    command: try reader.required(exec, "command", at: at3),
                    args: args,
                    env: env,
                    apiVersion: try reader.required(exec, "apiVersion", at: at3),
                    interactiveMode: try reader.string(exec, "interactiveMode", at: at3)
                )
            }
            config.users.append(user)
        }
        for (index, entry) in try reader.list(root, "contexts").enumerated() {
            let at = "contexts[\(index)]"
            let name = try reader.required(entry, "name", at: at)
            let at2 = "contexts[\(index)].context"
            guard let body = entry["context"], case .object = body else {
                throw KubeconfigError(path: path, field: at2, "missing or not a mapping (context \"\(name)\")")
            }
            config.contexts.append(
                Context(
                    name: name,
                    cluster: try reader.required(body, "cluster", at: at2),
                    user: try reader.string(body, "user", at: at2) ?? "",
                    namespace: try reader.string(body, "namespace", at: at2)
                )
            )
        }
        return config
    }

    /// The cluster, user and default namespace of `context` (or the current context).
    /// - Throws: ``KubeconfigError`` when the context, its cluster or its user is not defined.
    public func resolve(context name: String? = nil) throws -> (cluster: Cluster, user: User?, namespace: String?) {
        guard let contextName = name ?? currentContext else {
            throw KubeconfigError(
                path: path,
                field: "current-context",
                "no context chosen and current-context is not set; pass a context"
            )
        }
        guard let context = contexts.first(where: { $0.name == contextName }) else {
            throw KubeconfigError(path: path, field: "contexts", "no context named \"\(contextName)\"")
        }
        guard let cluster = clusters.first(where: { $0.name == context.cluster }) else {
            throw KubeconfigError(
                path: path,
                field: "clusters",
                "context \"\(contextName)\" names cluster \"\(context.cluster)\", which is not defined"
            )
        }
        var user: User?
        if !context.user.isEmpty {
            guard let found = users.first(where: { $0.name == context.user }) else {
                throw KubeconfigError(
                    path: path,
                    field: "users",
                    "context \"\(contextName)\" names user \"\(context.user)\", which is not defined"
                )
            }
            user = found
        }
        return (cluster, user, context.namespace)
    }

    /// `relative` resolved against the kubeconfig's directory, as kubectl does for file references.
    public func filePath(_ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? relative : directory + "/" + relative
    }

    /// The default kubeconfig path: the first entry of `$KUBECONFIG`, else `~/.kube/config`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let list = environment["KUBECONFIG"],
            let first = list.split(separator: ":", omittingEmptySubsequences: true).first
        {
            return String(first)
        }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"
    }
}

/// A kubeconfig that cannot be used: the file, the field path and what is wrong.
public struct KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The field path, e.g. `users[0].user.exec.command`.
    public var field: String?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(path: String, field: String?, _ message: String) {
        self.path = path
        self.field = field
        self.message = message
    }

    /// `kubeconfig /path: users[0].user.exec: message`.
    public var description: String {
        "kubeconfig \(path): " + (field.map { "\($0): " } ?? "") + message
    }
}

/// Typed access to unstructured kubeconfig fields, failing with the field path.
private struct FieldReader {
    let path: String

    func list(_ value: JSONValue, _ key: String, at parent: String = "") throws -> [JSONValue] {
        let field = parent.isEmpty ? key : "\(parent).\(key)"
        switch value[key] {
        case nil, .null?: return []
        case .array(let items)?:
            return items
        default:
            throw KubeconfigError(path: path, field: field, "expected a list")
        }
    }

    func string(_ value: JSONValue, _ key: String, at parent: String) throws -> String? {
        let field = parent.isEmpty ? key : "\(parent).\(key)"
        switch value[key] {
        case nil, .null?: return nil
        case let scalar?:
            guard let text = scalar.scalarText else { throw KubeconfigError(path: path, field: field, "expected a string") }
            return text
        }
    }

    func required(_ value: JSONValue, _ key: String, at parent: String) throws -> String {
        guard case .object = value else { throw KubeconfigError(path: path, field: parent, "expected a mapping") }
        guard let text = try string(value, key, at: parent), !text.isEmpty else {
            throw KubeconfigError(path: path, field: parent.isEmpty ? key : "\(parent).\(key)", "required but missing")
        }
        return text
    }

    func bool(_ value: JSONValue, _ key: String, at parent: String) throws -> Bool? {
        switch value[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw KubeconfigError(path: path, field: "\(parent).\(key)", "expected true or false")
        }
    }
}

extension JSONValue {
    /// A scalar as text (strings, numbers, booleans); `nil` for lists, maps and null.
    var scalarText: String? {
        switch self {
        case .string(let text): return text
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .bool(let value): return String(value)
        default: return nil
        }
    }
}
