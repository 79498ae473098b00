import EKSAWS

/// What EKS's upgrade insights say about the Kubernetes versions a plan moves the cluster through.
///
/// EKS runs upgrade-readiness checks against every cluster (deprecated APIs still in use, kubelet version skew,
/// add-on compatibility, cluster health) and reports them through `ListInsights`; an `ERROR` usually means the
/// finding affects the next minor version, a `WARNING` one further ahead (EKS user guide, "View cluster insights").
/// `plan` shows every insight that is not passing for the versions it moves through; `up` stops before changing
/// anything while one of them is an `ERROR`, unless the operator chose to go on.
public struct UpgradeInsights: Sendable, Equatable {
    /// The cluster's version now.
    public var from: String
    /// The version platform.yaml asks for.
    public var to: String
    /// The insights that are not `PASSING` for the minors from `from` (exclusive) to `to`, errors first, each with
    /// its recommendation.
    public var findings: [EKSInsight]

    /// Whether any finding is an `ERROR`.
    public var hasErrors: Bool { findings.contains(where: \.isError) }

    /// The minors a move from `from` to `to` passes through (`1.32` → `1.34`: `1.33`, `1.34`); empty unless it rises.
    public static func minors(from: String, to: String) -> [String] {
        guard let start = PlanRefusal.minor(from), let end = PlanRefusal.minor(to), end > start else { return [] }
        return ((start + 1)...end).map { "1.\($0)" }
    }

    /// Reads the insights when `observed` holds a cluster older than `config` asks for; `nil` when no upgrade is
    /// planned. One `ListInsights`, then one `DescribeInsight` per finding (for its recommendation).
    static func read(
        _ config: PlatformConfig,
        observed: ObservedState,
        eks: EKSClient
    ) async throws -> UpgradeInsights? {
        guard let running = observed.resource(ResourceID(.cluster, "main"))?.properties[.version] else { return nil }
        let minors = minors(from: running, to: config.spec.kubernetesVersion)
        guard !minors.isEmpty else { return nil }
        let listed = try await eks.listInsights(
            clusterName: config.name,
            categories: ["UPGRADE_READINESS"],
            kubernetesVersions: minors
        )
        var findings: [EKSInsight] = []
        for insight in listed where insight.needsAttention {
            findings.append(try await eks.describeInsight(clusterName: config.name, id: insight.id))
        }
        findings.sort {
            ($0.isError ? 0 : 1, $0.kubernetesVersion ?? "", $0.name ?? "") < (
                $1.isError ? 0 : 1, $1.kubernetesVersion ?? "", $1.name ?? ""
            )
        }
        return UpgradeInsights(from: running, to: config.spec.kubernetesVersion, findings: findings)
    }

    /// One line per finding: "ERROR 1.33 Deprecated APIs removed in Kubernetes v1.33: reason. Recommendation: …".
    public var lines: [String] {
        findings.map { insight in
            var line =
                "\(insight.insightStatus?.status ?? "UNKNOWN") \(insight.kubernetesVersion ?? "?") "
                + (insight.name ?? insight.id)
            if let reason = insight.insightStatus?.reason, !reason.isEmpty {
                line += ": " + reason + (reason.hasSuffix(".") ? "" : ".")
            }
            if let advice = insight.recommendation, !advice.isEmpty { line += " Recommendation: \(advice)" }
            return line
        }
    }
}

/// `up` stopped before any change because an upgrade insight is an `ERROR`.
public struct UpgradeInsightError: Error, Sendable, CustomStringConvertible {
    /// The insights that stopped it.
    public var insights: UpgradeInsights

    /// The error for `insights`.
    public init(insights: UpgradeInsights) { self.insights = insights }

    /// A stable code.
    public static let code = "upgrade.insight-error"

    public var description: String {
        let errors = insights.findings.filter(\.isError).count
        return "\(Self.code): EKS reports \(errors) upgrade insight(s) with status ERROR for Kubernetes "
            + "\(insights.from) → \(insights.to) (listed above); nothing was changed. Fix what they name and wait for "
            + "EKS to refresh them (every 24 hours, or refresh them in the console), or go on knowingly"
    }
}
