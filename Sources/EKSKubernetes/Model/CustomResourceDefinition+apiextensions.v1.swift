import EKSAWS

extension apiextensions.v1 {
    /// A CustomResourceDefinition: enough to read names, versions, schemas and conditions.
    public struct CustomResourceDefinition: KubernetesObject {
        /// `apiextensions.k8s.io/v1`.
        public static var apiVersion: String { "apiextensions.k8s.io/v1" }
        /// `CustomResourceDefinition`.
        public static var kind: String { "CustomResourceDefinition" }
        /// `apiextensions.k8s.io/v1`.
        public private(set) var apiVersion: String = "apiextensions.k8s.io/v1"
        /// `CustomResourceDefinition`.
        public private(set) var kind: String = "CustomResourceDefinition"
        /// Metadata (name is `<plural>.<group>`).
        public var metadata: meta.v1.ObjectMeta
        /// The definition.
        public var spec: Spec
        /// Server-reported status.
        public var status: Status?

        /// Creates a CRD.
        public init(metadata: meta.v1.ObjectMeta, spec: Spec, status: Status? = nil) {
            self.metadata = metadata
            self.spec = spec
            self.status = status
        }

        /// The version marked `storage: true`, else the first served one.
        public var storageVersion: Version? {
            spec.versions.first(where: { $0.storage == true }) ?? spec.versions.first(where: { $0.served == true })
        }

        /// The definition.
        public struct Spec: Codable, Sendable, Equatable {
            /// The API group.
            public var group: String
            public var names: Names
            /// `Namespaced` or `Cluster`.
            public var scope: String
            public var versions: [Version]

            /// Creates a spec.
            public init(group: String, names: Names, scope: String, versions: [Version]) {
                self.group = group
                self.names = names
                self.scope = scope
                self.versions = versions
            }
        }

        /// Resource names.
        public struct Names: Codable, Sendable, Equatable {
            public var kind: String
            /// The plural resource name.
            public var plural: String
            /// The singular name.
            public var singular: String?
            public var listKind: String?
            public var shortNames: [String]?
            /// Categories (e.g. `all`).
            public var categories: [String]?

            /// Creates names.
            public init(
                kind: String,
                plural: String,
                singular: String? = nil,
                listKind: String? = nil,
                shortNames: [String]? = nil,
                categories: [String]? = nil
            ) {
                self.kind = kind
                self.plural = plural
                self.singular = singular
                self.listKind = listKind
                self.shortNames = shortNames
                self.categories = categories
            }
        }

        /// One served version.
        public struct Version: Codable, Sendable, Equatable {
            /// The version name, e.g. `v1`.
            public var name: String
            /// Whether the version is served.
            public var served: Bool
            /// Whether this is the storage version.
            public var storage: Bool
            public var schema: Schema?
            /// Subresources (kept unstructured).
            public var subresources: JSONValue?

            /// Creates a version.
            public init(name: String, served: Bool, storage: Bool, schema: Schema? = nil, subresources: JSONValue? = nil) {
                self.name = name
                self.served = served
                self.storage = storage
                self.schema = schema
                self.subresources = subresources
            }
        }

        /// A version's validation schema.
        public struct Schema: Codable, Sendable, Equatable {
            /// The OpenAPI v3 schema, unstructured.
            public var openAPIV3Schema: JSONValue

            /// Creates a schema.
            public init(openAPIV3Schema: JSONValue) { self.openAPIV3Schema = openAPIV3Schema }
        }

        /// Server-reported status.
        public struct Status: Codable, Sendable, Equatable {
            /// Conditions such as `Established` and `NamesAccepted`.
            public var conditions: [meta.v1.Condition]?
            /// The names the server accepted.
            public var acceptedNames: Names?
            /// Versions that were ever stored.
            public var storedVersions: [String]?

            /// Creates a status.
            public init(conditions: [meta.v1.Condition]? = nil, acceptedNames: Names? = nil, storedVersions: [String]? = nil) {
                self.conditions = conditions
                self.acceptedNames = acceptedNames
                self.storedVersions = storedVersions
            }
        }
    }
}
