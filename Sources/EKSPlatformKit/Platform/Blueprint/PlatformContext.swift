import EKSAWS
import EKSKubernetes

/// Facts about the target account that are only known at run time (looked up, never committed).
public struct PlatformContext: Sendable, Equatable {
    /// The AWS account id (12 digits). Registered with the redactor before any output.
    public var accountID: String
    /// The partition, e.g. `aws`, `aws-cn`, `aws-us-gov`.
    public var partition: String
    public var region: String
    /// The IAM ARN of the identity running platformctl (a role's ARN with its path for an assumed-role session, a
    /// user's ARN); `nil` when it has none EKS can map (the root user, a federated user) or it is not known.
    public var callerARN: String?

    /// Creates a context; without `partition` it is the one `region` belongs to (`cn-north-1` → `aws-cn`).
    public init(accountID: String, partition: String? = nil, region: String, callerARN: String? = nil) {
        self.accountID = accountID
        self.partition = partition ?? Self.partition(forRegion: region)
        self.region = region
        self.callerARN = callerARN
    }

    /// The partition id of a region, from EKSAWS's partition table (``AWSPartition/of(region:)``).
    public static func partition(forRegion region: String) -> String { AWSPartition.of(region: region).id }

    /// The partition's DNS suffix (`amazonaws.com`, or `amazonaws.com.cn` in China).
    public var dnsSuffix: String {
        (AWSPartition.with(id: partition) ?? AWSPartition.of(region: region)).dnsSuffix
    }

    /// The service principal of `service` (`ec2`, `eks`, `pods.eks`, `events`, …) in this context's partition.
    public func servicePrincipal(_ service: String) -> String {
        Self.servicePrincipal(service, in: AWSPartition.with(id: partition) ?? AWSPartition.of(region: region))
    }

    /// Services whose principal in a trust or resource policy ends in the partition's DNS suffix rather than
    /// `amazonaws.com`. Only EC2: Karpenter's CloudFormation reference trusts `ec2.${AWS::URLSuffix}` for its
    /// node role (`ec2.amazonaws.com.cn` in China), as terraform-aws-eks up to v20 did with the partition's
    /// `dns_suffix`. The same reference (and terraform-aws-eks) spell `events`, `sqs` and `pods.eks` as
    /// `*.amazonaws.com` in every partition, and AWS CDK and terraform-provider-aws's `aws_service_principal`
    /// give `eks` and `spot` the global form too (docs/engine.md, "Partitions").
    public static let partitionalServicePrincipals: Set<String> = ["ec2"]

    /// The service principal of `service` in `partition`: `<service>.<DNS suffix>` for the services in
    /// ``partitionalServicePrincipals``, `<service>.amazonaws.com` for every other one.
    public static func servicePrincipal(_ service: String, in partition: AWSPartition) -> String {
        partitionalServicePrincipals.contains(service) ? "\(service).\(partition.dnsSuffix)" : "\(service).amazonaws.com"
    }

    /// `arn:<partition>:iam::<account>:role/<name>`.
    public func roleARN(_ name: String) -> String { "arn:\(partition):iam::\(accountID):role/\(name)" }

    /// `arn:<partition>:iam::aws:policy/<name>` (an AWS managed policy).
    public func managedPolicyARN(_ name: String) -> String { "arn:\(partition):iam::aws:policy/\(name)" }

    /// `arn:<partition>:eks::aws:cluster-access-policy/<name>`.
    public func accessPolicyARN(_ name: String) -> String {
        "arn:\(partition):eks::aws:cluster-access-policy/\(name)"
    }

    /// `arn:<partition>:eks:<region>:<account>:cluster/<name>`.
    public func clusterARN(_ name: String) -> String { "arn:\(partition):eks:\(region):\(accountID):cluster/\(name)" }

    /// `arn:<partition>:sqs:<region>:<account>:<name>`.
    public func queueARN(_ name: String) -> String { "arn:\(partition):sqs:\(region):\(accountID):\(name)" }
}
