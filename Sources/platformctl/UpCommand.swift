import ArgumentParser
import EKSPlatformKit
import Foundation

/// Asks "proceed?" on a TTY; without a TTY the user must pass `--yes`. With `typing`, the user must type that text
/// (the cluster name, for `down`) instead of `y`. Ctrl-C at the prompt exits 130 with "nothing was changed".
func confirm(_ question: String, yes: Bool, typing expected: String? = nil) throws -> Bool {
    if yes { return true }
    guard isatty(STDIN_FILENO) == 1 else {
        throw CLIError(message: "standard input is not a terminal; pass --yes to proceed without a prompt")
    }
    return InterruptHandler.shared.prompt {
        FileHandle.standardError.write(Data((expected == nil ? "\(question) [y/N] " : "\(question) ").utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
        if let expected { return answer == expected }
        return ["y", "yes"].contains(answer.lowercased())
    }
}

/// `platformctl up`: plan, confirm, apply.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update the platform so it matches platform.yaml (idempotent; run again to resume).",
        discussion: "Shows the plan first; asks for confirmation on a terminal, requires --yes otherwise."
    )

    @Option(name: .long, help: "Path to platform.yaml.")
    var config: String = "platform.yaml"

    @OptionGroup var aws: AWSOptions
    @OptionGroup var role: RoleOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Apply without asking.")
    var yes = false

    @Flag(
        name: .customLong("full-refresh"),
        help: "Read every resource in full, ignoring platformctl's applied records (repairs edits made outside it)."
    )
    var fullRefresh = false

    @OptionGroup var steps: ParallelismOptions
    @OptionGroup var lock: LockOptions

    @Flag(
        name: .customLong("ignore-insights"),
        help: "Upgrade even when EKS's upgrade insights report an ERROR for the new Kubernetes version."
    )
    var ignoreInsights = false

    @Flag(
        name: .customLong("refresh-node-ami"),
        help: "Move the system node group's nodes to the latest AMI release EKS publishes for their Kubernetes version."
    )
    var refreshNodeAMI = false

    func run() async throws {
        try await Console.reportingErrorsAsJSON(output.output == .json) { try await runReporting() }
    }

    private func runReporting() async throws {
        let (mode, colour) = ProgressPrinter.forTerminal(json: output.output == .json)
        let printer = ProgressPrinter(mode: mode, colour: colour)
        let summary = try await withEngine(
            config: config,
            aws: aws,
            role: role,
            parallelism: steps.parallelism,
            fullRefresh: fullRefresh,
            nodeAMIReleases: refreshNodeAMI ? .latest : .keep,
            header: "up",
            observer: { printer.retrying($0) }
        ) { engine -> ExecutionSummary? in
            // Everything that would fail 20 minutes in (keys, known_hosts, the Flux manifest, …) stops here, all at once.
            let findings = await engine.preflight(reachesPrivateEndpoint: runsInsideVPC())
            if !findings.isEmpty {
                reportPreflight(findings, json: output.output == .json)
                throw CLIError(
                    message: "preflight found \(findings.count) problem(s) (listed above); nothing was changed"
                )
            }
            let json = output.output == .json
            // Ctrl-C while observing ends with the resume hint too (not by the signal's default action).
            let planned = try await runCancellableOnInterrupt(command: "up") {
                do { return try await engine.plan(events: printer) } catch { throw CLIError(error) }
            }
            reportInsights(planned.upgradeInsights, json: json)
            if let insights = planned.upgradeInsights, insights.hasErrors, !ignoreInsights {
                throw CLIError(UpgradeInsightError(insights: insights))
            }
            // Text output prints the whole plan, whose last line is the summary; JSON lines get it as an event.
            let plan = planned.plan
            if !json {
                print(PlanPrinter.text(plan, colour: colour && isatty(STDOUT_FILENO) == 1))
            } else {
                printer.handle(
                    .planComputed(summary: plan.summary, changes: plan.changes.filter { $0.action != .noop }.count)
                )
            }
            // Nothing to change: no lock, not a single write.
            guard plan.hasChanges else { return nil }
            let target = "cluster \(engine.config.name) in \(engine.session.region.name)"
            guard try confirm("Apply these changes to \(target)?", yes: yes) else {
                throw CLIError(message: "cancelled; nothing was changed")
            }
            let ignoreInsights = self.ignoreInsights
            return try await withPlatformLock(engine, command: "up", options: lock) { () -> ExecutionSummary? in
                // Observed again under the lock: another run may have changed the platform since the plan was shown.
                let locked = try await runCancellableOnInterrupt(command: "up") {
                    do { return try await engine.plan(events: NullEventHandler()) } catch { throw CLIError(error) }
                }
                guard Self.sameChanges(locked.plan, plan) else {
                    throw CLIError(
                        message: "the platform changed after the plan was shown (another run?); nothing was changed; "
                            + "run `platformctl up` again to see the new plan"
                    )
                }
                printer.expect(steps: plan.changes.filter { $0.action != .noop }.count)
                let heartbeat = printer.startHeartbeat()
                defer { heartbeat.cancel() }
                do {
                    return try await runCancellableOnInterrupt(command: "up") {
                        try await engine.apply(locked, events: printer, ignoringInsightErrors: ignoreInsights)
                    }
                } catch {
                    throw CLIError(error)
                }
            }
        }
        if let summary, !summary.isSuccess { throw ExitCode(1) }
    }
}

extension Up {
    /// Whether two plans make the same changes (ids and actions; reasons may word a wait differently).
    static func sameChanges(_ lhs: Plan, _ rhs: Plan) -> Bool {
        func changes(_ plan: Plan) -> [String] {
            plan.changes.filter { $0.action != .noop }.map { "\($0.action.rawValue) \($0.id)" }.sorted()
        }
        return changes(lhs) == changes(rhs)
    }
}

/// `platformctl status`: what exists, by tags, with each resource's state.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the platform's resources as found by tags, their state, and whether they match platform.yaml."
    )

    @Option(name: .long, help: "Path to platform.yaml.")
    var config: String = "platform.yaml"

    @OptionGroup var aws: AWSOptions
    @OptionGroup var role: RoleOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let status: PlatformEngine.Status
        let platform: PlatformConfig
        do {
            (platform, status) = try await withEngine(config: config, aws: aws, role: role, header: "status") { engine in
                (engine.config, try await engine.status())
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw CLIError(error)
        }
        let (observed, plan, inCluster) = (status.observed, status.plan, status.inCluster)
        var rows: [JSONValue] = []
        var lines: [String] = []
        for change in plan.changes {
            let resource = observed.resource(change.id)
            let state = resource == nil ? "missing" : (resource?.status ?? "present")
            let drift = change.action == .noop ? "in sync" : change.action.rawValue
            rows.append([
                "id": .string(change.id.description), "state": .string(state), "plan": .string(drift),
                "physicalID": .string(resource?.physicalID ?? ""),
            ])
            let name = change.id.description.padding(toLength: 44, withPad: " ", startingAt: 0)
            lines.append("\(name) \(state.padding(toLength: 10, withPad: " ", startingAt: 0)) \(drift)")
        }
        if output.output == .json {
            let drifted: [JSONValue] = (inCluster?.driftedNodeClaims ?? []).map { claim in
                [
                    "name": .string(claim.name), "nodePool": .string(claim.nodePool), "reason": .string(claim.reason),
                    "deleting": .bool(claim.deleting),
                ]
            }
            let driftedPerPool: [String: JSONValue] = (inCluster?.driftedPerNodePool ?? [:]).mapValues { .integer($0) }
            let addons: [JSONValue] = status.addons.map { Self.json($0) }
            let nodeGroups: [JSONValue] = status.nodeAMIReleases.map { Self.json($0) }
            print(
                Console.redactor.redact(
                    PolicyDocument.canonicalJSON([
                        "cluster": .string(platform.name), "endpoint": .string(observed.clusterEndpoint ?? ""),
                        "resources": .array(rows),
                        "lock": .string(status.lock.map { $0.summary } ?? ""),
                        "reachability": .array(
                            (status.reachability?.checks ?? []).map {
                                [
                                    "from": .string($0.from), "to": .string($0.to), "port": .number(Double($0.port)),
                                    "protocols": .array($0.transports.map { .string($0.rawValue) }),
                                    "reachable": .bool($0.isReachable),
                                ]
                            }
                        ),
                        "inCluster": .array(
                            ((inCluster?.kustomizations ?? []) + (inCluster?.nodePools ?? []) + (inCluster?.nodeClaims ?? []))
                                .map {
                                    [
                                        "name": .string($0.name), "ready": .string($0.ready), "message": .string($0.message),
                                        "age": .string($0.age),
                                    ]
                                }
                        ),
                        "driftedNodeClaims": .array(drifted), "driftedPerNodePool": .object(driftedPerPool),
                        "addons": .array(addons), "nodeGroups": .array(nodeGroups),
                    ])
                )
            )
        } else if observed.resources.isEmpty {
            print(
                "platform \(platform.name) does not exist in \(platform.spec.region): nothing is tagged for it "
                    + "(`platformctl up` creates it)"
            )
        } else {
            print(Console.redactor.redact("platform \(platform.name) in \(platform.spec.region): \(plan.summary)"))
            for line in lines { print(Console.redactor.redact(line)) }
            if !status.addons.isEmpty {
                print("\nadd-ons on Kubernetes \(status.addons[0].kubernetesVersion) (VERSION, EKS DEFAULT):")
                for line in Self.addonLines(status.addons) { print(Console.redactor.redact(line)) }
            }
            if !status.nodeAMIReleases.isEmpty {
                print("\nnode group AMI releases:")
                for line in Self.releaseLines(status.nodeAMIReleases) { print(Console.redactor.redact(line)) }
            }
            if let holder = status.lock {
                let state = holder.expires < Date() ? "expired lease (the next run takes it over)" : "held"
                print(Console.redactor.redact("\nrun lock: \(state): \(holder.summary)"))
            }
            if let reachability = status.reachability {
                print("\nnetwork paths (security groups):")
                for check in reachability.checks { print("  \(check)") }
            }
            if let inCluster {
                let entries = inCluster.kustomizations + inCluster.nodePools + inCluster.nodeClaims
                print("\nin the cluster (READY, AGE, MESSAGE):")
                if entries.isEmpty { print("  no Flux Kustomizations or Karpenter NodePools yet") }
                for entry in entries {
                    let name = entry.name.padding(toLength: 44, withPad: " ", startingAt: 0)
                    let ready = entry.ready.padding(toLength: 8, withPad: " ", startingAt: 0)
                    let age = entry.age.padding(toLength: 6, withPad: " ", startingAt: 0)
                    print(Console.redactor.redact("\(name) \(ready) \(age) \(entry.message)"))
                }
                let drifted = inCluster.driftedNodeClaims
                if !drifted.isEmpty {
                    print("\ndrifted NodeClaims (Karpenter replaces them within each NodePool's disruption budgets):")
                    for (pool, count) in inCluster.driftedPerNodePool.sorted(by: { $0.key < $1.key }) {
                        print(Console.redactor.redact("  NodePool/\(pool): \(count) drifted"))
                        for claim in drifted where claim.nodePool == pool {
                            let detail = [claim.reason, claim.deleting ? "being replaced" : ""].filter { !$0.isEmpty }
                            print(
                                Console.redactor.redact(
                                    "    NodeClaim/\(claim.name)"
                                        + (detail.isEmpty ? "" : " (\(detail.joined(separator: ", ")))")
                                )
                            )
                        }
                    }
                }
            } else if observed.clusterEndpoint != nil {
                print("\nin the cluster: not reachable (set PLATFORMCTL_KUBE_API for a local API, or check access)")
            }
        }
    }
}

extension Status {
    /// `coredns  v1.12.1-eksbuild.2  v1.12.3-eksbuild.1  newer default available (held back by the pin in platform.yaml)`.
    static func addonLines(_ addons: [AddonVersionStatus]) -> [String] {
        addons.map { addon in
            let installed = addon.installed ?? "?"
            let note: String
            if addon.heldBackByPin {
                note = "newer default available (held back by the pin \(addon.pinned ?? "") in platform.yaml)"
            } else if addon.newerDefaultExists {
                note = "newer default available (the next Kubernetes upgrade moves it)"
            } else if addon.defaultVersion == nil {
                note = "EKS lists no default for this version"
            } else {
                note = addon.pinned == nil ? "up to date" : "pinned in platform.yaml"
            }
            return "  " + addon.name.padding(toLength: 24, withPad: " ", startingAt: 0) + " "
                + installed.padding(toLength: 22, withPad: " ", startingAt: 0) + " "
                + (addon.defaultVersion ?? "-").padding(toLength: 22, withPad: " ", startingAt: 0) + " " + note
        }
    }

    /// `system  AL2023_x86_64_STANDARD  Kubernetes 1.33  release 1.33.5-20251112  latest 1.33.7-20251201 (newer…)`.
    static func releaseLines(_ releases: [NodeAMIReleaseStatus]) -> [String] {
        releases.map { group in
            let latest: String
            if let newest = group.latestReleaseVersion {
                latest =
                    group.isBehind
                    ? "latest \(newest) (newer; `platformctl up --refresh-node-ami` rolls the nodes to it)"
                    : "latest \(newest) (up to date)"
            } else {
                latest = "latest unknown (\(group.latestUnknownReason ?? "not published"))"
            }
            return "  \(group.nodeGroup)  \(group.amiType)  Kubernetes \(group.kubernetesVersion)  "
                + "release \(group.releaseVersion)  \(latest)"
        }
    }

    static func json(_ addon: AddonVersionStatus) -> JSONValue {
        [
            "name": .string(addon.name), "version": addon.installed.map { JSONValue.string($0) } ?? .null,
            "defaultVersion": addon.defaultVersion.map { JSONValue.string($0) } ?? .null,
            "pinnedVersion": addon.pinned.map { JSONValue.string($0) } ?? .null,
            "kubernetesVersion": .string(addon.kubernetesVersion), "newerDefaultExists": .bool(addon.newerDefaultExists),
            "heldBackByPin": .bool(addon.heldBackByPin),
        ]
    }

    static func json(_ group: NodeAMIReleaseStatus) -> JSONValue {
        [
            "name": .string(group.nodeGroup), "kubernetesVersion": .string(group.kubernetesVersion),
            "amiType": .string(group.amiType), "releaseVersion": .string(group.releaseVersion),
            "latestReleaseVersion": group.latestReleaseVersion.map { JSONValue.string($0) } ?? .null,
            "latestUnknownReason": group.latestUnknownReason.map { JSONValue.string($0) } ?? .null,
            "behind": .bool(group.isBehind),
        ]
    }
}
