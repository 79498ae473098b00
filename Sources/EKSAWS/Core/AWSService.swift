/// The wire protocol a service speaks.
public enum AWSProtocol: Sendable, Equatable {
    /// The EC2 query protocol (lists as `Name.1`; XML responses with `<Response><Errors>` errors).
    case ec2
    /// The AWS query protocol (lists as `Name.member.1`; `<ErrorResponse>` errors).
    case query
    /// The JSON protocol (`X-Amz-Target: prefix.Operation`), version `1.0` or `1.1`.
    case json(version: String, targetPrefix: String)
    /// REST with JSON bodies.
    case restJSON
}

/// What the client needs to know about one AWS service.
public struct AWSServiceDescriptor: Sendable, Equatable {
    /// The SigV4 signing name (`ec2`, `iam`, `sts`, `eks`, `sqs`, `events`, `logs`).
    public var signingName: String
    /// The endpoint prefix (`ec2.REGION.amazonaws.com`).
    public var endpointPrefix: String
    /// The SDK service id used in `AWS_ENDPOINT_URL_<ID>` (upper-cased, spaces as `_`) and config `services` keys.
    public var serviceID: String
    /// The API version sent with query requests.
    public var apiVersion: String
    public var wireProtocol: AWSProtocol
    /// Whether the service has one global endpoint per partition (IAM).
    public var isGlobal: Bool

    /// Creates a descriptor.
    public init(
        signingName: String,
        endpointPrefix: String,
        serviceID: String,
        apiVersion: String,
        wireProtocol: AWSProtocol,
        isGlobal: Bool = false
    ) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.serviceID = serviceID
        self.apiVersion = apiVersion
        self.wireProtocol = wireProtocol
        self.isGlobal = isGlobal
    }

    /// The key of this service in `AWS_ENDPOINT_URL_<KEY>`.
    public var environmentKey: String {
        serviceID.uppercased().replacingOccurrences(of: " ", with: "_")
    }

    /// The key of this service in a config file's `[services …]` section.
    public var configKey: String {
        serviceID.lowercased().replacingOccurrences(of: " ", with: "_")
    }

    /// Amazon EC2.
    public static let ec2 = AWSServiceDescriptor(
        signingName: "ec2",
        endpointPrefix: "ec2",
        serviceID: "EC2",
        apiVersion: "2016-11-15",
        wireProtocol: .ec2
    )
    /// AWS Identity and Access Management.
    public static let iam = AWSServiceDescriptor(
        signingName: "iam",
        endpointPrefix: "iam",
        serviceID: "IAM",
        apiVersion: "2010-05-08",
        wireProtocol: .query,
        isGlobal: true
    )
    /// AWS Security Token Service (regional endpoints).
    public static let sts = AWSServiceDescriptor(
        signingName: "sts",
        endpointPrefix: "sts",
        serviceID: "STS",
        apiVersion: "2011-06-15",
        wireProtocol: .query
    )
    /// Amazon EKS.
    public static let eks = AWSServiceDescriptor(
        signingName: "eks",
        endpointPrefix: "eks",
        serviceID: "EKS",
        apiVersion: "2017-11-01",
        wireProtocol: .restJSON
    )
    /// Amazon SQS (JSON protocol).
    public static let sqs = AWSServiceDescriptor(
        signingName: "sqs",
        endpointPrefix: "sqs",
        serviceID: "SQS",
        apiVersion: "2012-11-05",
        wireProtocol: .json(version: "1.0", targetPrefix: "AmazonSQS")
    )
    /// AWS IAM Identity Center's portal (`GetRoleCredentials`; unsigned, a bearer token instead).
    public static let sso = AWSServiceDescriptor(
        signingName: "awsssoportal",
        endpointPrefix: "portal.sso",
        serviceID: "SSO",
        apiVersion: "2019-06-10",
        wireProtocol: .restJSON
    )
    /// IAM Identity Center's OIDC service (`CreateToken`, to refresh an SSO access token).
    public static let ssoOIDC = AWSServiceDescriptor(
        signingName: "sso-oauth",
        endpointPrefix: "oidc",
        serviceID: "SSO OIDC",
        apiVersion: "2019-06-10",
        wireProtocol: .restJSON
    )
    /// Amazon EventBridge.
    public static let eventBridge = AWSServiceDescriptor(
        signingName: "events",
        endpointPrefix: "events",
        serviceID: "EventBridge",
        apiVersion: "2015-10-07",
        wireProtocol: .json(version: "1.1", targetPrefix: "AWSEvents")
    )
    /// AWS Systems Manager (Parameter Store holds the platform's run lock).
    public static let ssm = AWSServiceDescriptor(
        signingName: "ssm",
        endpointPrefix: "ssm",
        serviceID: "SSM",
        apiVersion: "2014-11-06",
        wireProtocol: .json(version: "1.1", targetPrefix: "AmazonSSM")
    )
    /// Amazon CloudWatch Logs (the cluster's control-plane log group).
    public static let cloudWatchLogs = AWSServiceDescriptor(
        signingName: "logs",
        endpointPrefix: "logs",
        serviceID: "CloudWatch Logs",
        apiVersion: "2014-03-28",
        wireProtocol: .json(version: "1.1", targetPrefix: "Logs_20140328")
    )
    /// Service Quotas (the quotas a fresh account lacks for a new platform's network: `plan` checks them).
    public static let serviceQuotas = AWSServiceDescriptor(
        signingName: "servicequotas",
        endpointPrefix: "servicequotas",
        serviceID: "Service Quotas",
        apiVersion: "2019-06-24",
        wireProtocol: .json(version: "1.1", targetPrefix: "ServiceQuotasV20190624")
    )
}
