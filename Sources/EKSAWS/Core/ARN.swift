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

extension ARN {
    /// For an IAM role ARN (`arn:P:iam::A:role/PATH/NAME`): `PATH/NAME`, the part that names the role inside its
    /// account; `nil` for anything else.
    public var iamRoleNameWithPath: String? {
        guard service == "iam", resource.hasPrefix("role/") else { return nil }
        let name = String(resource.dropFirst("role/".count))
        return ARN.isIAMRoleNameWithPath(name) ? name : nil
    }

    /// Whether `text` is an IAM role name, optionally after a path (`team/Admin`): segments of IAM's role-name
    /// characters, at most 64 of them in the name. A leading `-` is refused so a value can never read as a flag.
    public static func isIAMRoleNameWithPath(_ text: String) -> Bool {
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = segments.last, (1...64).contains(name.count), text.count <= 576, !text.hasPrefix("-") else {
            return false
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-")
        return segments.allSatisfy { !$0.isEmpty && $0.allSatisfy(allowed.contains) }
    }

    /// The ARN of the role `nameWithPath` (see ``isIAMRoleNameWithPath(_:)``) in `account` of `partition`; `nil`
    /// when the name is not a role name.
    public static func iamRole(nameWithPath: String, account: String, partition: String) -> ARN? {
        guard isIAMRoleNameWithPath(nameWithPath) else { return nil }
        return ARN(partition: partition, service: "iam", region: "", account: account, resource: "role/\(nameWithPath)")
    }
}
