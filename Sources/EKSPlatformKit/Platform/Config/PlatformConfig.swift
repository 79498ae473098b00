import EKSAWS
import EKSKubernetes
import Foundation

/// The validated, defaulted contents of `platform.yaml` (`apiVersion: eksplatform.io/v1alpha1`, `kind: Platform`).
///
/// Load with ``load(contentsOf:)`` or ``parse(_:file:)``; both throw ``ConfigError`` with file, line, column and field
/// path. Every optional field has a documented default (see the property docs and `Examples/platform.yaml`).
public struct PlatformConfig: Sendable, Equatable {
    /// The only accepted `apiVersion`.
    public static let apiVersion = "eksplatform.io/v1alpha1"
    /// The only accepted `kind`.
    public static let kind = "Platform"

    /// `metadata.name`: the cluster name (RFC 1123 label, ≤ 100 characters).
    public var name: String
    public var spec: Spec
    /// The top-level `operator:` section (credentials for `shell`, `credential-process`, `token --role`); optional.
    public var `operator`: Operator?

    /// Creates a configuration (normally produced by ``parse(_:file:)``).
    public init(name: String, spec: Spec, operator: Operator? = nil) {
        self.name = name
        self.spec = spec
        self.operator = `operator`
    }

    /// The system taint as the single source of truth for taints and tolerations.
    public var systemTaint: SystemTaint { spec.systemNodeGroup.taint }

    /// platform.yaml's `spec`: everything about the platform itself (the `operator` section is separate).
    public struct Spec: Sendable, Equatable {
        /// AWS region, e.g. `us-west-2` (required).
        public var region: String
        /// EKS Kubernetes version, `1.NN`. Default `1.33`.
        public var kubernetesVersion: String = "1.33"
        /// Networking.
        public var network: Network = Network()
        /// API server endpoint access.
        public var endpointAccess: EndpointAccess = EndpointAccess()
        /// The tainted managed system node group.
        public var systemNodeGroup: SystemNodeGroup = SystemNodeGroup()
        /// EKS add-ons. Default `[vpc-cni, kube-proxy, coredns, eks-pod-identity-agent]`.
        public var addons: [String] = Spec.defaultAddons
        /// Add-on versions pinned in platform.yaml (`- { name: coredns, version: v1.11.4-eksbuild.2 }`). An add-on
        /// without a pin gets the version EKS marks as default for the cluster's Kubernetes version.
        public var addonVersions: [String: String] = [:]
        /// Cluster access.
        public var access: Access = Access()
        public var karpenter: Karpenter = Karpenter()
        /// Flux and the GitOps repository; `nil` when the section is absent (no Flux is installed).
        public var gitops: GitOps?
        /// Tags added to every AWS resource. Default none.
        public var tags: [String: String] = [:]
        /// The control plane's logs in CloudWatch Logs.
        public var controlPlaneLogs: ControlPlaneLogs = ControlPlaneLogs()

        /// The default add-ons.
        public static let defaultAddons = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent"]

        /// Creates a spec with defaults for everything but the region.
        public init(region: String) { self.region = region }
    }

    /// `spec.network`.
    public struct Network: Sendable, Equatable {
        /// The VPC CIDR (`/16` to `/23`). Default `10.42.0.0/16`. Ignored with `existing`.
        public var vpcCIDR: String = "10.42.0.0/16"
        /// How many zones, or which. Default 3.
        public var availabilityZones: AvailabilityZones = .count(3)
        /// NAT gateways. Default `single`.
        public var natGateways: NATGateways = .single
        /// Use an existing VPC and subnets instead of creating them.
        public var existing: ExistingNetwork?

        /// Creates network settings with defaults.
        public init() {}
    }

    /// A zone count or explicit zone names.
    public enum AvailabilityZones: Sendable, Equatable {
        /// The first N zones of the region (2–6).
        case count(Int)
        /// These zones, e.g. `[us-west-2a, us-west-2b]`.
        case names([String])
    }

    /// NAT gateway layout.
    public enum NATGateways: String, Sendable, Equatable, CaseIterable {
        /// One NAT gateway for all zones (cheapest).
        case single
        /// One per zone (zone-failure tolerant).
        case perZone
        /// None (private subnets have no internet egress).
        case none
    }

    /// `spec.network.existing`.
    public struct ExistingNetwork: Sendable, Equatable {
        /// The VPC id, `vpc-…`.
        public var vpcID: String
        /// Private subnets (nodes), `subnet-…`; at least two.
        public var privateSubnetIDs: [String]
        /// Public subnets (load balancers); may be empty.
        public var publicSubnetIDs: [String] = []

        /// Creates an existing-network reference.
        public init(vpcID: String, privateSubnetIDs: [String], publicSubnetIDs: [String] = []) {
            self.vpcID = vpcID
            self.privateSubnetIDs = privateSubnetIDs
            self.publicSubnetIDs = publicSubnetIDs
        }
    }

    /// `spec.controlPlaneLogs`: which control-plane logs EKS sends to the log group `/aws/eks/<name>/cluster`, how long
    /// CloudWatch keeps them, and whether `down` keeps the group.
    public struct ControlPlaneLogs: Sendable, Equatable {
        /// The log types EKS knows: `api`, `audit`, `authenticator`, `controllerManager`, `scheduler`.
        public static let allTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

        /// The types enabled. Default `[api, audit, authenticator]` (terraform-aws-eks's default: who called the API,
        /// what they did, how IAM identities were mapped; the scheduler and controller manager logs are verbose and
        /// rarely read).
        public var types: [String] = ["api", "audit", "authenticator"]
        /// Days CloudWatch Logs keeps the events; one of the values CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90,
        /// 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Default `90`, as
        /// terraform-aws-eks (a group EKS makes itself keeps everything forever).
        public var retentionDays: Int = 90
        /// Leave the log group (and its events) in place on `down`. Default `false`.
        public var keepOnDown: Bool = false

        /// Creates the defaults.
        public init() {}
    }

    /// `spec.endpointAccess`.
    public struct EndpointAccess: Sendable, Equatable {
        /// Public endpoint. Default `true`.
        public var `public`: Bool = true
        /// Private endpoint. Default `true`.
        public var `private`: Bool = true
        /// CIDRs allowed to reach the public endpoint. Default `[0.0.0.0/0]`.
        public var publicCIDRs: [String] = ["0.0.0.0/0"]

        /// Creates endpoint settings with defaults.
        public init() {}
    }

    /// `spec.systemNodeGroup`.
    public struct SystemNodeGroup: Sendable, Equatable {
        /// Instance types. Default `[m6i.large]`.
        public var instanceTypes: [String] = ["m6i.large"]
        /// Scaling sizes. Default `{min: 2, desired: 2, max: 3}`.
        public var size: Size = Size()
        /// The EKS AMI type. Default `AL2023_x86_64_STANDARD`.
        public var amiType: String = "AL2023_x86_64_STANDARD"
        /// The taint. Default `CriticalAddonsOnly=true:NoSchedule`.
        public var taint: SystemTaint = SystemTaint(key: "CriticalAddonsOnly", value: "true", effect: .noSchedule)
        /// Node labels. Default `{eksplatform.io/pool: system}`.
        public var labels: [String: String] = ["eksplatform.io/pool": "system"]

        /// Creates node group settings with defaults.
        public init() {}
    }

    /// Node group scaling sizes; `min ≤ desired ≤ max`.
    public struct Size: Sendable, Equatable {
        /// Minimum nodes. Default 2.
        public var min: Int = 2
        /// Desired nodes. Default 2.
        public var desired: Int = 2
        /// Maximum nodes. Default 3.
        public var max: Int = 3

        /// Creates sizes.
        public init(min: Int = 2, desired: Int = 2, max: Int = 3) {
            self.min = min
            self.desired = desired
            self.max = max
        }
    }

    /// `spec.access`.
    public struct Access: Sendable, Equatable {
        /// Cluster administrators (access entries with the cluster-admin policy). Default none.
        public var admins: [Principal] = []

        /// Creates access settings.
        public init(admins: [Principal] = []) { self.admins = admins }
    }

    /// An IAM principal given by role name (ARN built from the looked-up account) or by full ARN.
    public enum Principal: Sendable, Equatable {
        /// An IAM role name in the cluster's account.
        case role(String)
        /// A full IAM role or user ARN.
        case arn(String)
    }

    /// `spec.karpenter`.
    public struct Karpenter: Sendable, Equatable {
        /// The chart/controller version. Default `1.14.1`.
        public var version: String = "1.14.1"
        /// Node class settings.
        public var nodeClass: NodeClass = NodeClass()
        /// Node pool settings.
        public var nodePool: NodePool = NodePool()
        /// Whether to create the SQS interruption queue and EventBridge rules. Default `true`.
        public var interruptionQueue: Bool = true

        /// Creates Karpenter settings with defaults.
        public init() {}
    }

    /// `spec.karpenter.nodeClass`.
    public struct NodeClass: Sendable, Equatable {
        /// The AMI alias `family@version`. Default `al2023@latest`.
        public var amiAlias: String = "al2023@latest"

        /// Creates node class settings.
        public init(amiAlias: String = "al2023@latest") { self.amiAlias = amiAlias }
    }

    /// `spec.karpenter.nodePool`.
    public struct NodePool: Sendable, Equatable {
        /// `on-demand`, `spot`, `reserved`. Default `[on-demand]`.
        public var capacityTypes: [String] = ["on-demand"]
        /// EC2 instance categories. Default `[c, m, r]`.
        public var instanceCategories: [String] = ["c", "m", "r"]
        /// Total CPU the pool may launch. Default `100`.
        public var cpuLimit: Quantity = Quantity(100)
        /// How long a node must be empty/underutilised before consolidation. Default `1m`.
        public var consolidateAfter: String = "1m"

        /// Creates node pool settings with defaults.
        public init() {}
    }

    /// `spec.gitops`.
    public struct GitOps: Sendable, Equatable {
        public var flux: Flux = Flux()
        /// The repository Flux syncs.
        public var repository: Repository
        /// Credentials for the repository; `nil` for public HTTPS repositories.
        public var credentials: Credentials?

        /// Creates GitOps settings.
        public init(flux: Flux = Flux(), repository: Repository, credentials: Credentials? = nil) {
            self.flux = flux
            self.repository = repository
            self.credentials = credentials
        }
    }

    /// `spec.gitops.flux`.
    public struct Flux: Sendable, Equatable {
        /// The Flux release. Default `v2.9.4`.
        public var version: String = "v2.9.4"
        /// Where to download `install.yaml`. Default the GitHub release asset for `version`.
        public var manifestURL: String?
        /// The expected SHA-256 of the manifest (hex). Required: an unpinned manifest is refused.
        public var sha256: String?
        /// `insecureAllowUnpinned: true` applies a manifest without a pinned digest (with a warning each time) — an
        /// opt-out named so that it stands out in review.
        public var insecureAllowUnpinned: Bool

        /// Creates Flux settings.
        public init(
            version: String = "v2.9.4",
            manifestURL: String? = nil,
            sha256: String? = nil,
            insecureAllowUnpinned: Bool = false
        ) {
            self.version = version
            self.manifestURL = manifestURL
            self.sha256 = sha256
            self.insecureAllowUnpinned = insecureAllowUnpinned
        }

        /// `manifestURL`, or the release asset for `version`.
        public var resolvedManifestURL: String {
            manifestURL ?? "https://github.com/fluxcd/flux2/releases/download/\(version)/install.yaml"
        }
    }

    /// `spec.gitops.repository`.
    public struct Repository: Sendable, Equatable {
        /// `ssh://…` or `https://…` (required).
        public var url: String
        /// The branch. Default `main`.
        public var branch: String = "main"
        /// The cluster folder in the repository. Default `kube/clusters/<name>`; must end in `clusters/<name>`.
        public var path: String

        /// Creates a repository reference.
        public init(url: String, branch: String = "main", path: String) {
            self.url = url
            self.branch = branch
            self.path = path
        }

        /// The folder that holds `clusters/` and `platform/` (the render target), e.g. `kube`.
        public var treeRoot: String {
            let parts = path.split(separator: "/").map(String.init)
            guard parts.count >= 2 else { return "" }
            return parts.dropLast(2).joined(separator: "/")
        }
    }

    /// Repository credentials.
    public enum Credentials: Sendable, Equatable {
        /// An SSH private key, usually an `op://` reference.
        case sshPrivateKey(String)
        /// A path to an SSH private key file (`~` expanded when read).
        case file(String)
    }

    /// The top-level `operator:` section.
    public struct Operator: Sendable, Equatable {
        /// Where the operator's base credentials come from.
        public var source: CredentialSource
        /// Short names to IAM role names or ARNs, e.g. `admin: PlatformAdmin`.
        public var roles: [String: String] = [:]
        /// Session length for assumed roles (15m–12h). Default `1h`.
        public var sessionDuration: String = "1h"

        /// Creates operator settings.
        public init(source: CredentialSource, roles: [String: String] = [:], sessionDuration: String = "1h") {
            self.source = source
            self.roles = roles
            self.sessionDuration = sessionDuration
        }
    }

    /// The operator's base credentials.
    public enum CredentialSource: Sendable, Equatable {
        /// IAM user keys (usually `op://` references).
        case user(UserCredentials)
        /// A named AWS CLI profile.
        case profile(String)
    }

    /// IAM user credentials, each value possibly an `op://` reference.
    public struct UserCredentials: Sendable, Equatable {
        /// The access key id.
        public var accessKeyID: String
        /// The secret access key.
        public var secretAccessKey: String
        /// The MFA device serial (ARN); optional.
        public var mfaSerial: String?
        /// A TOTP source for MFA; optional.
        public var totp: String?

        /// Creates user credentials.
        public init(accessKeyID: String, secretAccessKey: String, mfaSerial: String? = nil, totp: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.mfaSerial = mfaSerial
            self.totp = totp
        }
    }
}

extension PlatformConfig {
    /// Reads and validates `platform.yaml` at `url`.
    /// - Throws: ``ConfigError`` naming file, line, column and field path.
    public static func load(contentsOf url: URL) throws -> PlatformConfig {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigError(
                code: .unreadable,
                file: url.path,
                line: 0,
                column: 0,
                path: "",
                message: "cannot read the file (\(error.localizedDescription)); check the path"
            )
        }
        return try parse(text, file: url.path)
    }

    /// Parses and validates `platform.yaml` text; `file` is used in error messages.
    /// - Throws: ``ConfigError`` naming file, line, column and field path.
    public static func parse(_ yaml: String, file: String) throws -> PlatformConfig {
        try PlatformConfigParser(file: file).parse(yaml)
    }

    /// Every problem in platform.yaml `yaml`, in file order of discovery (at most `limit`); empty when it is valid.
    /// ``parse(_:file:)`` stops at the first; this one reports the rest too, each as it would be reported alone.
    public static func problems(in yaml: String, file: String, limit: Int = 25) -> [ConfigError] {
        PlatformConfigParser(file: file).problems(yaml, limit: limit)
    }
}
