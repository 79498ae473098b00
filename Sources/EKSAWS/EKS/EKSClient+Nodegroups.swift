import Foundation

extension EKSClient {
    /// `CreateNodegroup`.
    public func createNodegroup(clusterName: String, _ request: EKSCreateNodegroupRequest) async throws -> EKSNodegroup {
        var body = request
        if body.clientRequestToken == nil { body.clientRequestToken = Self.token() }
        let out: NodegroupOutput = try await send(
            "CreateNodegroup",
            "POST",
            "/clusters/\(Self.segment(clusterName))/node-groups",
            body: body
        )
        return out.nodegroup
    }

    /// `DescribeNodegroup`.
    public func describeNodegroup(clusterName: String, nodegroupName: String) async throws -> EKSNodegroup {
        let out: NodegroupOutput = try await send(
            "DescribeNodegroup",
            "GET",
            "/clusters/\(Self.segment(clusterName))/node-groups/\(Self.segment(nodegroupName))"
        )
        return out.nodegroup
    }

    /// `ListNodegroups` as pages.
    public func listNodegroupsPages(clusterName: String, maxResults: Int? = nil) -> AWSPaginator<String> {
        AWSPaginator(operation: "ListNodegroups") { token in
            let out: NamesOutput = try await send(
                "ListNodegroups",
                "GET",
                "/clusters/\(Self.segment(clusterName))/node-groups",
                query: Self.pageQuery(maxResults, token)
            )
            return AWSPage(items: out.names, nextToken: out.nextToken)
        }
    }

    /// `ListNodegroups`, all pages.
    public func listNodegroups(clusterName: String) async throws -> [String] {
        try await listNodegroupsPages(clusterName: clusterName).allItems()
    }

    /// `DeleteNodegroup`.
    @discardableResult
    public func deleteNodegroup(clusterName: String, nodegroupName: String) async throws -> EKSNodegroup {
        let out: NodegroupOutput = try await send(
            "DeleteNodegroup",
            "DELETE",
            "/clusters/\(Self.segment(clusterName))/node-groups/\(Self.segment(nodegroupName))"
        )
        return out.nodegroup
    }

    /// `UpdateNodegroupConfig`: taints, labels and scaling.
    public func updateNodegroupConfig(
        clusterName: String,
        nodegroupName: String,
        _ update: EKSNodegroupConfigUpdate
    ) async throws -> EKSUpdate {
        var body = update
        if body.clientRequestToken == nil { body.clientRequestToken = Self.token() }
        let out: UpdateOutput = try await send(
            "UpdateNodegroupConfig",
            "POST",
            "/clusters/\(Self.segment(clusterName))/node-groups/\(Self.segment(nodegroupName))/update-config",
            body: body
        )
        return out.update
    }

    /// `UpdateNodegroupVersion`: the node group's Kubernetes version (at most the cluster's, one minor at a time
    /// from the node group's) and, with `releaseVersion`, a specific AMI release; EKS replaces the nodes, draining
    /// them with respect for PodDisruptionBudgets unless `force`.
    public func updateNodegroupVersion(
        clusterName: String,
        nodegroupName: String,
        version: String? = nil,
        releaseVersion: String? = nil,
        force: Bool = false
    ) async throws -> EKSUpdate {
        struct Body: Encodable {
            var version: String?
            var releaseVersion: String?
            var force: Bool
            var clientRequestToken: String
        }
        let out: UpdateOutput = try await send(
            "UpdateNodegroupVersion",
            "POST",
            "/clusters/\(Self.segment(clusterName))/node-groups/\(Self.segment(nodegroupName))/update-version",
            body: Body(version: version, releaseVersion: releaseVersion, force: force, clientRequestToken: Self.token())
        )
        return out.update
    }

    struct NodegroupOutput: Decodable { var nodegroup: EKSNodegroup }
}
