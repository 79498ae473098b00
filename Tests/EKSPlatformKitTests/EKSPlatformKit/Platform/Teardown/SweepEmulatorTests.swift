import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// `down`'s sweeps of what Karpenter leaves behind, against the AWS emulator (which answers as AWS does where moto
/// would be kinder: `ListInstanceProfiles` returns no tags).
@Suite("Engine: teardown sweeps on the AWS emulator")
struct SweepEmulatorTests {
    @Test("the instance-profile sweep finds Karpenter's profile by its tag, which only GetInstanceProfile returns")
    func instanceProfileSweepReadsTags() async throws {
        // Its own emulator: tests on the shared one inject one-shot faults into the calls this test makes.
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let cluster = "sweep-\(UUID().uuidString.prefix(8).lowercased())"
        let iam = session.iam
        let role = "\(cluster)-karpenter-node"
        _ = try await iam.createRole(
            roleName: role,
            assumeRolePolicyDocument: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
                + #""Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        )
        let karpenters = "\(cluster)_1234567890"
        let someoneElses = "\(cluster)-other"
        _ = try await iam.createInstanceProfile(
            instanceProfileName: karpenters,
            tags: [IAMTag(key: "kubernetes.io/cluster/\(cluster)", value: "owned")]
        )
        try await iam.addRoleToInstanceProfile(instanceProfileName: karpenters, roleName: role)
        _ = try await iam.createInstanceProfile(instanceProfileName: someoneElses, tags: [IAMTag(key: "team", value: "a")])
        let listed = try await iam.listInstanceProfiles().first { $0.instanceProfileName == karpenters }
        #expect(listed?.tags == [], "the emulator lists profiles without tags, as IAM does")

        let config = EngineFixtures.config(name: cluster, gitops: false)
        let teardown = TeardownPlan(
            stages: TeardownPlan(blueprint: try EngineFixtures.blueprint(config)).stages
                .filter { $0.name == "sweep-compute" }
        )
        let down = try await Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })
            .down(
                teardown: teardown,
                config: config,
                observed: ObservedState(
                    context: EngineFixtures.context,
                    availableZones: EngineFixtures.zones,
                    resources: [],
                    clusterEndpoint: nil
                ),
                provider: AWSTeardownProvider(session: session, kube: nil),
                events: NullEventHandler()
            )
        #expect(down.isSuccess, "\(down.failed)")
        let left = try await iam.listInstanceProfiles().map(\.instanceProfileName)
        #expect(!left.contains(karpenters), "Karpenter's profile is swept")
        #expect(left.contains(someoneElses), "a profile without the cluster tag is left alone")
        try await iam.deleteInstanceProfile(instanceProfileName: someoneElses)
        try await iam.deleteRole(roleName: role)
    }

    /// Runs `script` with python3 and boto3 against `endpoint` (an independent client plants what Karpenter leaves).
    static func boto3(_ script: String, endpoint: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, endpoint]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("at scale: 1,001 instances in TerminateInstances batches of at most 1,000, and 20 launch templates, all swept")
    func sweepAtScale() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let cluster = "scale"
        try Self.boto3(
            """
            import sys, boto3
            kw = dict(endpoint_url=sys.argv[1], region_name="us-west-2", aws_access_key_id="AKIDSCALE",
                      aws_secret_access_key="scale")
            ec2 = boto3.client("ec2", **kw)
            vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.0.0/20")["Subnet"]["SubnetId"]
            image = ec2.describe_images()["Images"][0]["ImageId"]
            tags = [{"Key": "kubernetes.io/cluster/scale", "Value": "owned"}, {"Key": "karpenter.sh/nodepool", "Value": "a"}]
            for count in (500, 501):
                ec2.run_instances(ImageId=image, MinCount=count, MaxCount=count, SubnetId=subnet,
                                  TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])
            for i in range(20):
                ec2.create_launch_template(LaunchTemplateName=f"karpenter.k8s.aws/{i}", LaunchTemplateData={},
                    TagSpecifications=[{"ResourceType": "launch-template",
                                        "Tags": [{"Key": "karpenter.k8s.aws/cluster", "Value": "scale"}]}])
            """,
            endpoint: emulator.endpoint.absoluteString
        )
        let config = EngineFixtures.config(name: cluster, gitops: false)
        let teardown = TeardownPlan(
            stages: TeardownPlan(blueprint: try EngineFixtures.blueprint(config)).stages.filter { $0.name == "sweep-compute" }
        )
        _ = try await emulator.post("/_emulator/requests/clear", body: "{}")
        let down = try await Executor(runner: GraphRunner(maxConcurrency: 4) { _ in try await Task.sleep(for: .milliseconds(5)) })
            .down(
                teardown: teardown,
                config: config,
                observed: ObservedState(context: EngineFixtures.context, availableZones: EngineFixtures.zones, resources: []),
                provider: AWSTeardownProvider(session: session, kube: nil),
                events: NullEventHandler()
            )
        #expect(down.isSuccess, "\(down.failed)")
        let operations = try await EngineEmulatorTests.operations(emulator)
        #expect(operations.filter { $0 == "TerminateInstances" }.count == 2, "1,000 then 1")
        #expect(operations.filter { $0 == "DeleteLaunchTemplate" }.count == 20)
        let live = try await session.ec2.describeInstancesPages(
            filters: [
                EC2Filter(name: "tag-key", values: ["kubernetes.io/cluster/scale"]),
                EC2Filter(name: "instance-state-name", values: ["pending", "running", "stopping", "stopped"]),
            ],
            maxResults: 1000
        ).allItems()
        #expect(live.isEmpty, "\(live.count) instances left")
        let templates = try await session.ec2.describeLaunchTemplatesPages(maxResults: 200).allItems()
        #expect(templates.isEmpty, "\(templates.count) launch templates left")
    }
}
