import Foundation

extension EKSClient {
    // MARK: - Pod Identity associations

    /// `CreatePodIdentityAssociation`.
    public func createPodIdentityAssociation(
        clusterName: String,
        namespace: String,
        serviceAccount: String,
        roleArn: String,
        tags: [String: String]? = nil,
        clientRequestToken: String? = nil
    ) async throws -> EKSPodIdentityAssociation {
        struct Body: Encodable {
            var namespace: String
            var serviceAccount: String
            var roleArn: String
            var clientRequestToken: String?
            var tags: [String: String]?
        }
        let body = Body(
            namespace: namespace,
            serviceAccount: serviceAccount,
            roleArn: roleArn,
            clientRequestToken: clientRequestToken ?? Self.token(),
            tags: tags
        )
        let out: AssociationOutput = try await send(
            "CreatePodIdentityAssociation",
            "POST",
            "/clusters/\(Self.segment(clusterName))/pod-identity-associations",
            body: body
        )
        return out.association
    }

    /// `ListPodIdentityAssociations` as pages (summaries: no role, no dates), filtered when asked.
    public func listPodIdentityAssociationsPages(
        clusterName: String,
        namespace: String? = nil,
        serviceAccount: String? = nil,
        maxResults: Int? = nil
    ) -> AWSPaginator<EKSPodIdentityAssociation> {
        AWSPaginator(operation: "ListPodIdentityAssociations") { token in
            var query = Self.pageQuery(maxResults, token)
            if let namespace { query.append(("namespace", namespace)) }
            if let serviceAccount { query.append(("serviceAccount", serviceAccount)) }
            let out: AssociationsOutput = try await send(
                "ListPodIdentityAssociations",
                "GET",
                "/clusters/\(Self.segment(clusterName))/pod-identity-associations",
                query: query
            )
            return AWSPage(items: out.associations ?? [], nextToken: out.nextToken)
        }
    }

    /// `ListPodIdentityAssociations`, all pages.
    public func listPodIdentityAssociations(
        clusterName: String,
        namespace: String? = nil,
        serviceAccount: String? = nil
    ) async throws -> [EKSPodIdentityAssociation] {
        try await listPodIdentityAssociationsPages(
            clusterName: clusterName,
            namespace: namespace,
            serviceAccount: serviceAccount
        ).allItems()
    }

    /// `DescribePodIdentityAssociation`.
    public func describePodIdentityAssociation(
        clusterName: String,
        associationId: String
    ) async throws
        -> EKSPodIdentityAssociation
    {
        let out: AssociationOutput = try await send(
            "DescribePodIdentityAssociation",
            "GET",
            "/clusters/\(Self.segment(clusterName))/pod-identity-associations/\(Self.segment(associationId))"
        )
        return out.association
    }

    /// `DeletePodIdentityAssociation`.
    @discardableResult
    public func deletePodIdentityAssociation(
        clusterName: String,
        associationId: String
    ) async throws
        -> EKSPodIdentityAssociation
    {
        let out: AssociationOutput = try await send(
            "DeletePodIdentityAssociation",
            "DELETE",
            "/clusters/\(Self.segment(clusterName))/pod-identity-associations/\(Self.segment(associationId))"
        )
        return out.association
    }

    // MARK: - Access entries

    /// `CreateAccessEntry`.
    public func createAccessEntry(
        clusterName: String,
        principalArn: String,
        kubernetesGroups: [String]? = nil,
        username: String? = nil,
        type: String? = nil,
        tags: [String: String]? = nil,
        clientRequestToken: String? = nil
    ) async throws -> EKSAccessEntry {
        struct Body: Encodable {
            var principalArn: String
            var kubernetesGroups: [String]?
            var tags: [String: String]?
            var clientRequestToken: String?
            var username: String?
            var type: String?
        }
        let body = Body(
            principalArn: principalArn,
            kubernetesGroups: kubernetesGroups,
            tags: tags,
            clientRequestToken: clientRequestToken ?? Self.token(),
            username: username,
            type: type
        )
        let out: AccessEntryOutput = try await send(
            "CreateAccessEntry",
            "POST",
            "/clusters/\(Self.segment(clusterName))/access-entries",
            body: body
        )
        return out.accessEntry
    }

    /// `DescribeAccessEntry`.
    public func describeAccessEntry(clusterName: String, principalArn: String) async throws -> EKSAccessEntry {
        let out: AccessEntryOutput = try await send(
            "DescribeAccessEntry",
            "GET",
            "/clusters/\(Self.segment(clusterName))/access-entries/\(Self.segment(principalArn))"
        )
        return out.accessEntry
    }

    /// `ListAccessEntries` as pages (principal ARNs).
    public func listAccessEntriesPages(clusterName: String, maxResults: Int? = nil) -> AWSPaginator<String> {
        AWSPaginator(operation: "ListAccessEntries") { token in
            let out: NamesOutput = try await send(
                "ListAccessEntries",
                "GET",
                "/clusters/\(Self.segment(clusterName))/access-entries",
                query: Self.pageQuery(maxResults, token)
            )
            return AWSPage(items: out.names, nextToken: out.nextToken)
        }
    }

    /// `ListAccessEntries`, all pages.
    public func listAccessEntries(clusterName: String) async throws -> [String] {
        try await listAccessEntriesPages(clusterName: clusterName).allItems()
    }

    /// `DeleteAccessEntry`.
    public func deleteAccessEntry(clusterName: String, principalArn: String) async throws {
        let _: Empty = try await send(
            "DeleteAccessEntry",
            "DELETE",
            "/clusters/\(Self.segment(clusterName))/access-entries/\(Self.segment(principalArn))"
        )
    }

    /// `AssociateAccessPolicy`.
    @discardableResult
    public func associateAccessPolicy(
        clusterName: String,
        principalArn: String,
        policyArn: String,
        accessScope: EKSAccessScope
    ) async throws -> EKSAssociatedAccessPolicy {
        struct Body: Encodable {
            var policyArn: String
            var accessScope: EKSAccessScope
        }
        struct Output: Decodable { var associatedAccessPolicy: EKSAssociatedAccessPolicy }
        let out: Output = try await send(
            "AssociateAccessPolicy",
            "POST",
            "/clusters/\(Self.segment(clusterName))/access-entries/\(Self.segment(principalArn))/access-policies",
            body: Body(policyArn: policyArn, accessScope: accessScope)
        )
        return out.associatedAccessPolicy
    }

    /// `DisassociateAccessPolicy`.
    public func disassociateAccessPolicy(clusterName: String, principalArn: String, policyArn: String) async throws {
        let _: Empty = try await send(
            "DisassociateAccessPolicy",
            "DELETE",
            "/clusters/\(Self.segment(clusterName))/access-entries/\(Self.segment(principalArn))/access-policies/"
                + Self.segment(policyArn)
        )
    }

    /// `ListAssociatedAccessPolicies` as pages.
    public func listAssociatedAccessPoliciesPages(
        clusterName: String,
        principalArn: String,
        maxResults: Int? = nil
    ) -> AWSPaginator<EKSAssociatedAccessPolicy> {
        AWSPaginator(operation: "ListAssociatedAccessPolicies") { token in
            let out: AssociatedPoliciesOutput = try await send(
                "ListAssociatedAccessPolicies",
                "GET",
                "/clusters/\(Self.segment(clusterName))/access-entries/\(Self.segment(principalArn))/access-policies",
                query: Self.pageQuery(maxResults, token)
            )
            return AWSPage(items: out.associatedAccessPolicies ?? [], nextToken: out.nextToken)
        }
    }

    /// `ListAssociatedAccessPolicies`, all pages.
    public func listAssociatedAccessPolicies(
        clusterName: String,
        principalArn: String
    ) async throws
        -> [EKSAssociatedAccessPolicy]
    {
        try await listAssociatedAccessPoliciesPages(clusterName: clusterName, principalArn: principalArn).allItems()
    }

    struct AssociationOutput: Decodable { var association: EKSPodIdentityAssociation }
    struct AssociationsOutput: Decodable {
        var associations: [EKSPodIdentityAssociation]?
        var nextToken: String?
    }
    struct AccessEntryOutput: Decodable { var accessEntry: EKSAccessEntry }
    struct AssociatedPoliciesOutput: Decodable {
        var associatedAccessPolicies: [EKSAssociatedAccessPolicy]?
        var nextToken: String?
    }
}
