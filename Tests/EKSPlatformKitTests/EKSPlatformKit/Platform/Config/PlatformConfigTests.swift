import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("platform.yaml loading")
struct PlatformConfigTests {
    static let minimal = """
        apiVersion: eksplatform.io/v1alpha1
        kind: Platform
        metadata:
          name: dev
        spec:
          region: us-west-2

        """

    @Test func minimalConfigGetsDocumentedDefaults() throws {
        let config = try PlatformConfig.parse(Self.minimal, file: "platform.yaml")
        #expect(config.name == "dev")
        #expect(config.spec.region == "us-west-2")
        #expect(config.spec.kubernetesVersion == "1.33")
        #expect(config.spec.network.vpcCIDR == "10.42.0.0/16")
        #expect(config.spec.network.availabilityZones == .count(3))
        #expect(config.spec.network.natGateways == .single)
        #expect(config.spec.network.existing == nil)
        #expect(config.spec.endpointAccess.public && config.spec.endpointAccess.private)
        #expect(config.spec.endpointAccess.publicCIDRs == ["0.0.0.0/0"])
        #expect(config.spec.systemNodeGroup.instanceTypes == ["m6i.large"])
        #expect(config.spec.systemNodeGroup.size == PlatformConfig.Size(min: 2, desired: 2, max: 3))
        #expect(config.spec.systemNodeGroup.amiType == "AL2023_x86_64_STANDARD")
        #expect(config.systemTaint == SystemTaint(key: "CriticalAddonsOnly", value: "true", effect: .noSchedule))
        #expect(config.spec.systemNodeGroup.labels == ["eksplatform.io/pool": "system"])
        #expect(config.spec.addons == ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent"])
        #expect(config.spec.access.admins.isEmpty)
        #expect(config.spec.karpenter.version == "1.14.1")
        #expect(config.spec.karpenter.nodeClass.amiAlias == "al2023@latest")
        #expect(config.spec.karpenter.nodePool.capacityTypes == ["on-demand"])
        #expect(config.spec.karpenter.nodePool.instanceCategories == ["c", "m", "r"])
        #expect(config.spec.karpenter.nodePool.cpuLimit == Quantity(100))
        #expect(config.spec.karpenter.nodePool.consolidateAfter == "1m")
        #expect(config.spec.karpenter.interruptionQueue)
        #expect(config.spec.gitops == nil)
        #expect(config.spec.tags.isEmpty)
        #expect(config.operator == nil)
    }

    @Test func exampleParsesCompletely() throws {
        let config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        #expect(config.name == "demo")
        #expect(config.spec.karpenter.nodePool.capacityTypes == ["on-demand", "spot"])
        #expect(config.spec.access.admins == [.role("PlatformAdmin")])
        let gitops = try #require(config.spec.gitops)
        #expect(gitops.flux.version == "v2.9.4")
        #expect(gitops.flux.resolvedManifestURL == "https://github.com/fluxcd/flux2/releases/download/v2.9.4/install.yaml")
        #expect(
            gitops.repository
                == PlatformConfig.Repository(
                    url: "ssh://git@github.com/acme/platform.git",
                    branch: "main",
                    path: "kube/clusters/demo"
                )
        )
        #expect(gitops.repository.treeRoot == "kube")
        #expect(gitops.credentials == .sshPrivateKey("op://Platform/flux-deploy-key/private key"))
        #expect(config.spec.tags == ["team": "platform", "environment": "demo"])
        let op = try #require(config.operator)
        #expect(op.roles == ["admin": "PlatformAdmin", "readonly": "PlatformReadOnly"])
        #expect(op.sessionDuration == "1h")
        guard case .user(let user) = op.source else {
            Issue.record("expected user credentials")
            return
        }
        #expect(user.accessKeyID == "op://Private/aws-iam-user/access key id")
        #expect(user.totp == "op://Private/aws-iam-user/one-time password?attribute=otp")
    }

    @Test func fullSchemaAlternatives() throws {
        let yaml =
            Self.minimal + """
                  network:
                    availabilityZones: [us-west-2a, us-west-2c]
                    natGateways: perZone
                    existing: { vpcID: vpc-0123456789abcdef0, privateSubnetIDs: [subnet-01234567, subnet-89abcdef] }
                  systemNodeGroup:
                    taint: { key: dedicated, effect: NoExecute }
                  access:
                    admins: [ { arn: "arn:aws:iam::111122223333:role/Admin" } ]
                  gitops:
                    repository: { url: "https://github.com/acme/platform.git" }
                    credentials: { file: ~/.ssh/flux }
                operator:
                  profile: platform
                  sessionDuration: 12h

                """
        let config = try PlatformConfig.parse(yaml, file: "p.yaml")
        #expect(config.spec.network.availabilityZones == .names(["us-west-2a", "us-west-2c"]))
        #expect(config.spec.network.natGateways == .perZone)
        #expect(config.spec.network.existing?.privateSubnetIDs == ["subnet-01234567", "subnet-89abcdef"])
        #expect(config.spec.network.existing?.publicSubnetIDs == [])
        #expect(config.systemTaint == SystemTaint(key: "dedicated", value: nil, effect: .noExecute))
        #expect(config.spec.access.admins == [.arn("arn:aws:iam::111122223333:role/Admin")])
        #expect(config.spec.gitops?.repository.path == "kube/clusters/dev")
        #expect(config.spec.gitops?.repository.branch == "main")
        #expect(config.spec.gitops?.credentials == .file("~/.ssh/flux"))
        #expect(config.operator?.source == .profile("platform"))
        #expect(config.operator?.sessionDuration == "12h")
    }

    /// Appends `extra` to the minimal spec (and `top` after it) and returns the parse error.
    static func error(spec extra: String, top: String = "") -> ConfigError? {
        parseError(minimal + extra + top)
    }

    static func parseError(_ yaml: String) -> ConfigError? {
        do {
            _ = try PlatformConfig.parse(yaml, file: "bad.yaml")
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            return nil
        }
    }

    @Test func tooManyTagsForTheClusterAreRejected() throws {
        func tags(_ count: Int) -> String {
            "  tags:\n" + (0..<count).map { "    tag\($0): v\n" }.joined()
        }
        // Default add-ons (4), no admins: platformctl adds 2 ownership tags and 4 + 1 + 1 applied records, and one
        // for the tag it adds to the cluster security group.
        #expect(Self.error(spec: tags(41)) == nil)
        let error = try #require(Self.error(spec: tags(43)))
        #expect(error.code == .invalidValue)
        #expect(error.path == "spec.tags")
        #expect(error.message.hasPrefix("43 tags plus the 9 platformctl puts on the EKS cluster"))
        #expect(error.message.hasSuffix("remove at least 2"))
    }

    /// Issue 17: add-ons as names or `{ name, version }` entries that pin a version.
    @Test func addonVersionsCanBePinned() throws {
        let config = try PlatformConfig.parse(
            Self.minimal
                + "  addons:\n    - vpc-cni\n    - { name: coredns, version: v1.11.4-eksbuild.22 }\n"
                + "    - name: kube-proxy\n    - eks-pod-identity-agent\n",
            file: "p.yaml"
        )
        #expect(config.spec.addons == ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"])
        #expect(config.spec.addonVersions == ["coredns": "v1.11.4-eksbuild.22"])
        let blueprint = try Blueprint(config: config, zones: ["us-west-2a", "us-west-2b", "us-west-2c"])
        let coredns = try #require(
            blueprint.resources.first { $0.id == ResourceID(.addon, "coredns") }?.spec as? ResourceSpec.Addon
        )
        #expect(coredns.version == "v1.11.4-eksbuild.22")
        #expect(coredns.properties(in: EngineFixtures.context)[.addonVersion] == "v1.11.4-eksbuild.22")
        let vpcCNI = try #require(
            blueprint.resources.first { $0.id == ResourceID(.addon, "vpc-cni") }?.spec as? ResourceSpec.Addon
        )
        #expect(vpcCNI.properties(in: EngineFixtures.context)[.addonVersion] == nil, "unpinned: EKS's default, never compared")

        let bad = try #require(
            Self.error(spec: "  addons:\n    - eks-pod-identity-agent\n    - { name: coredns, version: 1.11 }\n")
        )
        #expect(bad.path == "spec.addons[1].version")
        #expect(bad.message.contains("is not an EKS add-on version; use the form EKS lists, e.g. v1.11.4-eksbuild.2"))
        let unknown = try #require(Self.error(spec: "  addons:\n    - { name: coredns, verison: v1.1.1 }\n"))
        #expect(unknown.path == "spec.addons[0].verison" && unknown.message.contains("did you mean \"version\"?"))
        let nameless = try #require(Self.error(spec: "  addons:\n    - { version: v1.1.1 }\n"))
        #expect(nameless.path == "spec.addons[0].name")
    }

    @Test func controlPlaneLogsDefaultsAndChoices() throws {
        let defaults = try PlatformConfig.parse(Self.minimal, file: "ok.yaml").spec.controlPlaneLogs
        #expect(defaults.types == ["api", "audit", "authenticator"])
        #expect(defaults.retentionDays == 90)
        #expect(!defaults.keepOnDown)
        let chosen = try PlatformConfig.parse(
            Self.minimal + "  controlPlaneLogs: { types: [api, scheduler], retentionDays: 365, keepOnDown: true }\n",
            file: "ok.yaml"
        ).spec.controlPlaneLogs
        #expect(chosen.types == ["api", "scheduler"] && chosen.retentionDays == 365 && chosen.keepOnDown)

        let days = try #require(Self.error(spec: "  controlPlaneLogs: { retentionDays: 100 }\n"))
        #expect(days.path == "spec.controlPlaneLogs.retentionDays")
        #expect(days.message.contains("one of 1, 3, 5, 7, 14, 30, 60, 90, 120"))
        #expect(days.message.hasSuffix("not 100"))
        let type = try #require(Self.error(spec: "  controlPlaneLogs: { types: [api, schedular] }\n"))
        #expect(type.path == "spec.controlPlaneLogs.types")
        #expect(type.message.contains("\"schedular\" is not an EKS control-plane log type (did you mean scheduler?)"))
    }

    @Test func invalidTaintEffect() throws {
        let error = try #require(
            Self.error(spec: "  systemNodeGroup:\n    taint:\n      key: CriticalAddonsOnly\n      effect: NoScheduel\n")
        )
        #expect(error.code == .invalidValue)
        #expect(error.path == "spec.systemNodeGroup.taint.effect")
        #expect(error.line == 10)
        #expect(error.column == 15)
        #expect(error.message.contains("NoSchedule, PreferNoSchedule, NoExecute"))
        #expect(error.message.contains("did you mean NoSchedule"))
        #expect(error.description.hasPrefix("bad.yaml:10:15: spec.systemNodeGroup.taint.effect: unsupported taint effect"))
    }

    @Test(arguments: ["Dev", "dev_1", "-dev", "dev-", String(repeating: "a", count: 101)])
    func nonRFC1123Name(name: String) throws {
        let yaml = Self.minimal.replacingOccurrences(of: "name: dev", with: "name: \(name)")
        do {
            _ = try PlatformConfig.parse(yaml, file: "bad.yaml")
            Issue.record("accepted \(name)")
        } catch let error as ConfigError {
            #expect(error.path == "metadata.name")
            #expect(error.line == 4)
            #expect(error.column == 9)
            #expect(error.message.contains("RFC 1123"))
        }
    }

    @Test func hundredCharacterNameIsAccepted() throws {
        let name = String(repeating: "a", count: 100)
        let config = try PlatformConfig.parse(
            Self.minimal.replacingOccurrences(of: "name: dev", with: "name: \(name)"),
            file: "p"
        )
        #expect(config.name == name)
    }

    @Test func badQuantity() throws {
        let error = try #require(Self.error(spec: "  karpenter:\n    nodePool:\n      cpuLimit: 10 cores\n"))
        #expect(error.path == "spec.karpenter.nodePool.cpuLimit")
        #expect(error.line == 9)
        #expect(error.column == 17)
        #expect(error.message.contains("not a Kubernetes quantity"))
    }

    @Test(arguments: [
        "al2024@latest", "ubuntu@latest", "al2023", "windows2022@v20240101", "al2023@yesterday", "windows2025@latest",
    ])
    func badAMIAlias(alias: String) throws {
        let error = try #require(Self.error(spec: "  karpenter:\n    nodeClass: { amiAlias: \"\(alias)\" }\n"))
        #expect(error.path == "spec.karpenter.nodeClass.amiAlias")
        #expect(error.line == 8)
        #expect(error.code == .invalidValue)
    }

    @Test func unknownAMIFamilyNamesTheFamilies() throws {
        let error = try #require(Self.error(spec: "  karpenter:\n    nodeClass: { amiAlias: al2024@latest }\n"))
        #expect(error.message.contains("unknown AMI family \"al2024\""))
        #expect(error.message.contains("al2, al2023, bottlerocket, windows2019, windows2022, windows2025"))
    }

    @Test(arguments: ["al2023@v20240703", "bottlerocket@v1.20.4", "al2@latest"])
    func goodAMIAlias(alias: String) throws {
        let config = try PlatformConfig.parse(
            Self.minimal + "  karpenter:\n    nodeClass: { amiAlias: \"\(alias)\" }\n",
            file: "p"
        )
        #expect(config.spec.karpenter.nodeClass.amiAlias == alias)
    }

    @Test func unknownFieldTypoSuggestsClosestName() throws {
        let error = try #require(Self.error(spec: "  systemNodeGroup:\n    instanceType: [m6i.large]\n"))
        #expect(error.code == .unknownField)
        #expect(error.path == "spec.systemNodeGroup.instanceType")
        #expect(error.line == 8)
        #expect(error.column == 5)
        #expect(error.message.contains("did you mean \"instanceTypes\"?"))
        let top = try #require(Self.error(spec: "", top: "operater:\n  profile: x\n"))
        #expect(top.path == "operater")
        #expect(top.message.contains("did you mean \"operator\"?"))
    }

    @Test func otherValidations() throws {
        let cases: [(String, String)] = [
            ("  network: { vpcCIDR: 10.42.0.0/33 }\n", "spec.network.vpcCIDR"),
            ("  network: { vpcCIDR: 10.42.1.0/16 }\n", "spec.network.vpcCIDR"),
            ("  network: { vpcCIDR: 10.300.0.0/16 }\n", "spec.network.vpcCIDR"),
            ("  systemNodeGroup: { size: { min: 3, desired: 2, max: 4 } }\n", "spec.systemNodeGroup.size.desired"),
            ("  systemNodeGroup: { size: { min: 1, desired: 5, max: 4 } }\n", "spec.systemNodeGroup.size.desired"),
            ("  karpenter: { nodePool: { consolidateAfter: 1 minute } }\n", "spec.karpenter.nodePool.consolidateAfter"),
            ("  network: { natGateways: many }\n", "spec.network.natGateways"),
            ("  addons: [vpc-cni, coredns]\n", "spec.addons"),
            ("  systemNodeGroup: { instanceTypes: m6i.large }\n", "spec.systemNodeGroup.instanceTypes"),
            ("  endpointAccess: { public: false, private: false }\n", "spec.endpointAccess.public"),
            ("  gitops: { repository: { url: \"git@github.com:acme/p.git\" } }\n", "spec.gitops.repository.url"),
            (
                "  gitops: { repository: { url: \"ssh://git@h/p.git\", path: kube/clusters/other } }\n",
                "spec.gitops.repository.path"
            ),
        ]
        for (extra, path) in cases {
            let error = Self.error(spec: extra)
            #expect(error?.path == path, "\(extra)")
            #expect((error?.line ?? 0) > 0, "\(extra)")
        }
        #expect(Self.error(spec: "", top: "operator: { sessionDuration: 5m, profile: p }\n")?.path == "operator.sessionDuration")
        let tag = try #require(Self.error(spec: "  tags:\n    team: platform\n    aws:owner: me\n"))
        #expect(tag.path == "spec.tags.aws:owner")
        #expect(tag.line == 9)
        #expect(tag.column == 5)
        let label = try #require(Self.error(spec: "  systemNodeGroup:\n    labels: { pool: \"not valid!\" }\n"))
        #expect(label.path == "spec.systemNodeGroup.labels.pool")
        #expect(label.line == 8)
        let role = try #require(
            Self.error(spec: "", top: "operator:\n  profile: p\n  roles:\n    admin: \"arn:aws:s3:::bucket\"\n")
        )
        #expect(role.path == "operator.roles.admin")
        #expect(role.line == 10)
        #expect(Self.error(spec: "", top: "operator: { roles: { a: b } }\n")?.path == "operator.user")
        let region = try #require(Self.parseError(Self.minimal.replacingOccurrences(of: "us-west-2", with: "Oregon")))
        #expect(region.path == "spec.region")
        #expect(region.line == 6)
    }

    /// Issue 16: the mistakes a new user makes, each with the message that helps.
    @Test func validationHolesFromIssue16() throws {
        let twice = try #require(Self.error(spec: "  network: { availabilityZones: [us-west-2a, us-west-2b, us-west-2a] }\n"))
        #expect(twice.message.contains("\"us-west-2a\" is listed more than once"))
        let short = try #require(Self.error(spec: "  kubernetesVersion: 1.3\n"))
        #expect(short.path == "spec.kubernetesVersion" && short.message.contains("YAML reads 1.30 as the number 1.3"))
        for version in ["\"1.20\"", "\"1.99\""] {
            let old = try #require(Self.error(spec: "  kubernetesVersion: \(version)\n"), "\(version)")
            #expect(old.message.contains("EKS does not offer Kubernetes"), "\(old.message)")
        }
        #expect(Self.error(spec: "  kubernetesVersion: \"1.34\"\n") == nil)
        let region = try #require(Self.parseError(Self.minimal.replacingOccurrences(of: "us-west-2", with: "us-wset-2")))
        #expect(region.path == "spec.region" && region.message.contains("did you mean us-west-2?"))
        let cidr = try #require(Self.error(spec: "  network: { vpcCIDR: 10.42.0.0/24 }\n"))
        #expect(cidr.message.contains("/16 to /23"))
        // Issue 13: Windows aliases and natGateways none would build a platform whose nodes never work.
        let windows = try #require(Self.error(spec: "  karpenter:\n    nodeClass: { amiAlias: windows2022@latest }\n"))
        #expect(windows.message.contains("Windows nodes are not supported"))
        let noNAT = try #require(Self.error(spec: "  network: { natGateways: none }\n"))
        #expect(noNAT.path == "spec.network.natGateways" && noNAT.message.contains("VPC endpoints"))
        let empty = try #require(Self.parseError("\n"))
        #expect(empty.message.contains("platformctl init"))
    }

    /// Issue 16: a file with five mistakes reports all five, each where it is, in one run.
    @Test func fiveMistakesAreReportedAtOnce() throws {
        let yaml = """
            apiVersion: eksplatform.io/v1alpha1
            kind: Platform
            metadata:
              name: dev
            spec:
              region: us-west-2
              kubernetesVersion: "1.99"
              network: { vpcCIDR: 10.42.0.0/33, natGatways: single }
              systemNodeGroup:
                taint: { key: CriticalAddonsOnly, value: "true", effect: NoSchedul }
              karpenter: { nodePool: { consolidateAfter: 1 minute } }

            """
        #expect(PlatformConfig.problems(in: Self.minimal, file: "good.yaml").isEmpty)
        let problems = PlatformConfig.problems(in: yaml, file: "five.yaml")
        #expect(
            problems.map(\.path) == [
                "spec.kubernetesVersion", "spec.network.natGatways", "spec.network.vpcCIDR",
                "spec.systemNodeGroup.taint.effect", "spec.karpenter.nodePool.consolidateAfter",
            ],
            "\(problems.map(\.description))"
        )
        #expect(problems.allSatisfy { $0.line > 0 && $0.file == "five.yaml" })
        // The first is what parse reports alone.
        #expect(
            problems.first
                == Self.parseError(yaml).map {
                    ConfigError(
                        code: $0.code,
                        file: "five.yaml",
                        line: $0.line,
                        column: $0.column,
                        path: $0.path,
                        message: $0.message
                    )
                }
        )
    }

    @Test func durationAndCIDRHelpers() {
        #expect(ConfigValidation.durationSeconds("1m") == 60)
        #expect(ConfigValidation.durationSeconds("1h30m") == 5400)
        #expect(ConfigValidation.durationSeconds("720h") == 2_592_000)
        #expect(ConfigValidation.durationSeconds("250ms") == 0.25)
        #expect(ConfigValidation.durationSeconds("1d") == nil)
        #expect(ConfigValidation.isIPv4CIDR("0.0.0.0/0"))
        #expect(!ConfigValidation.isIPv4CIDR("10.0.0.1/8"))
        #expect(!ConfigValidation.isIPv4CIDR("10.0.0.0/016"))
    }

    @Test func invalidYAMLReportsPosition() throws {
        do {
            _ = try PlatformConfig.parse("apiVersion: a\n  kind: : b\n", file: "x.yaml")
            Issue.record("accepted invalid YAML")
        } catch let error as ConfigError {
            #expect(error.code == .invalidYAML)
            #expect(error.line == 2)
        }
    }

    @Test func systemTaintForms() {
        let taint = SystemTaint(key: "CriticalAddonsOnly", value: "true", effect: .noSchedule)
        #expect(taint.taint == core.v1.Taint(key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule"))
        #expect(
            taint.toleration
                == core.v1.Toleration(key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule")
        )
        #expect(taint.eksTaint == SystemTaint.EKSTaint(key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE"))
        #expect(
            taint.addonConfigurationValues
                == ["tolerations": [["key": "CriticalAddonsOnly", "operator": "Equal", "value": "true", "effect": "NoSchedule"]]]
        )
        let bare = SystemTaint(key: "system", value: nil, effect: .preferNoSchedule)
        #expect(bare.toleration == core.v1.Toleration(key: "system", operator: "Exists", effect: "PreferNoSchedule"))
        #expect(bare.eksTaint.effect == "PREFER_NO_SCHEDULE")
        #expect(SystemTaint.Effect.noExecute.eksValue == "NO_EXECUTE")
        #expect(
            bare.addonConfigurationValues == [
                "tolerations": [["key": "system", "operator": "Exists", "effect": "PreferNoSchedule"]]
            ]
        )
    }

    @Test func anchorsAndAliasesAreResolved() throws {
        let yaml =
            Self.minimal + """
                  systemNodeGroup:
                    labels: &labels { eksplatform.io/pool: system, team: platform }
                  tags: *labels

                """
        let config = try PlatformConfig.parse(yaml, file: "p.yaml")
        #expect(config.spec.tags == ["eksplatform.io/pool": "system", "team": "platform"])
        #expect(config.spec.systemNodeGroup.labels == config.spec.tags)
    }

    @Test func multipleDocumentsAreRejected() throws {
        let error = try #require(Self.parseError(Self.minimal + "---\nkind: Platform\n"))
        #expect(error.code == .invalidYAML)
        #expect(error.line > 0)
    }

    /// Every single-line deletion or corruption of the example either parses or fails with a located ConfigError.
    @Test func mutatedExamplesFailCleanly() throws {
        let lines = try String(contentsOf: RenderPaths.examplePlatform, encoding: .utf8).components(separatedBy: "\n")
        let corruptions: [(String) -> String] = [
            { _ in "" },
            { $0 + "x" },
            { $0.replacingOccurrences(of: ": ", with: ": [") },
            { $0.replacingOccurrences(of: "  ", with: " ") },
            { $0.uppercased() },
        ]
        var rejected = 0
        for index in lines.indices {
            for corrupt in corruptions {
                var copy = lines
                copy[index] = corrupt(copy[index])
                do {
                    _ = try PlatformConfig.parse(copy.joined(separator: "\n"), file: "m.yaml")
                } catch let error as ConfigError {
                    rejected += 1
                    #expect(error.line > 0 || error.code == .missingField, "line \(index + 1): \(error)")
                    #expect(!error.message.isEmpty)
                } catch {
                    Issue.record("line \(index + 1): non-ConfigError \(error)")
                }
            }
        }
        #expect(rejected > lines.count)
    }
}
