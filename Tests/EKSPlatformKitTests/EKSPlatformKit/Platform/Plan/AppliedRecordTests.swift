import EKSPlatformKit
import Testing

@Suite("Engine: applied records")
struct AppliedRecordTests {
    @Test("the digest is SHA-256 over key=value lines of properties, then tags, in key order (20 hex characters)")
    func digest() throws {
        let blueprint = try EngineFixtures.blueprint()
        let proxy = try #require(blueprint.resource(ResourceID(.addon, "kube-proxy")))
        #expect(
            proxy.tags == [
                "eksplatform.io/cluster": "dev", "eksplatform.io/resource": "addon/kube-proxy", "team": "platform",
            ]
        )
        #expect(proxy.spec.properties(in: EngineFixtures.context).byName == ["configurationValues": ""])
        // sha256("configurationValues=\ntag:eksplatform.io/cluster=dev\ntag:eksplatform.io/resource=addon/kube-proxy
        // \ntag:team=platform"), first 20 hex characters (computed with Python's hashlib).
        #expect(AppliedRecord.digest(of: proxy, in: EngineFixtures.context) == "539ab5edb8e598b82f38")

        var retagged = proxy
        retagged.tags["team"] = "other"
        #expect(AppliedRecord.digest(of: retagged, in: EngineFixtures.context) != "539ab5edb8e598b82f38")
        // The account is part of rendered properties (role ARNs), so a role's digest follows the context.
        let role = try #require(blueprint.resource(ResourceID(.iamRole, "karpenter-controller")))
        let other = PlatformContext(accountID: "444455556666", partition: "aws", region: "us-west-2")
        #expect(AppliedRecord.digest(of: role, in: EngineFixtures.context) != AppliedRecord.digest(of: role, in: other))
    }

    @Test("holders and tag keys per kind")
    func holders() {
        #expect(AppliedRecord.holder(of: .iamRole) == .itself)
        #expect(AppliedRecord.holder(of: .vpc) == .itself)
        #expect(AppliedRecord.holder(of: .addon) == .cluster)
        #expect(AppliedRecord.holder(of: .accessEntry) == .cluster)
        #expect(AppliedRecord.holder(of: .podIdentityAssociation) == .cluster)
        #expect(AppliedRecord.holder(of: .eventRule) == .queue)
        for kind in [ResourceKind.subnet, .routeTable, .natGateway, .cluster, .nodeGroup, .sqsQueue] {
            #expect(AppliedRecord.holder(of: kind) == nil, "\(kind) is observed in full by batched calls")
        }
        #expect(AppliedRecord.tagKey(for: ResourceID(.iamRole, "cluster")) == "eksplatform.io/applied")
        #expect(AppliedRecord.tagKey(for: ResourceID(.addon, "coredns")) == "eksplatform.io/applied/addon/coredns")
    }

    @Test("planner: a matched record is a no-op without tags; a stale one re-applies to record; real diffs win")
    func planner() throws {
        let blueprint = try EngineFixtures.blueprint()
        var observed = EngineFixtures.matching(blueprint)
        let coredns = try #require(observed.resources.firstIndex { $0.id == ResourceID(.addon, "coredns") })
        let proxy = try #require(observed.resources.firstIndex { $0.id == ResourceID(.addon, "kube-proxy") })
        let role = try #require(observed.resources.firstIndex { $0.id == ResourceID(.iamRole, "cluster") })
        // Matched: properties and tags were not read.
        observed.resources[coredns].properties = [:]
        observed.resources[coredns].tags = [:]
        observed.resources[coredns].tagsRead = false
        observed.resources[coredns].record = .matched
        // Stale but matching: one update to write the record.
        observed.resources[proxy].record = .stale
        // Stale and different: the real difference is the reason.
        observed.resources[role].record = .stale
        observed.resources[role].properties[.managedPolicies] = ""
        let plan = Planner.plan(blueprint, observed: observed)
        let changed = plan.changes.filter { $0.action != .noop }
        #expect(changed.map(\.id) == [ResourceID(.iamRole, "cluster"), ResourceID(.addon, "kube-proxy")])
        #expect(changed.last?.reasons == [Planner.staleRecordReason])
        #expect(changed.first?.reasons == ["managedPolicies differs: (empty) → arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"])
    }
}
