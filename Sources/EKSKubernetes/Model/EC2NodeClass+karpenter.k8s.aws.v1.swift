import EKSAWS

extension karpenterAWS.v1 {
    /// Karpenter's AWS node class: how to launch EC2 instances (AMI, role, subnets, security groups).
    public struct EC2NodeClass: KubernetesObject {
        /// `karpenter.k8s.aws/v1`.
        public static var apiVersion: String { "karpenter.k8s.aws/v1" }
        /// `EC2NodeClass`.
        public static var kind: String { "EC2NodeClass" }
        /// `karpenter.k8s.aws/v1`.
        public private(set) var apiVersion: String = "karpenter.k8s.aws/v1"
        /// `EC2NodeClass`.
        public private(set) var kind: String = "EC2NodeClass"
        /// Metadata (cluster-scoped: no namespace).
        public var metadata: meta.v1.ObjectMeta
        /// The node class.
        public var spec: Spec

        /// Creates an EC2NodeClass.
        public init(metadata: meta.v1.ObjectMeta, spec: Spec) {
            self.metadata = metadata
            self.spec = spec
        }

        /// The node class; exactly one of `role` and `instanceProfile` must be set.
        public struct Spec: Codable, Sendable, Equatable {
            /// The IAM role **name** for nodes (Karpenter manages the instance profile).
            public var role: String?
            /// A pre-provisioned instance profile name.
            public var instanceProfile: String?
            /// AMI selection (e.g. one `alias` term: `al2023@latest`).
            public var amiSelectorTerms: [AMISelectorTerm]
            /// Subnet selection.
            public var subnetSelectorTerms: [SelectorTerm]
            /// Security group selection.
            public var securityGroupSelectorTerms: [SelectorTerm]
            /// Tags for launched resources.
            public var tags: SortedMap<String>?
            /// IMDS options.
            public var metadataOptions: MetadataOptions?

            /// Creates a spec.
            public init(
                role: String? = nil,
                instanceProfile: String? = nil,
                amiSelectorTerms: [AMISelectorTerm],
                subnetSelectorTerms: [SelectorTerm],
                securityGroupSelectorTerms: [SelectorTerm],
                tags: SortedMap<String>? = nil,
                metadataOptions: MetadataOptions? = nil
            ) {
                self.role = role
                self.instanceProfile = instanceProfile
                self.amiSelectorTerms = amiSelectorTerms
                self.subnetSelectorTerms = subnetSelectorTerms
                self.securityGroupSelectorTerms = securityGroupSelectorTerms
                self.tags = tags
                self.metadataOptions = metadataOptions
            }
        }

        /// One AMI selector term.
        public struct AMISelectorTerm: Codable, Sendable, Equatable {
            /// `family@version`, e.g. `al2023@latest`; exclusive with the other fields.
            public var alias: String?
            /// By tags.
            public var tags: SortedMap<String>?
            /// By id.
            public var id: String?
            /// By name.
            public var name: String?
            /// By owner.
            public var owner: String?

            /// Creates a term.
            public init(
                alias: String? = nil,
                tags: SortedMap<String>? = nil,
                id: String? = nil,
                name: String? = nil,
                owner: String? = nil
            ) {
                self.alias = alias
                self.tags = tags
                self.id = id
                self.name = name
                self.owner = owner
            }
        }

        /// A subnet or security-group selector term (by tags, id or name).
        public struct SelectorTerm: Codable, Sendable, Equatable {
            /// By tags (ANDed).
            public var tags: SortedMap<String>?
            /// By id.
            public var id: String?
            /// By name (security groups only).
            public var name: String?

            /// Creates a term.
            public init(tags: SortedMap<String>? = nil, id: String? = nil, name: String? = nil) {
                self.tags = tags
                self.id = id
                self.name = name
            }
        }

        /// Instance metadata service options.
        public struct MetadataOptions: Codable, Sendable, Equatable {
            /// `enabled` or `disabled`.
            public var httpEndpoint: String?
            /// `enabled` or `disabled`.
            public var httpProtocolIPv6: String?
            /// Hop limit (1 keeps pods from reaching IMDS).
            public var httpPutResponseHopLimit: Int?
            /// `required` (IMDSv2) or `optional`.
            public var httpTokens: String?

            /// Creates options.
            public init(
                httpEndpoint: String? = nil,
                httpProtocolIPv6: String? = nil,
                httpPutResponseHopLimit: Int? = nil,
                httpTokens: String? = nil
            ) {
                self.httpEndpoint = httpEndpoint
                self.httpProtocolIPv6 = httpProtocolIPv6
                self.httpPutResponseHopLimit = httpPutResponseHopLimit
                self.httpTokens = httpTokens
            }
        }
    }
}
