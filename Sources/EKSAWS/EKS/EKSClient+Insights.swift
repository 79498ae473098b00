import Foundation

/// One EKS cluster insight: a check EKS runs against the cluster (for upgrade readiness, whether the next Kubernetes
/// versions would break something), with its status and, from `DescribeInsight`, the recommendation.
public struct EKSInsight: Sendable, Equatable, Decodable {
    /// The insight's status and why.
    public struct Status: Sendable, Equatable, Decodable {
        /// `PASSING`, `WARNING`, `ERROR` or `UNKNOWN`.
        public var status: String?
        /// EKS's reason for it.
        public var reason: String?
    }

    /// The insight id (for `DescribeInsight`).
    public var id: String
    /// The check's name, e.g. "Deprecated APIs removed in Kubernetes v1.33".
    public var name: String?
    /// `UPGRADE_READINESS` or `MISCONFIGURATION`.
    public var category: String?
    /// The Kubernetes version the check is about.
    public var kubernetesVersion: String?
    /// What the check looks at.
    public var description: String?
    /// The status and its reason.
    public var insightStatus: Status?
    /// What to do about it (`DescribeInsight` only).
    public var recommendation: String?

    /// `ERROR` means the finding affects the next minor version (EKS user guide, "View cluster insights").
    public var isError: Bool { insightStatus?.status == "ERROR" }
    /// Anything but `PASSING`.
    public var needsAttention: Bool { insightStatus?.status != "PASSING" }
}

extension EKSClient {
    /// `ListInsights` with category, version and status filters, all pages. A `POST` that only reads.
    public func listInsights(
        clusterName: String,
        categories: [String] = ["UPGRADE_READINESS"],
        kubernetesVersions: [String] = [],
        statuses: [String] = []
    ) async throws -> [EKSInsight] {
        struct Filter: Encodable {
            var categories: [String]?
            var kubernetesVersions: [String]?
            var statuses: [String]?
        }
        struct Input: Encodable {
            var filter: Filter
            var nextToken: String?
        }
        struct Output: Decodable {
            var insights: [EKSInsight]?
            var nextToken: String?
        }
        let filter = Filter(
            categories: categories.isEmpty ? nil : categories,
            kubernetesVersions: kubernetesVersions.isEmpty ? nil : kubernetesVersions,
            statuses: statuses.isEmpty ? nil : statuses
        )
        return try await AWSPaginator<EKSInsight>(operation: "ListInsights") { token in
            let out: Output = try await send(
                "ListInsights",
                "POST",
                "/clusters/\(Self.segment(clusterName))/insights",
                body: Input(filter: filter, nextToken: token),
                mutating: false
            )
            return AWSPage(items: out.insights ?? [], nextToken: out.nextToken)
        }.allItems()
    }

    /// `DescribeInsight`: the insight with its recommendation.
    public func describeInsight(clusterName: String, id: String) async throws -> EKSInsight {
        struct Output: Decodable { var insight: EKSInsight }
        let out: Output = try await send(
            "DescribeInsight",
            "GET",
            "/clusters/\(Self.segment(clusterName))/insights/\(Self.segment(id))"
        )
        return out.insight
    }
}
