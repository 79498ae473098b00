/// An AWS partition: its DNS suffix, its regions and where its global services live.
public struct AWSPartition: Sendable, Equatable {
    /// The partition id used in ARNs: `aws`, `aws-cn`, `aws-us-gov`.
    public var id: String
    /// The DNS suffix of service endpoints.
    public var dnsSuffix: String
    /// The region that signs requests to global services (IAM).
    public var globalRegion: String
    /// The IAM endpoint host.
    public var iamHost: String
    /// Known regions.
    public var regions: Set<String>

    /// The standard commercial partition.
    public static let aws = AWSPartition(
        id: "aws",
        dnsSuffix: "amazonaws.com",
        globalRegion: "us-east-1",
        iamHost: "iam.amazonaws.com",
        regions: [
            "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
            "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
            "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2",
            "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1",
            "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1",
            "me-central-1", "mx-central-1", "sa-east-1",
        ]
    )
    /// The China partition.
    public static let awsCN = AWSPartition(
        id: "aws-cn",
        dnsSuffix: "amazonaws.com.cn",
        globalRegion: "cn-north-1",
        iamHost: "iam.cn-north-1.amazonaws.com.cn",
        regions: ["cn-north-1", "cn-northwest-1"]
    )
    /// The AWS GovCloud (US) partition.
    public static let awsUSGov = AWSPartition(
        id: "aws-us-gov",
        dnsSuffix: "amazonaws.com",
        globalRegion: "us-gov-west-1",
        iamHost: "iam.us-gov.amazonaws.com",
        regions: ["us-gov-west-1", "us-gov-east-1"]
    )

    /// Every partition this library knows.
    public static let all: [AWSPartition] = [.aws, .awsCN, .awsUSGov]

    /// The partition of `region`: the one listing it, else by the name's prefix (`cn-` is China, `us-gov-` is
    /// GovCloud, anything else the commercial partition), so a region newer than this table still gets the right
    /// ARNs and DNS suffix.
    public static func of(region: String) -> AWSPartition {
        if let known = all.first(where: { $0.regions.contains(region) }) { return known }
        if region.hasPrefix("cn-") { return .awsCN }
        if region.hasPrefix("us-gov-") { return .awsUSGov }
        return .aws
    }

    /// The partition whose ARN id is `id`, if this library knows it.
    public static func with(id: String) -> AWSPartition? { all.first { $0.id == id } }
}

/// A validated AWS region and its partition.
public struct AWSRegion: Sendable, Equatable, CustomStringConvertible {
    /// The region name, e.g. `us-west-2`.
    public let name: String
    /// The partition it belongs to.
    public let partition: AWSPartition

    /// Validates a region name. Unknown names are refused with a message listing where regions come from, unless
    /// `allowUnknown` (a custom endpoint is configured, e.g. an emulator).
    public init(_ name: String, allowUnknown: Bool = false) throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if let partition = AWSPartition.all.first(where: { $0.regions.contains(trimmed) }) {
            self.name = trimmed
            self.partition = partition
            return
        }
        let shape = trimmed.range(of: #"^[a-z]{2,}(-[a-z]+)*-\d{1,2}$"#, options: .regularExpression) != nil
        if allowUnknown && shape {
            self.name = trimmed
            self.partition = AWSPartition.of(region: trimmed)
            return
        }
        throw AWSClientError(
            .invalidRegion,
            "unknown AWS region \"\(name)\"; use a region name such as us-west-2 "
                + "(set in the session options, AWS_REGION, AWS_DEFAULT_REGION or `region` in the profile)"
        )
    }

    /// The region name.
    public var description: String { name }
}
