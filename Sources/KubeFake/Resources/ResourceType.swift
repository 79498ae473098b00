/// One REST resource the fake serves: where it lives, what it is called and how its lists merge.
public struct ResourceType: Sendable, Hashable {
    /// API group; empty for the core group.
    public var group: String
    /// API version, e.g. `v1`.
    public var version: String
    /// Plural resource name used in URLs, e.g. `deployments`.
    public var plural: String
    /// Singular name, e.g. `deployment`.
    public var singular: String
    /// Kind, e.g. `Deployment`.
    public var kind: String
    /// Whether objects live in namespaces.
    public var namespaced: Bool
    /// kubectl short names, e.g. `deploy`.
    public var shortNames: [String]
    /// Discovery categories, e.g. `all`.
    public var categories: [String]
    /// Whether a `/status` subresource splits status writes from the rest.
    public var hasStatusSubresource: Bool
    /// The `openAPIV3Schema` of a custom resource version; `nil` for built-ins.
    public var schema: KubeFakeJSON?
    /// Whether this type comes from a CustomResourceDefinition.
    public var isCustom: Bool

    /// Creates a resource type.
    public init(
        group: String,
        version: String,
        plural: String,
        singular: String,
        kind: String,
        namespaced: Bool,
        shortNames: [String] = [],
        categories: [String] = [],
        hasStatusSubresource: Bool = false,
        schema: KubeFakeJSON? = nil,
        isCustom: Bool = false
    ) {
        self.group = group
        self.version = version
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.hasStatusSubresource = hasStatusSubresource
        self.schema = schema
        self.isCustom = isCustom
    }

    /// `v1` or `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `plural` or `plural.group`, as used in error messages.
    public var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// Identity of the stored objects across versions of the same resource.
    var storageKey: String { groupResource }

    /// The verbs discovery advertises.
    static let verbs: [KubeFakeJSON] = ["create", "delete", "get", "list", "patch", "update", "watch"]

    /// Keys of the associative list at `path` (field names, with `[]` for "inside a list item"), or `nil`
    /// when the list is atomic.
    func listMapKeys(at path: [String], items: [KubeFakeJSON]) -> [String]? {
        if isCustom { return customListMapKeys(at: path) }
        guard let last = path.last else { return nil }
        switch last {
        case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets":
            return ["name"]
        case "volumeMounts":
            return ["mountPath"]
        case "ports":
            if kind == "Service" && path == ["spec", "ports"] { return ["port", "protocol"] }
            if path.dropLast().last == "[]" { return ["containerPort", "protocol"] }
            return nil
        case "conditions":
            return ["type"]
        case "ownerReferences":
            return ["uid"]
        default:
            return nil
        }
    }

    /// Default values the apiserver fills into list keys before matching (`protocol: TCP`).
    static func defaultedKey(_ key: String, in item: KubeFakeJSON) -> KubeFakeJSON? {
        if let v = item[key] { return v }
        if key == "protocol" { return "TCP" }
        return nil
    }

    private func customListMapKeys(at path: [String]) -> [String]? {
        guard var node = schema else { return nil }
        for element in path {
            if element == "[]" {
                guard let items = node["items"] else { return nil }
                node = items
            } else if let next = node["properties"]?[element] {
                node = next
            } else if let additional = node["additionalProperties"], additional.objectValue != nil {
                node = additional
            } else {
                return nil
            }
        }
        guard node["x-kubernetes-list-type"]?.stringValue == "map" else { return nil }
        let keys = node["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return keys.isEmpty ? nil : keys
    }
}

extension ResourceType {
    /// The built-in resources every fake serves.
    public static let builtIns: [ResourceType] = [
        ResourceType(
            group: "",
            version: "v1",
            plural: "namespaces",
            singular: "namespace",
            kind: "Namespace",
            namespaced: false,
            shortNames: ["ns"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "",
            version: "v1",
            plural: "configmaps",
            singular: "configmap",
            kind: "ConfigMap",
            namespaced: true,
            shortNames: ["cm"]
        ),
        ResourceType(
            group: "",
            version: "v1",
            plural: "secrets",
            singular: "secret",
            kind: "Secret",
            namespaced: true
        ),
        ResourceType(
            group: "",
            version: "v1",
            plural: "serviceaccounts",
            singular: "serviceaccount",
            kind: "ServiceAccount",
            namespaced: true,
            shortNames: ["sa"]
        ),
        ResourceType(
            group: "",
            version: "v1",
            plural: "pods",
            singular: "pod",
            kind: "Pod",
            namespaced: true,
            shortNames: ["po"],
            categories: ["all"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "",
            version: "v1",
            plural: "services",
            singular: "service",
            kind: "Service",
            namespaced: true,
            shortNames: ["svc"],
            categories: ["all"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "",
            version: "v1",
            plural: "nodes",
            singular: "node",
            kind: "Node",
            namespaced: false,
            shortNames: ["no"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "",
            version: "v1",
            plural: "events",
            singular: "event",
            kind: "Event",
            namespaced: true,
            shortNames: ["ev"]
        ),
        ResourceType(
            group: "",
            version: "v1",
            plural: "resourcequotas",
            singular: "resourcequota",
            kind: "ResourceQuota",
            namespaced: true,
            shortNames: ["quota"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "apps",
            version: "v1",
            plural: "deployments",
            singular: "deployment",
            kind: "Deployment",
            namespaced: true,
            shortNames: ["deploy"],
            categories: ["all"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "apps",
            version: "v1",
            plural: "replicasets",
            singular: "replicaset",
            kind: "ReplicaSet",
            namespaced: true,
            shortNames: ["rs"],
            categories: ["all"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "apps",
            version: "v1",
            plural: "daemonsets",
            singular: "daemonset",
            kind: "DaemonSet",
            namespaced: true,
            shortNames: ["ds"],
            categories: ["all"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "apps",
            version: "v1",
            plural: "statefulsets",
            singular: "statefulset",
            kind: "StatefulSet",
            namespaced: true,
            shortNames: ["sts"],
            categories: ["all"],
            hasStatusSubresource: true
        ),
        // RBAC and disruption budgets: what Helm charts (Karpenter's) and Flux's install manifest create.
        ResourceType(
            group: "rbac.authorization.k8s.io",
            version: "v1",
            plural: "clusterroles",
            singular: "clusterrole",
            kind: "ClusterRole",
            namespaced: false
        ),
        ResourceType(
            group: "rbac.authorization.k8s.io",
            version: "v1",
            plural: "clusterrolebindings",
            singular: "clusterrolebinding",
            kind: "ClusterRoleBinding",
            namespaced: false
        ),
        ResourceType(
            group: "rbac.authorization.k8s.io",
            version: "v1",
            plural: "roles",
            singular: "role",
            kind: "Role",
            namespaced: true
        ),
        ResourceType(
            group: "rbac.authorization.k8s.io",
            version: "v1",
            plural: "rolebindings",
            singular: "rolebinding",
            kind: "RoleBinding",
            namespaced: true
        ),
        ResourceType(
            group: "policy",
            version: "v1",
            plural: "poddisruptionbudgets",
            singular: "poddisruptionbudget",
            kind: "PodDisruptionBudget",
            namespaced: true,
            shortNames: ["pdb"],
            hasStatusSubresource: true
        ),
        ResourceType(
            group: "networking.k8s.io",
            version: "v1",
            plural: "networkpolicies",
            singular: "networkpolicy",
            kind: "NetworkPolicy",
            namespaced: true,
            shortNames: ["netpol"]
        ),
        ResourceType(
            group: "apiextensions.k8s.io",
            version: "v1",
            plural: "customresourcedefinitions",
            singular: "customresourcedefinition",
            kind: "CustomResourceDefinition",
            namespaced: false,
            shortNames: ["crd", "crds"],
            hasStatusSubresource: true
        ),
    ]
}
