import EKSAWS
import EKSKubernetes

/// A resource as it exists in AWS (or the cluster), found by the platform's tags or names.
public struct ObservedResource: Sendable, Equatable {
    /// The logical identity (from the `eksplatform.io/resource` tag or the resource's name).
    public var id: ResourceID
    /// The physical id (`vpc-…`, role name, cluster name, queue URL …).
    public var physicalID: String
    /// The observed properties, keyed like ``ResourceSpecification/properties(in:)``; a key the observer cannot
    /// see (or skipped because of a matching record) is left out and then not compared.
    public var properties: ResourceProperties
    /// The tags it carries.
    public var tags: [String: String]
    /// A lifecycle status where the API has one (`ACTIVE`, `CREATING`, `available` …).
    public var status: String?
    /// Whether ``tags`` were read (`false` when the reads were skipped because of a matching ``AppliedRecord``).
    public var tagsRead: Bool
    /// What platformctl's ``AppliedRecord`` for the resource said.
    public var record: Record

    /// The state of a resource's ``AppliedRecord``.
    public enum Record: Sendable, Equatable {
        /// The kind keeps no record, or the observation ignored records (a full refresh).
        case notApplicable
        /// The record equals the digest of the desired state: the per-resource reads were skipped, and only the
        /// properties present were compared.
        case matched
        /// The record is missing or differs: the resource was read in full; the next apply records it again.
        case stale
    }

    /// Creates an observed resource.
    public init(
        id: ResourceID,
        physicalID: String,
        properties: ResourceProperties = [:],
        tags: [String: String] = [:],
        status: String? = nil,
        tagsRead: Bool = true,
        record: Record = .notApplicable
    ) {
        self.id = id
        self.physicalID = physicalID
        self.properties = properties
        self.tags = tags
        self.status = status
        self.tagsRead = tagsRead
        self.record = record
    }
}

/// Everything an observation found: the run-time context, the region's zones and the owned resources.
public struct ObservedState: Sendable, Equatable {
    /// Account, partition and region.
    public var context: PlatformContext
    /// The region's available zone names.
    public var availableZones: [String]
    /// Owned resources found by tags or names.
    public var resources: [ObservedResource]
    /// The cluster's API endpoint, once the cluster exists.
    public var clusterEndpoint: String?
    /// With `network.existing`: the subnets it lists that EC2 knows, and the route tables of its VPC (the plan-time
    /// checks of ``PlanRefusal`` read them); `nil` otherwise.
    public var existingNetwork: ExistingNetworkFacts?

    /// What EC2 says about the subnets and VPC of `network.existing`.
    public struct ExistingNetworkFacts: Sendable, Equatable {
        /// The listed subnets that exist (an unknown id is missing here).
        public var subnets: [EC2Subnet]
        /// Every route table of the given VPC.
        public var routeTables: [EC2RouteTable]

        /// Creates the facts.
        public init(subnets: [EC2Subnet], routeTables: [EC2RouteTable]) {
            self.subnets = subnets
            self.routeTables = routeTables
        }
    }

    /// Creates an observed state.
    public init(
        context: PlatformContext,
        availableZones: [String],
        resources: [ObservedResource],
        clusterEndpoint: String? = nil,
        existingNetwork: ExistingNetworkFacts? = nil
    ) {
        self.context = context
        self.availableZones = availableZones
        self.resources = resources
        self.clusterEndpoint = clusterEndpoint
        self.existingNetwork = existingNetwork
    }

    /// The observed resource with `id`, if any.
    public func resource(_ id: ResourceID) -> ObservedResource? { resources.first { $0.id == id } }
}

/// Reads the current state of a platform. The real implementation uses batched, tag-filtered Describe/List calls
/// (one `DescribeVpcs`, one `DescribeSubnets` … each filtered by `tag:eksplatform.io/cluster`, not one call per
/// resource) and Kubernetes reads; tests use a fake with a fixed state.
public protocol PlatformObserver: Sendable {
    /// Observes the platform `config` describes.
    func observe(_ config: PlatformConfig) async throws -> ObservedState
}
