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

    /// Creates a context.
    public init(accountID: String, partition: String = "aws", region: String, callerARN: String? = nil) {
        self.accountID = accountID
        self.partition = partition
        self.region = region
        self.callerARN = callerARN
    }

    /// The partition of a region (`cn-*` → `aws-cn`, `us-gov-*` → `aws-us-gov`, otherwise `aws`).
    public static func partition(forRegion region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }

    /// The DNS suffix of the partition's service principals (`amazonaws.com` or `amazonaws.com.cn`).
    public var dnsSuffix: String { partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com" }

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
