extension AWSSession {
    /// An EC2 client.
    public var ec2: EC2Client { EC2Client(client: client) }
    /// An IAM client.
    public var iam: IAMClient { IAMClient(client: client) }
    /// An EKS client.
    public var eks: EKSClient { EKSClient(client: client) }
    /// An SQS client.
    public var sqs: SQSClient { SQSClient(client: client) }
    /// An EventBridge client.
    public var eventBridge: EventBridgeClient { EventBridgeClient(client: client) }
    /// An SSM (Parameter Store) client.
    public var ssm: SSMClient { SSMClient(client: client) }
    /// A CloudWatch Logs client.
    public var cloudWatchLogs: CloudWatchLogsClient { CloudWatchLogsClient(client: client) }
    /// Service Quotas.
    public var serviceQuotas: ServiceQuotasClient { ServiceQuotasClient(client: client) }
}
