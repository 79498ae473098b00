import EKSAWS
import EKSPlatformKit
import EKSPlatformTestSupport
import Testing

@Suite("Engine: Planner")
struct PlannerTests {
    @Test("nothing observed: every resource is created, in blueprint order, then the cluster objects")
    func fromEmpty() throws {
        let blueprint = try EngineFixtures.blueprint()
        let observed = ObservedState(context: EngineFixtures.context, availableZones: EngineFixtures.zones, resources: [])
        let plan = Planner.plan(blueprint, observed: observed)
        #expect(plan.changes.allSatisfy { $0.action == .create })
        #expect(plan.changes.count == blueprint.resources.count + 5)
        #expect(plan.changes.first?.reasons == ["does not exist"])
        #expect(
            plan.changes.suffix(5).map(\.id.name) == [
                "flux-install", "git-credentials", "git-repository", "kustomization", "platform-vars",
            ]
        )
        #expect(plan.changes.last?.reasons == ["the cluster does not exist yet"])
        #expect(plan.hasChanges)
        #expect(plan.summary == "Plan: 39 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged.")
    }

    @Test("everything observed as desired: no changes (extra AWS tags are ignored)")
    func noChanges() throws {
        let blueprint = try EngineFixtures.blueprint()
        let plan = Planner.plan(blueprint, observed: EngineFixtures.matching(blueprint))
        #expect(!plan.hasChanges)
        #expect(plan.counts == [.noop: 39])
        #expect(plan.change(ResourceID(.vpc, "main"))?.physicalID == "phys-main")
    }

    @Test("a changed node group label is an update with the reason team=a → team=b")
    func labelUpdate() throws {
        var config = EngineFixtures.config()
        config.spec.systemNodeGroup.labels["team"] = "a"
        let before = try EngineFixtures.blueprint(config)
        config.spec.systemNodeGroup.labels["team"] = "b"
        let after = try EngineFixtures.blueprint(config)
        let plan = Planner.plan(after, observed: EngineFixtures.matching(before))
        let changed = plan.changes.filter { $0.action != .noop }
        #expect(changed.count == 1)
        #expect(changed.first?.id == ResourceID(.nodeGroup, "system"))
        #expect(changed.first?.action == .update)
        #expect(changed.first?.reasons == ["labels differ: team=a → team=b"])
    }

    @Test("scaling and tag changes name old and new values")
    func scalingAndTags() throws {
        let before = try EngineFixtures.blueprint()
        var config = EngineFixtures.config()
        config.spec.systemNodeGroup.size = .init(min: 2, desired: 3, max: 4)
        config.spec.tags["team"] = "infra"
        let plan = Planner.plan(try EngineFixtures.blueprint(config), observed: EngineFixtures.matching(before))
        #expect(
            plan.change(ResourceID(.nodeGroup, "system"))?.reasons == [
                "maxSize differs: 3 → 4", "tags differ: team=platform → team=infra",
            ]
        )
        #expect(plan.change(ResourceID(.vpc, "main"))?.reasons == ["tags differ: team=platform → team=infra"])
        #expect(plan.counts[.update] == 33)
    }

    @Test("an immutable difference is a replacement, which the executor refuses")
    func replacement() throws {
        let before = try EngineFixtures.blueprint()
        var config = EngineFixtures.config()
        config.spec.network.vpcCIDR = "10.50.0.0/16"
        let after = try EngineFixtures.blueprint(config)
        let observed = EngineFixtures.matching(before)
        let plan = Planner.plan(after, observed: observed)
        #expect(plan.change(ResourceID(.vpc, "main"))?.action == .replace)
        #expect(
            plan.change(ResourceID(.vpc, "main"))?.reasons == [
                "cidr differs: 10.42.0.0/16 → 10.50.0.0/16", "cannot change in place: the resource must be re-created",
            ]
        )
        #expect(throws: Executor.RefusedError.self) {
            try Executor.steps(
                for: plan,
                blueprint: after,
                observed: observed,
                provider: RecordingProvider(),
                registry: ResourceRegistry(observed: observed)
            )
        }
        // plan itself refuses it (issue 17: never plan what up refuses), naming the resource and the difference.
        let refusal = try #require(PlanRefusal.replacements(in: plan))
        #expect(refusal.code == "plan.replacement")
        #expect(refusal.message.contains("vpc/main (cidr differs: 10.42.0.0/16 → 10.50.0.0/16)"))

        // The node group is replaced create-before-destroy: planned as such, and not refused.
        var types = EngineFixtures.config()
        types.spec.systemNodeGroup.instanceTypes = ["m7i.large"]
        let nodes = Planner.plan(try EngineFixtures.blueprint(types), observed: observed)
        #expect(nodes.change(ResourceID(.nodeGroup, "system"))?.action == .replace)
        #expect(PlanRefusal.replacements(in: nodes) == nil)
        #expect(
            try Executor.steps(
                for: nodes,
                blueprint: try EngineFixtures.blueprint(types),
                observed: observed,
                provider: RecordingProvider(),
                registry: ResourceRegistry(observed: observed)
            ).map(\.id) == ["replace nodeGroup/system"]
        )
    }

    @Test("owned resources no longer desired are deleted, with the reason")
    func orphans() throws {
        let perZone = try EngineFixtures.blueprint(EngineFixtures.config(nat: .perZone))
        let single = try EngineFixtures.blueprint()
        let plan = Planner.plan(single, observed: EngineFixtures.matching(perZone))
        let deletions = plan.changes.filter { $0.action == .delete }.map(\.id.description)
        #expect(
            deletions == [
                "routeTable/private-us-west-2c", "routeTable/private-us-west-2b", "routeTable/private-us-west-2a",
                "natGateway/us-west-2c", "natGateway/us-west-2b", "elasticIP/nat-us-west-2c", "elasticIP/nat-us-west-2b",
            ]
        )
        #expect(
            plan.changes.first { $0.action == .delete }?.reasons == [
                "tagged eksplatform.io/cluster=dev but no longer in platform.yaml"
            ]
        )
        #expect(plan.change(ResourceID(.routeTable, "private"))?.action == .create)
    }

    @Test("observe → plan through the observer protocol")
    func throughObserver() async throws {
        let config = EngineFixtures.config()
        let observer = FixedObserver(
            state: ObservedState(
                context: EngineFixtures.context,
                availableZones: ["us-west-2d", "us-west-2c", "us-west-2b", "us-west-2a"],
                resources: []
            )
        )
        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        #expect(blueprint.zones == EngineFixtures.zones)
        #expect(plan.counts[.create] == 39)
    }

    @Test("an in-cluster object whose digest changed is updated")
    func clusterObjectDigest() throws {
        let blueprint = try EngineFixtures.blueprint()
        var observed = EngineFixtures.matching(blueprint)
        observed.clusterEndpoint = "https://OTHER.eks"
        let plan = Planner.plan(blueprint, observed: observed)
        #expect(plan.changes.filter { $0.action != .noop }.map(\.id.name) == ["platform-vars"])
        #expect(plan.change(ClusterObjects.platformVars)?.reasons == ["content differs from what platformctl last applied"])
    }
}

/// An observer returning a fixed state.
struct FixedObserver: PlatformObserver {
    var state: ObservedState
    func observe(_ config: PlatformConfig) async throws -> ObservedState { state }
}

/// Issue 17: a Kubernetes downgrade is refused at plan time with EKS's reason, never planned as an update.
@Suite("Plan refusals")
struct PlanRefusalTests {
    @Test func downgradeIsRefusedUpgradeIsNot() throws {
        var config = EngineFixtures.config(name: "down", gitops: false)
        config.spec.kubernetesVersion = "1.33"
        var observed = EngineFixtures.matching(try EngineFixtures.blueprint(config))
        let index = try #require(observed.resources.firstIndex { $0.id == ResourceID(.cluster, "main") })
        observed.resources[index].properties[.version] = "1.34"
        let refusals = PlanRefusal.check(config, observed: observed)
        #expect(refusals.map(\.code) == ["plan.downgrade"])
        #expect(refusals.first?.message.contains("runs Kubernetes 1.34 and platform.yaml asks for 1.33") == true)
        #expect(refusals.first?.message.contains("EKS cannot downgrade") == true)
        config.spec.kubernetesVersion = "1.35"
        #expect(PlanRefusal.check(config, observed: observed).isEmpty, "an upgrade (even two minors) is planned")
        config.spec.kubernetesVersion = "1.34"
        #expect(PlanRefusal.check(config, observed: observed).isEmpty)
    }

    /// An upgrade steps through every minor, so one the region no longer offers on the way stops it half-way: `plan`
    /// refuses it, naming the minor (EKS's DescribeClusterVersions, from the emulator with 1.33 withdrawn).
    @Test func aJumpOverAVersionEKSNoLongerOffersIsRefused() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "jump", gitops: false)
        config.spec.kubernetesVersion = "1.34"
        var observed = EngineFixtures.matching(try EngineFixtures.blueprint(config))
        let index = try #require(observed.resources.firstIndex { $0.id == ResourceID(.cluster, "main") })
        observed.resources[index].properties[.version] = "1.32"
        #expect(try await PlanRefusal.checkKubernetesVersion(config, observed: observed, eks: session.eks) == nil)
        _ = try await emulator.post("/_emulator/cluster-versions", body: #"{"withdrawn": ["1.33"]}"#)
        let refusal = try await PlanRefusal.checkKubernetesVersion(config, observed: observed, eks: session.eks)
        #expect(refusal?.code == "plan.kubernetes-version")
        #expect(
            refusal?.message.hasPrefix(
                "the upgrade 1.32 → 1.34 moves one minor at a time, through 1.33, but EKS does not offer 1.33 in us-west-2"
            ) == true,
            "\(String(describing: refusal))"
        )
        // One minor up needs nothing in between.
        observed.resources[index].properties[.version] = "1.33"
        #expect(try await PlanRefusal.checkKubernetesVersion(config, observed: observed, eks: session.eks) == nil)
        try await session.shutdown()
    }
}
