import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// `up` against the local AWS emulator: from nothing to every resource, then a second run that changes nothing.
@Suite("Engine: up on the AWS emulator", .serialized)
struct EngineEmulatorTests {
    /// Operations that only read.
    static func isRead(_ operation: String) -> Bool {
        ["Describe", "List", "Get"].contains { operation.hasPrefix($0) }
    }

    /// The AWS operations the emulator logged since `after` (sequence number).
    static func operations(_ emulator: AWSEmulator) async throws -> [String] {
        try await requests(emulator).map(\.operation)
    }

    /// The service and operation of every AWS request the emulator logged since the last clear.
    static func requests(_ emulator: AWSEmulator) async throws -> [(service: String, operation: String)] {
        let text = try await emulator.get("/_emulator/requests")
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let entries = object?["requests"] as? [[String: Any]] ?? []
        return entries.map { ($0["service"] as? String ?? "?", $0["operation"] as? String ?? "?") }
    }

    /// Issue 16: the offline version table ages; a plan that creates (or upgrades) the cluster asks EKS.
    @Test("a Kubernetes version the region does not offer is refused by plan before any write, naming those it does")
    func kubernetesVersionNotOffered() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        var config = EngineFixtures.config(name: "future", gitops: false)
        config.spec.kubernetesVersion = "1.35"  // within validate's offline table, not offered by this region
        let refusal = await ClientTests.error(PlanRefusal.self) {
            _ = try await PlatformEngine(config: config, session: session).plan()
        }
        #expect(refusal?.code == "plan.kubernetes-version")
        #expect(
            refusal?.message
                == "EKS does not offer Kubernetes 1.35 in us-west-2 (DescribeClusterVersions); set spec.kubernetesVersion "
                + "to one it offers: 1.34, 1.33, 1.32, 1.31, 1.30, 1.29, 1.28 (default 1.34)"
        )
        #expect(try await Self.operations(emulator).filter { !Self.isRead($0) }.isEmpty)
        config.spec.kubernetesVersion = "1.34"
        _ = try await PlatformEngine(config: config, session: session).plan()
        try await session.shutdown()
    }

    /// Issue 16: the quotas a fresh account lacks stop `plan`, all at once, before the first write; an applied
    /// increase (Service Quotas) lets the same plan through; with nothing new to create nothing is read.
    @Test("quotas: VPCs and Elastic IPs the account has no room for are refused by plan, naming each quota")
    func quotasAreCheckedBeforeAnyWrite() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let region = "eu-north-1"
        let session = try AWSSession(emulator.sessionOptions(region: region))
        // moto's default VPC is one; four more fill the default quota of 5. Five Elastic IPs fill theirs.
        for index in 0..<4 { _ = try await session.ec2.createVpc(cidrBlock: "10.\(100 + index).0.0/16") }
        for _ in 0..<5 { _ = try await session.ec2.allocateAddress() }
        #expect(try await session.ec2.describeVpcs().count == 5)
        var config = EngineFixtures.config(name: "quota", gitops: false)
        config.spec.region = region
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let refusal = await ClientTests.error(PlanRefusal.self) {
            _ = try await PlatformEngine(config: config, session: session).plan()
        }
        #expect(refusal?.code == "plan.quota")
        let message = refusal?.message ?? ""
        #expect(
            message.contains("VPCs per Region in eu-north-1: 5 in use + 1 this plan creates > quota 5 (vpc/L-F678F1CE)"),
            "\(message)"
        )
        #expect(message.contains("--service-code vpc --quota-code L-F678F1CE --desired-value 6"), "\(message)")
        #expect(
            message.contains("EC2-VPC Elastic IPs in eu-north-1: 5 in use + 1 this plan creates > quota 5 (ec2/L-0263D0A3)"),
            "\(message)"
        )
        #expect(!message.contains("Internet gateways"), "\(message)")
        let operations = try await Self.operations(emulator)
        #expect(operations.filter { !Self.isRead($0) }.isEmpty)
        // The applied value comes first; the default only where Service Quotas has none.
        #expect(operations.contains("GetServiceQuota") && operations.contains("GetAWSDefaultServiceQuota"))

        for (service, code) in [("vpc", "L-F678F1CE"), ("ec2", "L-0263D0A3")] {
            _ = try await emulator.post(
                "/_emulator/quotas",
                body: #"{"region": "\#(region)", "serviceCode": "\#(service)", "quotaCode": "\#(code)", "value": 10}"#
            )
        }
        _ = try await PlatformEngine(config: config, session: session).plan()
        try await session.shutdown()
    }

    @Test("zones: the opted-in Local Zone EC2 lists (and that sorts first) is never given a subnet")
    func localZonesAreNotCounted() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let listed = try await session.ec2.describeAvailabilityZones().map(\.zoneName)
        #expect(listed.sorted().first == "us-west-2-lax-1a", "EC2 lists opted-in Local Zones unless filtered: \(listed)")

        let config = EngineFixtures.config(name: "zones", gitops: false)
        let observed = try await AWSPlatformObserver(session: session).observe(config)
        #expect(observed.availableZones.sorted() == ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"])
        let (blueprint, _) = try await Planner.plan(config, observer: AWSPlatformObserver(session: session))
        let zones = Set(blueprint.resources.compactMap { ($0.spec as? ResourceSpec.Subnet)?.zone })
        #expect(zones == ["us-west-2a", "us-west-2b", "us-west-2c"])
    }

    @Test("up from empty creates every resource with its tags; a second up makes no mutating call")
    func upTwice() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let config = EngineFixtures.config(name: "emu", gitops: false)
        let observer = AWSPlatformObserver(session: session)
        let provider = AWSPlatformProvider(session: session)
        let executor = Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })

        let (blueprint, plan) = try await Planner.plan(config, observer: observer)
        // The platform's 34 resources, plus the admin access entry of the identity running `up` (moto's user/moto).
        #expect(plan.counts == [.create: 34 + 1])
        let observed = try await observer.observe(config)
        let events = RecordingEvents()
        let summary = try await executor.up(
            plan: plan,
            blueprint: blueprint,
            observed: observed,
            provider: provider,
            events: events
        )
        #expect(summary.isSuccess, "\(summary.failed)")
        guard summary.isSuccess else { return }

        let vpcs = try await session.ec2.describeVpcs(
            filters: [EC2Filter(name: "tag:eksplatform.io/cluster", values: ["emu"])]
        )
        #expect(vpcs.count == 1)
        let vpcTags = Dictionary(uniqueKeysWithValues: (vpcs.first?.tags ?? []).map { ($0.key, $0.value) })
        #expect(vpcTags["team"] == "platform" && vpcTags["eksplatform.io/resource"] == "vpc/main")
        let subnets = try await session.ec2.describeSubnets(
            filters: [EC2Filter(name: "tag:karpenter.sh/discovery", values: ["emu"])]
        )
        #expect(subnets.map(\.cidrBlock).sorted() == ["10.42.0.0/19", "10.42.32.0/19", "10.42.64.0/19"])
        let role = try await session.iam.getRole(roleName: "emu-karpenter-controller")
        #expect(role.tags.contains(IAMTag(key: "eksplatform.io/cluster", value: "emu")))
        let cluster = try await session.eks.describeCluster(name: "emu")
        #expect(cluster.tags?["team"] == "platform")
        #expect(cluster.accessConfig?.authenticationMode == "API")

        let (_, second) = try await Planner.plan(config, observer: observer)
        let changed = second.changes.filter { $0.action != .noop }
        #expect(changed.isEmpty, "\(changed.map { "\($0.id): \($0.reasons)" })")

        let first = try await Self.operations(emulator)
        for operation in [
            "CreateVpc", "CreateNatGateway", "CreateRole", "PutRolePolicy", "CreateCluster", "CreateNodegroup",
            "CreateAddon", "CreateAccessEntry", "CreatePodIdentityAssociation", "CreateQueue", "PutRule", "PutTargets",
        ] {
            #expect(first.contains(operation), "the first up should call \(operation)")
        }

        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let (again, rerun) = try await Planner.plan(config, observer: observer)
        let rerunSummary = try await executor.up(
            plan: rerun,
            blueprint: again,
            observed: try await observer.observe(config),
            provider: provider,
            events: NullEventHandler()
        )
        #expect(rerunSummary.succeeded.isEmpty)
        let rerunOperations = try await Self.operations(emulator)
        let mutating = rerunOperations.filter { !Self.isRead($0) }
        #expect(mutating == [], "a second up must not change anything")

        // Turning the interruption queue off and dropping coredns: the queue, its rules and the add-on are deleted,
        // the controller policy loses its queue statement.
        var smaller = config
        smaller.spec.karpenter.interruptionQueue = false
        smaller.spec.addons.removeAll { $0 == "coredns" }
        let (smallerBlueprint, shrink) = try await Planner.plan(smaller, observer: observer)
        #expect(
            shrink.changes.filter { $0.action != .noop }.map { "\($0.action.rawValue) \($0.id)" } == [
                "update iamRole/karpenter-controller",
                "delete eventRule/SpotInterrupt", "delete eventRule/InstanceStateChange",
                "delete eventRule/InstanceRebalance", "delete eventRule/HealthEvent", "delete eventRule/CRInterruption",
                "delete sqsQueue/interruption", "delete addon/coredns",
            ]
        )
        let shrunk = try await executor.up(
            plan: shrink,
            blueprint: smallerBlueprint,
            observed: try await observer.observe(smaller),
            provider: provider,
            events: NullEventHandler()
        )
        #expect(shrunk.isSuccess, "\(shrunk.failed)")
        let (_, settled) = try await Planner.plan(smaller, observer: observer)
        #expect(!settled.hasChanges, "\(settled.changes.filter { $0.action != .noop })")

        // down: everything found by tags is deleted in the safe order; nothing tagged is left.
        let teardown = TeardownPlan(blueprint: blueprint)
        let downEvents = RecordingEvents()
        let down = try await executor.down(
            teardown: teardown,
            config: config,
            observed: try await observer.observe(config),
            provider: AWSTeardownProvider(session: session, kube: nil),
            events: downEvents
        )
        #expect(down.isSuccess, "\(down.failed)")
        let left = try await observer.observe(config)
        #expect(left.resources.map(\.id.description) == [])
        #expect(left.clusterEndpoint == nil)
        let rerunDown = try await executor.down(
            teardown: teardown,
            config: config,
            observed: left,
            provider: AWSTeardownProvider(session: session, kube: nil),
            events: NullEventHandler()
        )
        #expect(rerunDown.isSuccess)
        // Two observations (plan, then up), each one tag-filtered call per EC2 resource type, not one per resource.
        for operation in ["DescribeVpcs", "DescribeSubnets", "DescribeRouteTables", "DescribeNatGateways"] {
            #expect(rerunOperations.filter { $0 == operation }.count == 2, "\(operation)")
        }
    }
}

@Suite(
    "Engine: platformctl plan/up/status on the AWS emulator",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct EngineCLIEmulatorTests {
    @Test("plan --detailed-exitcode 2, up needs --yes without a TTY, up --yes, then plan exits 0 and status is in sync")
    func planUpPlan() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("platform.yaml").path
        var text = PlatformTemplate.yaml(name: "cli", region: "us-west-2")
        if let range = text.range(of: "  gitops:"), let tags = text.range(of: "  tags:") {
            text.removeSubrange(range.lowerBound..<tags.lowerBound)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let env = ["AWS_ACCESS_KEY_ID": "AKIAENGINETEST000001", "AWS_SECRET_ACCESS_KEY": "engine-secret"]
        let common = ["--config", path, "--endpoint-url", emulator.endpoint.absoluteString]

        let plan = try await CLI.run(["plan"] + common + ["--detailed-exitcode"], environment: env)
        #expect(plan.status == 2, "\(plan.stderr)")
        #expect(plan.stdout.contains("  + vpc/main\n      does not exist"))
        // The last of the 35 is the admin access entry of the identity running platformctl (not in access.admins).
        #expect(plan.stdout.contains("Plan: 35 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged."))

        let refused = try await CLI.run(["up"] + common, environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("pass --yes"))
        // In JSON mode the same error is also the last JSON line on stdout.
        let refusedJSON = try await CLI.run(["up", "--output", "json"] + common, environment: env)
        #expect(refusedJSON.status == 1)
        let last = try #require(refusedJSON.stdout.split(separator: "\n").last)
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        #expect(object?["event"] as? String == "error")
        #expect((object?["message"] as? String)?.contains("pass --yes") == true)

        let up = try await CLI.run(["up", "--yes", "--output", "json"] + common, environment: env)
        #expect(up.status == 0, "\(up.stderr)")
        // -o json: every line of stdout is one JSON object (what `| jq` reads); stderr stays human.
        let lines = up.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count > 30)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
        }
        #expect(up.stderr.hasPrefix("platformctl up · cluster cli · region us-west-2"))
        #expect(lines.last?.contains(#""event":"finished""#) == true)
        #expect(lines.last?.contains(#""success":true"#) == true)
        #expect(!up.stderr.contains(AWSEmulator.accountID) && !up.stdout.contains(AWSEmulator.accountID))

        let again = try await CLI.run(["plan"] + common + ["--detailed-exitcode", "--output", "json"], environment: env)
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains(#""hasChanges":false"#))

        let status = try await CLI.run(["status"] + common, environment: env)
        #expect(status.status == 0)
        #expect(status.stdout.contains("cluster/main"))
        // The security groups as AWS has them: Karpenter's nodes share the cluster security group with the system nodes.
        #expect(status.stdout.contains("network paths (security groups):"))
        #expect(status.stdout.contains("  Karpenter nodes → CoreDNS on the system nodes (UDP/TCP 53): reachable\n"))
        #expect(!status.stdout.contains("BLOCKED"), "\(status.stdout)")
        #expect(status.stdout.contains("in sync"))
        #expect(!status.stdout.contains(AWSEmulator.accountID))
    }

    @Test("AccessDenied names the action and the resource, stops the run, masks the account; a re-run finishes")
    func accessDeniedStopsThenResumes() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-denied-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("platform.yaml").path
        var text = PlatformTemplate.yaml(name: "denied", region: "us-west-2")
        if let range = text.range(of: "  gitops:"), let tags = text.range(of: "  tags:") {
            text.removeSubrange(range.lowerBound..<tags.lowerBound)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let env = ["AWS_ACCESS_KEY_ID": "AKIAENGINETEST000002", "AWS_SECRET_ACCESS_KEY": "engine-secret"]
        let common = ["--config", path, "--endpoint-url", emulator.endpoint.absoluteString]
        _ = try await emulator.post(
            "/_emulator/faults",
            body: #"{"rules":[{"service":"iam","operation":"CreateRole","kind":"access-denied","count":1}]}"#
        )

        let denied = try await CLI.run(["up", "--yes"] + common, environment: env)
        #expect(denied.status != 0)
        let output = denied.stdout + denied.stderr
        #expect(output.contains("Stopped because of a permission error: AccessDenied on iam:CreateRole"), "\(output)")
        #expect(output.contains("is not authorized to perform: iam:CreateRole"))
        // The failed step names the resource (which of the four roles was first is up to the scheduler).
        #expect(
            output.split(separator: "\n").contains {
                $0.contains("FAILED") && $0.contains("create iamRole/") && $0.contains(": AccessDenied on iam:CreateRole")
            },
            "\(output)"
        )
        #expect(output.contains("grant this action to the identity running platformctl and run again"))
        #expect(output.contains("Run `platformctl up` again to resume."))
        #expect(!output.contains(AWSEmulator.accountID), "the account id must be masked")
        let log = try await emulator.get("/_emulator/requests")
        #expect(!log.contains(#""operation": "CreateCluster""#) && !log.contains(#""operation":"CreateCluster""#))

        let resumed = try await CLI.run(["up", "--yes"] + common, environment: env)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let plan = try await CLI.run(["plan", "--detailed-exitcode"] + common, environment: env)
        #expect(plan.status == 0, "\(plan.stdout)")
    }
}
