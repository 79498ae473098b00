import Foundation

/// AWS Security Token Service: who am I, and temporary credentials.
public struct STSClient: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.sts

    /// Creates an STS client on `client`.
    public init(client: AWSClient) { self.client = client }

    /// The identity behind the credentials.
    public struct CallerIdentity: Sendable, Equatable {
        /// The account id (masked by ``Redactor`` wherever it is shown).
        public var account: String
        /// The ARN of the user or assumed role.
        public var arn: String
        /// The unique id of the principal.
        public var userID: String
    }

    /// Temporary credentials and who they act as.
    public struct AssumedCredentials: Sendable, Equatable {
        public var credentials: AWSCredentials
        /// The assumed-role ARN (`AssumeRole`, `AssumeRoleWithWebIdentity`).
        public var assumedRoleARN: String?
    }

    /// `GetCallerIdentity`.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let root = try await send("GetCallerIdentity", QueryParameters(.query))
        guard let result = root.child("GetCallerIdentityResult"), let account = result.string("Account"),
            let arn = result.string("Arn")
        else { throw missing("GetCallerIdentity", "GetCallerIdentityResult.Account/Arn") }
        return CallerIdentity(account: account, arn: arn, userID: result.string("UserId") ?? "")
    }

    /// `AssumeRole`, with MFA (`serialNumber` + `tokenCode`) and an external id when given.
    public func assumeRole(
        roleARN: String,
        sessionName: String,
        durationSeconds: Int? = nil,
        externalID: String? = nil,
        serialNumber: String? = nil,
        tokenCode: String? = nil
    ) async throws -> AssumedCredentials {
        var parameters = QueryParameters(.query)
        parameters.set("RoleArn", roleARN)
        parameters.set("RoleSessionName", sessionName)
        parameters.set("DurationSeconds", durationSeconds)
        parameters.set("ExternalId", externalID)
        parameters.set("SerialNumber", serialNumber)
        parameters.set("TokenCode", tokenCode)
        let root = try await send("AssumeRole", parameters)
        return try assumed(root, result: "AssumeRoleResult", operation: "AssumeRole", source: "assume role")
    }

    /// `GetSessionToken`, with MFA when given.
    public func getSessionToken(
        durationSeconds: Int? = nil,
        serialNumber: String? = nil,
        tokenCode: String? = nil
    ) async throws -> AWSCredentials {
        var parameters = QueryParameters(.query)
        parameters.set("DurationSeconds", durationSeconds)
        parameters.set("SerialNumber", serialNumber)
        parameters.set("TokenCode", tokenCode)
        let root = try await send("GetSessionToken", parameters)
        return try assumed(root, result: "GetSessionTokenResult", operation: "GetSessionToken", source: "session token")
            .credentials
    }

    /// `AssumeRoleWithWebIdentity` (sent unsigned, as it needs no credentials).
    public func assumeRoleWithWebIdentity(
        roleARN: String,
        sessionName: String,
        webIdentityToken: String,
        durationSeconds: Int? = nil
    ) async throws -> AssumedCredentials {
        var parameters = QueryParameters(.query)
        parameters.set("RoleArn", roleARN)
        parameters.set("RoleSessionName", sessionName)
        parameters.set("WebIdentityToken", webIdentityToken)
        parameters.set("DurationSeconds", durationSeconds)
        let root = try await send("AssumeRoleWithWebIdentity", parameters, unsigned: true)
        return try assumed(
            root,
            result: "AssumeRoleWithWebIdentityResult",
            operation: "AssumeRoleWithWebIdentity",
            source: "web identity"
        )
    }

    // MARK: - Wire

    private func send(
        _ operation: String,
        _ parameters: QueryParameters,
        unsigned: Bool = false
    ) async throws
        -> XMLTree
    {
        var call = AWSCall.query(
            operation,
            parameters,
            version: Self.service.apiVersion,
            isMutating: operation != "GetCallerIdentity"
        )
        call.isUnsigned = unsigned
        let response = try await client.execute(call, service: Self.service)
        do {
            let root = try XMLTree.parse(response.body)
            guard root.name == "\(operation)Response" else {
                throw AWSClientError(
                    .invalidResponse,
                    "expected <\(operation)Response>, got <\(root.name)>: \"\(AWSErrorDecoder.snippet(response.body))\"",
                    service: "sts",
                    operation: operation
                )
            }
            return root
        } catch let error as XMLError {
            throw AWSClientError(
                .invalidResponse,
                "malformed XML (\(error)): \"\(AWSErrorDecoder.snippet(response.body))\"",
                service: "sts",
                operation: operation
            )
        }
    }

    private func assumed(
        _ root: XMLTree,
        result: String,
        operation: String,
        source: String
    ) throws
        -> AssumedCredentials
    {
        guard let credentials = root[result, "Credentials"], let keyID = credentials.string("AccessKeyId"),
            let secret = credentials.string("SecretAccessKey")
        else { throw missing(operation, "\(result).Credentials") }
        let expiration = credentials.string("Expiration").flatMap(ISO8601.parse)
        let arn = root[result, "AssumedRoleUser"]?.string("Arn")
        let account = arn.flatMap(ARN.init(parsing:))?.account
        return AssumedCredentials(
            credentials: AWSCredentials(
                accessKeyID: keyID,
                secretAccessKey: secret,
                sessionToken: credentials.string("SessionToken"),
                expiration: expiration,
                accountID: account,
                source: source
            ),
            assumedRoleARN: arn
        )
    }

    private func missing(_ operation: String, _ what: String) -> AWSClientError {
        AWSClientError(.invalidResponse, "the response has no \(what)", service: "sts", operation: operation)
    }
}
