import EKSAWS
import EKSKubernetes

/// The engine in one place: everything `platformctl plan | up | status | down` do, for any Swift program.
///
/// Every operation runs the same pipeline — observe what exists (by tags) → resolve zones → build the
/// ``Blueprint`` → ``Planner`` → ``Executor`` — and reports progress to the ``EventHandler`` it is given. A front end
/// that asks before changing anything calls ``plan(events:)``, shows the result, then ``apply(_:events:)`` (and
/// ``prepareTeardown(events:)`` then ``teardown(_:events:)`` for `down`).
///
/// The engine uses the session it is handed and never shuts it down; the caller owns both the session and the
/// ``ClusterConnection``.
public struct PlatformEngine: Sendable {
    /// The validated configuration.
    public var config: PlatformConfig
    /// The AWS session (credentials, region, endpoint, redactor).
    public var session: AWSSession
    /// How to reach the cluster's API for the in-cluster objects and teardown; `nil` leaves the cluster phase out.
    public var cluster: ClusterConnection?
    /// How many steps run at once (the scheduler starts the step heading the longest remaining chain first).
    public var parallelism: Int
    /// Read every resource in full, ignoring platformctl's ``AppliedRecord``s (finds and repairs changes made outside
    /// platformctl to the recorded parts, at the cost of more reads).
    public var fullRefresh: Bool
    /// Which AMI release the node groups' nodes should run.
    public var nodeAMIReleases: NodeAMIReleasePolicy

    /// Which AMI release a node group's nodes run, between Kubernetes upgrades.
    public enum NodeAMIReleasePolicy: Sendable, Equatable {
        /// The release they have (EKS picks the newest at creation and at each Kubernetes upgrade); never compared.
        case keep
        /// The latest release EKS publishes for their Kubernetes version and AMI type: a plan reads it (one
        /// `GetParameter` per node group) and, when the nodes run an older one, updates the node group in place to it
        /// (`UpdateNodegroupVersion` with `releaseVersion`; EKS replaces the nodes, respecting PodDisruptionBudgets).
        case latest
    }

    /// Creates an engine for `config` on `session`.
    public init(
        config: PlatformConfig,
        session: AWSSession,
        cluster: ClusterConnection? = nil,
        parallelism: Int = 8,
        fullRefresh: Bool = false,
        nodeAMIReleases: NodeAMIReleasePolicy = .keep
    ) {
        self.config = config
        self.session = session
        self.cluster = cluster
        self.parallelism = parallelism
        self.fullRefresh = fullRefresh
        self.nodeAMIReleases = nodeAMIReleases
    }

    /// A computed plan with what it was computed from; ``apply(_:events:)`` executes exactly this.
    public struct PlannedChanges: Sendable {
        /// What was found.
        public var observed: ObservedState
        /// What platform.yaml asks for in the observed zones.
        public var blueprint: Blueprint
        /// The changes, with reasons.
        public var plan: Plan
        /// EKS's upgrade insights for the versions the plan moves the cluster through; `nil` without an upgrade.
        public var upgradeInsights: UpgradeInsights? = nil
    }

    /// A teardown ready to run: what was found, and the stages that remove it.
    public struct PreparedTeardown: Sendable {
        /// What was found by tags.
        public var observed: ObservedState
        /// The blueprint whose names the teardown deletes by.
        public var blueprint: Blueprint
        /// The ordered stages.
        public var teardown: TeardownPlan
    }

    /// What `status` reports.
    public struct Status: Sendable {
        /// What was found.
        public var observed: ObservedState
        /// How it differs from platform.yaml.
        public var plan: Plan
        /// Flux Kustomizations and Karpenter NodePools/NodeClaims, when the cluster was reachable.
        public var inCluster: ClusterStatus?
        /// Who holds the platform's run lock, if anyone (an expired lease included).
        public var lock: PlatformLock.Holder?
        /// Whether the security groups let Karpenter's nodes, the system nodes and the control plane reach each other
        /// on the ports the cluster needs; `nil` before the cluster exists.
        public var reachability: NodeReachability?
        /// Each installed add-on's version, EKS's default for the cluster's Kubernetes version, and any pin.
        public var addons: [AddonVersionStatus] = []
        /// Each node group's AMI release and the latest published for its Kubernetes version and AMI type.
        public var nodeAMIReleases: [NodeAMIReleaseStatus] = []
    }

    /// The platform's run lock (``PlatformLock``), tagged as the platform's.
    public func lock(lease: Duration = PlatformLock.defaultLease) -> PlatformLock {
        PlatformLock(cluster: config.name, session: session, tags: [PlatformTags.cluster: config.name], lease: lease)
    }

    /// The in-cluster objects' applier and observer, when the config has a gitops section and a connection is given.
    var clusterObjects: KubeClusterObjects? {
        config.spec.gitops == nil ? nil : cluster?.objects(fullRefresh: fullRefresh)
    }

    /// Observes the platform and plans the changes that would make it match the configuration.
    /// - Throws: ``FluxRelease/VerificationError`` `flux.unpinned` before any request when the cluster phase would
    ///   install an unpinned Flux manifest; ``PlanRefusal`` for a change AWS cannot make (a Kubernetes downgrade) or
    ///   one the account's quotas would stop half-way (`plan.quota`: VPCs, internet gateways, NAT gateways per zone,
    ///   Elastic IPs).
    public func plan(events: any EventHandler = NullEventHandler()) async throws -> PlannedChanges {
        if clusterObjects != nil, let gitops = config.spec.gitops { try FluxRelease(flux: gitops.flux).requirePin() }
        events.handle(.phaseStarted("observe"))
        let observer = AWSPlatformObserver(session: session, clusterObjects: clusterObjects, fullRefresh: fullRefresh)
        let observed = try await observer.observe(config)
        var blueprint = try Blueprint(
            config: config,
            zones: try Blueprint.resolveZones(for: config, available: observed.availableZones),
            callerARN: observed.context.callerARN
        )
        if let refusal = PlanRefusal.check(config, observed: observed).first { throw refusal }
        if nodeAMIReleases == .latest {
            blueprint = try await ResourceSpec.NodeGroup.withLatestAMIRelease(blueprint, observed: observed, ssm: session.ssm)
        }
        if let refusal = try await PlanRefusal.checkKubernetesVersion(config, observed: observed, eks: session.eks) {
            throw refusal
        }
        if let refusal = try await PlanRefusal.checkAddonPins(config, eks: session.eks).first { throw refusal }
        var plan = Planner.plan(blueprint, observed: observed)
        if let refusal = PlanRefusal.replacements(in: plan) { throw refusal }
        if let refusal = try await NetworkQuotas.refusal(plan: plan, blueprint: blueprint, session: session) {
            throw refusal
        }
        // A rising Kubernetes version moves the add-ons too (between the control-plane steps): the plan says to what.
        if let running = observed.resource(ResourceID(.cluster, "main"))?.properties[.version],
            let index = plan.changes.firstIndex(where: { $0.id == ResourceID(.cluster, "main") && $0.action == .update })
        {
            plan.changes[index].reasons += try await ResourceSpec.Cluster.plannedAddonUpgrades(
                cluster: config.name,
                from: running,
                to: config.spec.kubernetesVersion,
                pinned: config.spec.addonVersions,
                observed: observed,
                eks: session.eks
            )
        }
        let insights = try await UpgradeInsights.read(config, observed: observed, eks: session.eks)
        return PlannedChanges(observed: observed, blueprint: blueprint, plan: plan, upgradeInsights: insights)
    }

    /// Executes `planned` (a plan from ``plan(events:)``): every change in dependency order, concurrently where
    /// independent; events report each step. A plan without changes does nothing.
    /// - Throws: ``Executor/RefusedError`` when the plan needs a replacement; ``UpgradeInsightError`` before any change
    ///   when an upgrade insight is an `ERROR`, unless `ignoringInsightErrors`.
    public func apply(
        _ planned: PlannedChanges,
        events: any EventHandler,
        ignoringInsightErrors: Bool = false
    ) async throws -> ExecutionSummary {
        if let insights = planned.upgradeInsights, insights.hasErrors, !ignoringInsightErrors {
            throw UpgradeInsightError(insights: insights)
        }
        return try await Executor(runner: GraphRunner(maxConcurrency: parallelism)).up(
            plan: planned.plan,
            blueprint: planned.blueprint,
            observed: planned.observed,
            provider: AWSPlatformProvider(session: session, clusterObjects: clusterObjects),
            events: events
        )
    }

    /// Observes the platform and orders its removal.
    public func prepareTeardown(events: any EventHandler = NullEventHandler()) async throws -> PreparedTeardown {
        events.handle(.phaseStarted("observe"))
        let observed = try await AWSPlatformObserver(session: session).observe(config)
        let blueprint = try Blueprint(
            config: config,
            zones: try Blueprint.resolveZones(for: config, available: observed.availableZones),
            callerARN: observed.context.callerARN
        )
        return PreparedTeardown(observed: observed, blueprint: blueprint, teardown: TeardownPlan(blueprint: blueprint))
    }

    /// Removes everything `prepared` found, in the safe order, then sweeps leftovers by tag. Without a reachable
    /// cluster the Kubernetes steps are skipped and `unreachable` hears why (the sweeps remove what Karpenter left).
    public func teardown(
        _ prepared: PreparedTeardown,
        events: any EventHandler,
        unreachable: @Sendable (any Error) -> Void = { _ in }
    ) async throws -> ExecutionSummary {
        var kube: KubeClient?
        if prepared.observed.clusterEndpoint != nil, let cluster {
            do {
                kube = try await cluster.client()
            } catch {
                unreachable(error)
            }
        }
        return try await Executor(runner: GraphRunner(maxConcurrency: parallelism)).down(
            teardown: prepared.teardown,
            config: config,
            observed: prepared.observed,
            provider: AWSTeardownProvider(session: session, kube: kube),
            events: events
        )
    }

    /// Observes the platform, compares it with the configuration, and reads Flux's and Karpenter's objects when the
    /// cluster is reachable. Beyond the plan's reads, and only here: per installed add-on one `DescribeAddonVersions`
    /// (and a `DescribeAddon` where the plan did not read it), per node group one `GetParameter` of the public
    /// latest-release parameter, all at once.
    public func status(events: any EventHandler = NullEventHandler()) async throws -> Status {
        let planned = try await plan(events: events)
        var inCluster: ClusterStatus?
        if planned.observed.clusterEndpoint != nil, let cluster {
            inCluster = try? await ClusterStatus.read(try await cluster.client())
        }
        let holder = try await lock().holder()
        let reachability = try await NodeReachability.read(config: config, session: session)
        async let addons = AddonVersionStatus.read(config: config, observed: planned.observed, eks: session.eks)
        async let releases = NodeAMIReleaseStatus.read(observed: planned.observed, ssm: session.ssm)
        return Status(
            observed: planned.observed,
            plan: planned.plan,
            inCluster: inCluster,
            lock: holder,
            reachability: reachability,
            addons: try await addons,
            nodeAMIReleases: try await releases
        )
    }
}
