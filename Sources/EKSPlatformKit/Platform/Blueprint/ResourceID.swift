import EKSAWS
import EKSKubernetes

/// The kind of a resource the platform owns.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// An EC2 VPC.
    case vpc
    /// An EC2 subnet.
    case subnet
    /// An EC2 internet gateway.
    case internetGateway
    /// An EC2 Elastic IP (for a NAT gateway).
    case elasticIP
    /// An EC2 NAT gateway.
    case natGateway
    /// An EC2 route table (with its routes and subnet associations).
    case routeTable
    /// An EC2 security group.
    case securityGroup
    /// An IAM role (with its managed policy attachments and inline policies).
    case iamRole
    /// The EKS cluster.
    case cluster
    /// An EKS access entry (with its policy associations).
    case accessEntry
    /// An EKS managed node group.
    case nodeGroup
    /// An EKS add-on.
    case addon
    /// An EKS Pod Identity association.
    case podIdentityAssociation
    /// An SQS queue (with its policy).
    case sqsQueue
    /// An EventBridge rule (with its target).
    case eventRule
    /// A Kubernetes object applied by the engine (Flux install, Git credentials, sync objects, `platform-vars`).
    case kubernetesObject

    /// Orders kinds by declaration order.
    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool {
        let order = allCases
        return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
    }
}

/// The logical identity of a platform resource: its kind and a name that is unique within the kind.
///
/// EC2 resources carry it in the `eksplatform.io/resource` tag, so that rediscovery by tags maps every observed
/// resource back to exactly one desired one.
public struct ResourceID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The kind.
    public var kind: ResourceKind
    /// The name within the kind, e.g. `private-us-west-2a`.
    public var name: String

    /// Creates an identity.
    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `kind/name`, e.g. `subnet/private-us-west-2a`.
    public var description: String { "\(kind.rawValue)/\(name)" }

    /// Parses `kind/name`; `nil` when the kind is unknown.
    public init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/"), let kind = ResourceKind(rawValue: String(text[..<slash])) else {
            return nil
        }
        self.init(kind, String(text[text.index(after: slash)...]))
    }

    /// Orders by kind, then name.
    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool {
        lhs.kind == rhs.kind ? lhs.name < rhs.name : lhs.kind < rhs.kind
    }
}
