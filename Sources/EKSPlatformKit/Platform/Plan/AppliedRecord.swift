import EKSAWS
import EKSKubernetes

/// platformctl's record of what it last applied to a resource whose full state costs extra reads to observe.
///
/// Most of the platform is observed with batched calls that return everything the planner compares (one
/// `DescribeRouteTables` for all route tables, one `DescribeNodegroup` per node group). A few kinds need one or more
/// extra calls per resource to read in full: a VPC's DNS attributes (one `DescribeVpcAttribute` each), a role's
/// attached and inline policies, an add-on's configuration, an
/// access entry's policies, a Pod Identity association's role, an EventBridge rule's target and tags. For those, the
/// step that creates or updates the resource ends by writing a digest of the desired state it just applied to a tag
/// that a call the observer makes anyway returns:
///
/// | kind | the record lives on | tag key |
/// |---|---|---|
/// | VPC (its DNS attributes) | the VPC itself (`DescribeVpcs` returns its tags) | `eksplatform.io/applied` |
/// | IAM role | the role itself (`GetRole` returns its tags) | `eksplatform.io/applied` |
/// | add-on, access entry, Pod Identity association | the cluster (`DescribeCluster`) | `eksplatform.io/applied/<id>` |
/// | EventBridge rule | the interruption queue (`ListQueueTags`) | `eksplatform.io/applied/<id>` |
///
/// The observer still lists these resources (a deleted one is seen as missing), but when the record equals the
/// digest of what platform.yaml asks for now it skips the per-resource reads. A record is written only after the
/// step has fully succeeded, so an interrupted run leaves the old or no record, and the next plan reads the resource
/// in full. Changes made outside platformctl to the recorded parts are seen with a full refresh
/// (`platformctl plan --full-refresh`), which ignores the records.
package enum AppliedRecord {
    /// The tag prefix of records.
    package static let tagPrefix = "eksplatform.io/applied"

    /// Where a kind's record is kept.
    package enum Holder: Sendable, Equatable {
        /// On the resource itself, under ``tagPrefix``.
        case itself
        /// On the EKS cluster, under `tagPrefix/<id>`.
        case cluster
        /// On the interruption queue, under `tagPrefix/<id>`.
        case queue
    }

    /// The holder of `kind`'s record, or `nil` when the kind is observed in full by batched calls (each kind's
    /// file says which).
    package static func holder(of kind: ResourceKind) -> Holder? {
        ResourceKinds.type(of: kind)?.recordHolder
    }

    /// The tag key of `id`'s record on its holder.
    package static func tagKey(for id: ResourceID) -> String {
        holder(of: id.kind) == .itself ? tagPrefix : "\(tagPrefix)/\(id.description)"
    }

    /// The digest of `resource`'s desired state in `context`: its comparable properties and its tags, canonical
    /// (`key=value` lines in key order) and hashed to 20 hex characters.
    package static func digest(of resource: DesiredResource, in context: PlatformContext) -> String {
        let properties = resource.spec.properties(in: context)
        var lines = properties.keys.sorted().map { "\($0)=\(properties[$0] ?? "")" }
        lines += resource.tags.keys.sorted().map { "tag:\($0)=\(resource.tags[$0] ?? "")" }
        return StableNames.hash([lines.joined(separator: "\n")], length: 20)
    }
}
