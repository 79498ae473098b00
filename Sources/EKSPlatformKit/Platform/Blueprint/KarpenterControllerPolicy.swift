import EKSAWS
import EKSKubernetes

/// The scoped Karpenter v1 controller policy (the statements of terraform-aws-eks `modules/karpenter` v21, see
/// `shared/reference/domain.md` §2.2): 17 statements plus one for the interruption queue when it is enabled.
///
/// Partition, account id and the cluster ARN are substituted by ``document(in:)`` at apply time; the document is
/// never written to disk or git.
public struct KarpenterControllerPolicy: Sendable, Equatable {
    public var clusterName: String
    public var region: String
    /// The Karpenter node role name (for `iam:PassRole`).
    public var nodeRoleName: String
    /// The interruption queue name, when the queue is enabled.
    public var queueName: String?

    /// Creates the policy description.
    public init(clusterName: String, region: String, nodeRoleName: String, queueName: String?) {
        self.clusterName = clusterName
        self.region = region
        self.nodeRoleName = nodeRoleName
        self.queueName = queueName
    }

    /// The statement ids, in document order.
    public var statementIDs: [String] {
        var ids = [
            "AllowScopedEC2InstanceAccessActions", "AllowScopedEC2LaunchTemplateAccessActions",
            "AllowScopedEC2InstanceActionsWithTags", "AllowScopedResourceCreationTagging", "AllowScopedResourceTagging",
            "AllowScopedDeletion", "AllowRegionalReadActions", "AllowSSMReadActions", "AllowPricingReadActions",
            "AllowZonalShiftReadActions",
        ]
        if queueName != nil { ids.append("AllowInterruptionQueueActions") }
        ids += [
            "AllowPassingInstanceRole", "AllowScopedInstanceProfileCreationActions",
            "AllowScopedInstanceProfileTagActions", "AllowScopedInstanceProfileActions",
            "AllowInstanceProfileReadActions", "AllowUnscopedInstanceProfileListAction", "AllowAPIServerEndpointDiscovery",
        ]
        return ids
    }

    /// The policy document for `context`.
    public func document(in context: PlatformContext) -> PolicyDocument {
        let partition = context.partition
        let cluster = clusterName
        func ec2(_ resource: String, account: String = "*") -> JSONValue {
            .string("arn:\(partition):ec2:\(region):\(account):\(resource)")
        }
        func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
        func statement(
            _ sid: String,
            _ actions: [String],
            _ resources: [JSONValue],
            _ condition: [String: JSONValue]? = nil
        ) -> JSONValue {
            var fields: [String: JSONValue] = [
                "Sid": .string(sid),
                "Effect": "Allow",
                "Action": actions.count == 1 ? .string(actions[0]) : strings(actions),
                "Resource": resources.count == 1 ? resources[0] : .array(resources),
            ]
            if let condition { fields["Condition"] = .object(condition) }
            return .object(fields)
        }
        let clusterTag = "kubernetes.io/cluster/\(cluster)"
        let instanceProfiles = JSONValue.string("arn:\(partition):iam::\(context.accountID):instance-profile/*")
        let taggedResources = [
            "fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*",
        ]
        let requestTagsOwned: [String: JSONValue] = [
            "aws:RequestTag/\(clusterTag)": "owned",
            "aws:RequestTag/eks:eks-cluster-name": .string(cluster),
        ]
        let nodePoolRequestTag: [String: JSONValue] = ["aws:RequestTag/karpenter.sh/nodepool": "*"]
        let nodePoolResourceTag: [String: JSONValue] = ["aws:ResourceTag/karpenter.sh/nodepool": "*"]
        let ownedResourceTag: [String: JSONValue] = ["aws:ResourceTag/\(clusterTag)": "owned"]
        let regionTagKey = "topology.kubernetes.io/region"
        let nodeClassKey = "karpenter.k8s.aws/ec2nodeclass"
        let clusterARN = JSONValue.string(context.clusterARN(cluster))

        var statements: [JSONValue] = [
            statement(
                "AllowScopedEC2InstanceAccessActions",
                ["ec2:RunInstances", "ec2:CreateFleet"],
                [
                    ec2("image/*", account: ""), ec2("snapshot/*", account: ""), ec2("security-group/*"), ec2("subnet/*"),
                    ec2("capacity-reservation/*"), ec2("placement-group/*"),
                ]
            ),
            statement(
                "AllowScopedEC2LaunchTemplateAccessActions",
                ["ec2:RunInstances", "ec2:CreateFleet"],
                [ec2("launch-template/*")],
                ["StringEquals": .object(ownedResourceTag), "StringLike": .object(nodePoolResourceTag)]
            ),
            statement(
                "AllowScopedEC2InstanceActionsWithTags",
                ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                (taggedResources + ["capacity-reservation/*"]).map { ec2($0) },
                ["StringEquals": .object(requestTagsOwned), "StringLike": .object(nodePoolRequestTag)]
            ),
            statement(
                "AllowScopedResourceCreationTagging",
                ["ec2:CreateTags"],
                taggedResources.map { ec2($0) },
                [
                    "StringEquals": .object(
                        requestTagsOwned.merging(
                            ["ec2:CreateAction": strings(["RunInstances", "CreateFleet", "CreateLaunchTemplate"])],
                            uniquingKeysWith: { first, _ in first }
                        )
                    ),
                    "StringLike": .object(nodePoolRequestTag),
                ]
            ),
            statement(
                "AllowScopedResourceTagging",
                ["ec2:CreateTags"],
                [ec2("instance/*")],
                [
                    "StringEquals": .object(ownedResourceTag),
                    "StringLike": .object(nodePoolResourceTag),
                    "StringEqualsIfExists": .object(["aws:RequestTag/eks:eks-cluster-name": .string(cluster)]),
                    "ForAllValues:StringEquals": .object([
                        "aws:TagKeys": strings(["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"])
                    ]),
                ]
            ),
            statement(
                "AllowScopedDeletion",
                ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                [ec2("instance/*"), ec2("launch-template/*")],
                ["StringEquals": .object(ownedResourceTag), "StringLike": .object(nodePoolResourceTag)]
            ),
            statement(
                "AllowRegionalReadActions",
                [
                    "ec2:DescribeCapacityReservations", "ec2:DescribeAvailabilityZones", "ec2:DescribeImages",
                    "ec2:DescribeInstances", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeInstanceStatus",
                    "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets", "ec2:DescribePlacementGroups",
                ],
                ["*"],
                ["StringEquals": .object(["aws:RequestedRegion": .string(region)])]
            ),
            statement(
                "AllowSSMReadActions",
                ["ssm:GetParameter"],
                [.string("arn:\(partition):ssm:\(region)::parameter/aws/service/*")]
            ),
            statement("AllowPricingReadActions", ["pricing:GetProducts"], ["*"]),
            statement("AllowZonalShiftReadActions", ["arc-zonal-shift:GetManagedResource"], [clusterARN]),
        ]
        if let queueName {
            statements.append(
                statement(
                    "AllowInterruptionQueueActions",
                    ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                    [.string(context.queueARN(queueName))]
                )
            )
        }
        // Both spellings, as Karpenter's reference lists them: China's `ec2.amazonaws.com.cn` and the global one.
        var passedTo = [context.servicePrincipal("ec2")]
        if !passedTo.contains("ec2.amazonaws.com") { passedTo.append("ec2.amazonaws.com") }
        let regionOwned: [String: JSONValue] = [
            "aws:ResourceTag/\(clusterTag)": "owned",
            "aws:ResourceTag/\(regionTagKey)": .string(region),
        ]
        let requestOwned: [String: JSONValue] = [
            "aws:RequestTag/\(clusterTag)": "owned",
            "aws:RequestTag/eks:eks-cluster-name": .string(cluster),
            "aws:RequestTag/\(regionTagKey)": .string(region),
        ]
        statements += [
            statement(
                "AllowPassingInstanceRole",
                ["iam:PassRole"],
                [.string(context.roleARN(nodeRoleName))],
                ["StringEquals": .object(["iam:PassedToService": strings(passedTo)])]
            ),
            statement(
                "AllowScopedInstanceProfileCreationActions",
                ["iam:CreateInstanceProfile"],
                [instanceProfiles],
                [
                    "StringEquals": .object(requestOwned),
                    "StringLike": .object(["aws:RequestTag/\(nodeClassKey)": "*"]),
                ]
            ),
            statement(
                "AllowScopedInstanceProfileTagActions",
                ["iam:TagInstanceProfile"],
                [instanceProfiles],
                [
                    "StringEquals": .object(regionOwned.merging(requestOwned, uniquingKeysWith: { first, _ in first })),
                    "StringLike": .object([
                        "aws:ResourceTag/\(nodeClassKey)": "*", "aws:RequestTag/\(nodeClassKey)": "*",
                    ]),
                ]
            ),
            statement(
                "AllowScopedInstanceProfileActions",
                ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
                [instanceProfiles],
                ["StringEquals": .object(regionOwned), "StringLike": .object(["aws:ResourceTag/\(nodeClassKey)": "*"])]
            ),
            statement("AllowInstanceProfileReadActions", ["iam:GetInstanceProfile"], [instanceProfiles]),
            statement("AllowUnscopedInstanceProfileListAction", ["iam:ListInstanceProfiles"], ["*"]),
            statement("AllowAPIServerEndpointDiscovery", ["eks:DescribeCluster"], [clusterARN]),
        ]
        return PolicyDocument(statements: statements)
    }
}
