/// An Amazon Resource Name: `arn:partition:service:region:account:resource`.
public struct ARN: Sendable, Equatable, CustomStringConvertible {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    public var partition: String
    /// The service, e.g. `iam`.
    public var service: String
    /// The region, empty for global resources.
    public var region: String
    /// The 12-digit account id, empty for AWS-owned resources.
    public var account: String
    /// The resource part, e.g. `role/PlatformAdmin`.
    public var resource: String

    /// Creates an ARN from parts.
    public init(partition: String, service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses an ARN; `nil` when it is not one.
    public init?(parsing string: String) {
        let parts = string.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(
            partition: String(parts[1]),
            service: String(parts[2]),
            region: String(parts[3]),
            account: String(parts[4]),
            resource: String(parts[5])
        )
    }

    /// The ARN text.
    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }
}
