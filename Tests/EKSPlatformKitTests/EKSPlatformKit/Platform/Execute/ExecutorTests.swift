import EKSPlatformKit
import Testing

@Suite("Engine: Executor")
struct ExecutorTests {
    @Test("up from nothing: every resource once, each after its dependencies, cluster objects after the node group")
    func upFromEmpty() async throws {
        let blueprint = try EngineFixtures.blueprint()
        let observed = ObservedState(context: EngineFixtures.context, availableZones: EngineFixtures.zones, resources: [])
        let plan = Planner.plan(blueprint, observed: observed)
        let provider = RecordingProvider()
        let events = RecordingEvents()
        let summary = try await Executor(runner: GraphRunner(maxConcurrency: 4)).up(
            plan: plan,
            blueprint: blueprint,
            observed: observed,
            provider: provider,
            events: events
        )
        #expect(summary.isSuccess, "\(summary)")
        let log = provider.log.entries
        #expect(log.count == 39)
        func position(_ entry: String) -> Int { log.firstIndex(of: entry) ?? -1 }
        for resource in blueprint.resources {
            for dependency in resource.dependsOn {
                #expect(position("create \(dependency)") < position("create \(resource.id)"))
            }
        }
        let objects = [
            "apply kubernetesObject/flux-install", "apply kubernetesObject/git-credentials",
            "apply kubernetesObject/git-repository", "apply kubernetesObject/kustomization",
            "apply kubernetesObject/platform-vars",
        ]
        // In-cluster objects run in this order (a chain), all after the system node group.
        #expect(log.filter { $0.hasPrefix("apply ") } == objects)
        #expect(objects.allSatisfy { position("create nodeGroup/system") < position($0) })
        #expect(position("create addon/coredns") < position("apply kubernetesObject/flux-install"))
        #expect(events.events.first == .phaseStarted("apply"))
    }

    @Test("serial up creates every resource once, each after its dependencies, the longest chain first")
    func serialOrder() async throws {
        let blueprint = try EngineFixtures.blueprint(EngineFixtures.config(gitops: false))
        let observed = ObservedState(context: EngineFixtures.context, availableZones: EngineFixtures.zones, resources: [])
        let provider = RecordingProvider()
        _ = try await Executor(runner: GraphRunner(maxConcurrency: 1)).up(
            plan: Planner.plan(blueprint, observed: observed),
            blueprint: blueprint,
            observed: observed,
            provider: provider,
            events: NullEventHandler()
        )
        let entries = provider.log.entries
        #expect(entries.sorted() == blueprint.resources.map { "create \($0.id)" }.sorted())
        let position = Dictionary(entries.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for resource in blueprint.resources {
            for dependency in resource.dependsOn {
                let before = position["create \(dependency)"] ?? Int.max
                let after = position["create \(resource.id)"] ?? -1
                #expect(before < after, "\(dependency) must be created before \(resource.id)")
            }
        }
        // The VPC heads the longest chain (VPC → subnets → NAT → routes → cluster → node group → …).
        #expect(entries.first == "create vpc/main")
    }

    @Test("a second up with everything in place runs no step at all")
    func idempotentSecondRun() async throws {
        let blueprint = try EngineFixtures.blueprint()
        let observed = EngineFixtures.matching(blueprint)
        let plan = Planner.plan(blueprint, observed: observed)
        let steps = try Executor.steps(
            for: plan,
            blueprint: blueprint,
            observed: observed,
            provider: RecordingProvider(),
            registry: ResourceRegistry(observed: observed)
        )
        #expect(steps.isEmpty)
    }

    @Test("only changed resources get steps; unchanged dependencies come from the observation")
    func partialUpdate() async throws {
        let before = try EngineFixtures.blueprint()
        var config = EngineFixtures.config()
        // A new maximum (the desired size alone is no longer compared after creation).
        config.spec.systemNodeGroup.size = .init(min: 2, desired: 2, max: 4)
        let after = try EngineFixtures.blueprint(config)
        let observed = EngineFixtures.matching(before)
        let plan = Planner.plan(after, observed: observed)
        let provider = RecordingProvider()
        let summary = try await Executor().up(
            plan: plan,
            blueprint: after,
            observed: observed,
            provider: provider,
            events: NullEventHandler()
        )
        #expect(summary.succeeded == ["update nodeGroup/system"])
        #expect(provider.log.entries == ["update nodeGroup/system"])
    }

    @Test("orphans are deleted after everything else, one after another")
    func orphanDeletion() async throws {
        let perZone = try EngineFixtures.blueprint(EngineFixtures.config(nat: .perZone))
        let single = try EngineFixtures.blueprint()
        let observed = EngineFixtures.matching(perZone)
        let plan = Planner.plan(single, observed: observed)
        let provider = RecordingProvider()
        _ = try await Executor().up(
            plan: plan,
            blueprint: single,
            observed: observed,
            provider: provider,
            events: NullEventHandler()
        )
        #expect(
            provider.log.entries == [
                "create routeTable/private",
                "delete routeTable/private-us-west-2c", "delete routeTable/private-us-west-2b",
                "delete routeTable/private-us-west-2a", "delete natGateway/us-west-2c", "delete natGateway/us-west-2b",
                "delete elasticIP/nat-us-west-2c", "delete elasticIP/nat-us-west-2b",
            ]
        )
    }
}

@Suite("Engine: TeardownPlan")
struct TeardownPlanTests {
    @Test("stages in the safe order")
    func stageOrder() throws {
        let teardown = TeardownPlan(blueprint: try EngineFixtures.blueprint())
        #expect(
            teardown.stages.map(\.name) == [
                "workloads", "nodepools", "nodeclasses", "karpenter", "flux-objects", "flux", "nodegroup", "access", "cluster",
                "karpenter-aws", "logs", "sweep-compute", "nat", "sweep-network", "network", "vpc",
            ]
        )
        // Every platform Kustomization that could re-apply NodePools or Karpenter is suspended before anything is
        // deleted; the workloads one stays live so that deleting it prunes the workloads.
        #expect(
            teardown.stages[0].actions.map(\.description) == [
                "suspend Kustomization flux-system/flux-system", "suspend Kustomization flux-system/karpenter",
                "suspend Kustomization flux-system/nodepools", "delete Kustomization flux-system/workloads",
            ]
        )
        // The Karpenter release is uninstalled (and waited for) while Flux still runs; every Flux object goes
        // before the namespace that holds Flux's controllers.
        #expect(teardown.stages[3].actions.map(\.description) == ["delete HelmRelease kube-system/karpenter"])
        // A stage's actions run concurrently, so the namespace goes in a stage of its own, after the objects.
        #expect(
            teardown.stages[4].actions.last?.description == "delete every Flux object and wait for its finalizers"
        )
        #expect(teardown.stages[5].actions.map(\.description) == ["uninstall Flux"])
        #expect(
            teardown.stages[1].actions.map(\.description) == [
                "delete all NodePools", "wait until no NodeClaim is left", "wait until Karpenter's instances are terminated",
            ]
        )
        #expect(
            teardown.stages[7].actions.map(\.description) == [
                "delete accessEntry/karpenter-node", "delete addedTags/cluster-security-group",
                "delete podIdentityAssociation/karpenter", "delete addon/coredns",
                "delete addon/eks-pod-identity-agent", "delete addon/kube-proxy", "delete addon/vpc-cni",
                "delete accessEntry/admin-role-PlatformAdmin",
            ]
        )
        #expect(
            teardown.stages[9].actions.map(\.description) == [
                "delete eventRule/CRInterruption", "delete eventRule/InstanceStateChange",
                "delete eventRule/InstanceRebalance", "delete eventRule/SpotInterrupt", "delete eventRule/HealthEvent",
                "delete sqsQueue/interruption", "delete iamRole/karpenter-node", "delete iamRole/karpenter-controller",
                "delete iamRole/system-node", "delete iamRole/cluster",
            ]
        )
        #expect(teardown.stages.last?.actions == [.deleteResource(ResourceID(.vpc, "main"))])
    }

    @Test("without GitOps there are no Flux stages")
    func withoutFlux() throws {
        let teardown = TeardownPlan(blueprint: try EngineFixtures.blueprint(EngineFixtures.config(gitops: false)))
        #expect(teardown.stages.first?.name == "nodepools")
        #expect(!teardown.stages.map(\.name).contains("flux"))
        #expect(!teardown.stages.map(\.name).contains("flux-objects"))
    }

    @Test("the executor runs stage after stage")
    func executesInOrder() async throws {
        let blueprint = try EngineFixtures.blueprint()
        let teardown = TeardownPlan(blueprint: blueprint)
        let provider = RecordingProvider()
        let summary = try await Executor(runner: GraphRunner(maxConcurrency: 4)).down(
            teardown: teardown,
            config: blueprint.config,
            observed: EngineFixtures.matching(blueprint),
            provider: provider,
            events: NullEventHandler()
        )
        #expect(summary.isSuccess)
        let log = provider.log.entries
        #expect(log.count == teardown.actions.count)
        var index = 0
        for stage in teardown.stages {
            let slice = Set(log[index..<(index + stage.actions.count)])
            #expect(slice == Set(stage.actions.map(\.description)), "stage \(stage.name)")
            index += stage.actions.count
        }
    }
}
