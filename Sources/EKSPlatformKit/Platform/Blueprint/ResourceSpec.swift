import EKSAWS
import EKSKubernetes

/// The typed specification of a desired resource.
///
/// ``properties(in:)`` flattens it into the comparable `key → value` form that the planner diffs against what the
/// observer reports for the same resource; values that contain the account id are only built with a
/// ``PlatformContext`` at run time.
public enum ResourceSpec: Sendable, Equatable {
    /// A VPC.
    case vpc(VPC)
    /// A subnet.
    case subnet(Subnet)
    /// An internet gateway attached to a VPC.
    case internetGateway(InternetGateway)
    /// An Elastic IP for a NAT gateway.
    case elasticIP
    /// A NAT gateway.
    case natGateway(NATGateway)
    /// A route table with routes and subnet associations.
    case routeTable(RouteTable)
    /// A security group.
    case securityGroup(SecurityGroup)
    /// An IAM role.
    case iamRole(IAMRole)
    /// The EKS cluster.
    case cluster(Cluster)
    /// An EKS access entry.
    case accessEntry(AccessEntry)
    /// An EKS managed node group.
    case nodeGroup(NodeGroup)
    /// An EKS add-on.
    case addon(Addon)
    /// An EKS Pod Identity association.
    case podIdentityAssociation(PodIdentityAssociation)
    /// An SQS queue.
    case sqsQueue(Queue)
    /// An EventBridge rule and its target.
    case eventRule(EventRule)

    /// `spec` of a VPC.
    public struct VPC: Sendable, Equatable {
        /// The IPv4 CIDR.
        public var cidr: String
        /// DNS support and hostnames (both required by EKS).
        public var dns: Bool = true
    }

    /// `spec` of a subnet.
    public struct Subnet: Sendable, Equatable {
        /// The VPC.
        public var vpc: ResourceID
        /// The IPv4 CIDR (carved from the VPC CIDR).
        public var cidr: String
        /// The availability zone name.
        public var zone: String
        /// Public subnets map public IPs on launch and route to the internet gateway.
        public var isPublic: Bool
    }

    /// `spec` of an internet gateway.
    public struct InternetGateway: Sendable, Equatable {
        /// The VPC it is attached to.
        public var vpc: ResourceID
    }

    /// `spec` of a NAT gateway.
    public struct NATGateway: Sendable, Equatable {
        /// The public subnet it lives in.
        public var subnet: ResourceID
        /// Its Elastic IP.
        public var elasticIP: ResourceID
    }

    /// A route: destination CIDR → gateway.
    public struct Route: Sendable, Equatable {
        /// The destination, e.g. `0.0.0.0/0`.
        public var destination: String
        /// The internet or NAT gateway.
        public var target: ResourceID
    }

    /// `spec` of a route table.
    public struct RouteTable: Sendable, Equatable {
        /// The VPC.
        public var vpc: ResourceID
        /// Routes besides the implicit local route.
        public var routes: [Route]
        /// Associated subnets.
        public var subnets: [ResourceID]
    }

    /// `spec` of a security group.
    public struct SecurityGroup: Sendable, Equatable {
        /// The VPC.
        public var vpc: ResourceID
        /// The id of an existing VPC (`network.existing`), used instead of ``vpc``.
        public var existingVPCID: String?
        /// The group name.
        public var groupName: String
        /// The description (immutable in EC2).
        public var description: String
        /// Whether members may reach each other on all protocols and ports.
        public var allowSelf: Bool
    }

    /// `spec` of an IAM role.
    public struct IAMRole: Sendable, Equatable {
        /// The role name.
        public var roleName: String
        /// The trust policy.
        public var trust: PolicyDocument
        /// AWS managed policies by name (the ARN is built with the partition).
        public var managedPolicies: [String]
        /// Inline policies by name.
        public var inlinePolicies: [String: PolicyTemplate]
    }

    /// `spec` of the cluster.
    public struct Cluster: Sendable, Equatable {
        /// The cluster name.
        public var name: String
        /// `1.NN`.
        public var version: String
        /// The cluster IAM role.
        public var role: ResourceID
        /// Subnets for the control plane ENIs.
        public var subnets: [ResourceID]
        /// Existing subnet ids used instead (with `network.existing`).
        public var existingSubnetIDs: [String]
        /// Additional security groups.
        public var securityGroups: [ResourceID]
        /// Public endpoint.
        public var endpointPublic: Bool
        /// Private endpoint.
        public var endpointPrivate: Bool
        /// CIDRs allowed to reach the public endpoint.
        public var publicAccessCIDRs: [String]
        /// `API` (access entries only).
        public var authenticationMode: String
        /// Control plane log types enabled.
        public var logging: [String]
    }

    /// Who an access entry is for.
    public enum AccessPrincipal: Sendable, Equatable {
        /// A role in the cluster's account, by name.
        case roleName(String)
        /// A full ARN.
        case arn(String)
        /// A role the platform creates.
        case role(ResourceID, name: String)
    }

    /// `spec` of an access entry.
    public struct AccessEntry: Sendable, Equatable {
        /// The principal.
        public var principal: AccessPrincipal
        /// `STANDARD` or `EC2_LINUX`.
        public var type: String
        /// Cluster-scoped access policies by name (e.g. `AmazonEKSClusterAdminPolicy`).
        public var accessPolicies: [String]
    }

    /// `spec` of a managed node group.
    public struct NodeGroup: Sendable, Equatable {
        /// The node group name.
        public var name: String
        /// The node IAM role.
        public var role: ResourceID
        /// Subnets.
        public var subnets: [ResourceID]
        /// Existing subnet ids used instead.
        public var existingSubnetIDs: [String]
        /// Instance types.
        public var instanceTypes: [String]
        /// AMI type.
        public var amiType: String
        /// Scaling.
        public var minSize: Int
        /// Scaling.
        public var desiredSize: Int
        /// Scaling.
        public var maxSize: Int
        /// Taints in EKS form.
        public var taints: [SystemTaint.EKSTaint]
        /// Kubernetes labels.
        public var labels: [String: String]
    }

    /// `spec` of an add-on.
    public struct Addon: Sendable, Equatable {
        /// The add-on name.
        public var name: String
        /// `configurationValues` as canonical JSON, or `nil`.
        public var configurationValues: String?
        /// Conflict resolution on create/update.
        public var resolveConflicts: String = "OVERWRITE"
    }

    /// `spec` of a Pod Identity association.
    public struct PodIdentityAssociation: Sendable, Equatable {
        /// The namespace.
        public var namespace: String
        /// The service account.
        public var serviceAccount: String
        /// The role.
        public var role: ResourceID
        /// The role name.
        public var roleName: String
    }

    /// `spec` of an SQS queue.
    public struct Queue: Sendable, Equatable {
        /// The queue name.
        public var queueName: String
        /// `MessageRetentionPeriod` in seconds.
        public var messageRetentionSeconds: Int
        /// `SqsManagedSseEnabled`.
        public var sqsManagedSSE: Bool
        /// The queue policy.
        public var policy: PolicyTemplate
    }

    /// `spec` of an EventBridge rule and its SQS target.
    public struct EventRule: Sendable, Equatable {
        /// The rule name.
        public var ruleName: String
        /// The event pattern (canonical JSON).
        public var eventPattern: String
        /// The target id.
        public var targetID: String
        /// The queue the rule targets.
        public var queue: ResourceID
        /// The queue name.
        public var queueName: String
    }
}
