import Foundation

/// Credentials from a container credentials endpoint, as ECS tasks and EKS Pod Identity provide them (the SDKs'
/// "container provider"): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (under `http://169.254.170.2`) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the `Authorization` header from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
/// (read on every call: EKS rotates it) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// A full URI over plain http must name this machine or the documented link-local agents (169.254.170.2 for ECS,
/// 169.254.170.23 and fd00:ec2::23 for EKS Pod Identity) — the rule the AWS SDKs apply — so the token is never sent
/// in the clear to anywhere else.
public struct ContainerCredentialSource: AWSCredentialSource {
    public let context: AWSCredentialContext
    /// The source name.
    public var name: String { "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI)" }

    /// Hosts a plain-http full URI may name besides loopback.
    static let linkLocalAgents: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]"]

    /// Creates the source.
    public init(context: AWSCredentialContext) { self.context = context }

    /// Credentials from the endpoint, or `nil` when neither variable is set.
    public func resolve() async throws -> AWSCredentials? {
        let env = context.environment
        let url: URL
        if let relative = env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            guard let built = URL(string: "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative))
            else {
                throw AWSClientError(.credentialSource, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \"\(relative)\" is not a path")
            }
            url = built
        } else if let full = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            guard let parsed = URL(string: full), let host = parsed.host, ["http", "https"].contains(parsed.scheme ?? "")
            else {
                throw AWSClientError(.credentialSource, "AWS_CONTAINER_CREDENTIALS_FULL_URI \"\(full)\" is not an http(s) URL")
            }
            if parsed.scheme == "http", !LoopbackHost.contains(host), !Self.linkLocalAgents.contains(host) {
                throw AWSClientError(
                    .insecureEndpoint,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI \"\(full)\" is plain http to \(host); the SDKs accept plain http "
                        + "only for this machine and the ECS/EKS Pod Identity agents (169.254.170.2, 169.254.170.23); "
                        + "use https"
                )
            }
            url = parsed
        } else {
            return nil
        }
        var headers: [(name: String, value: String)] = [("accept", "application/json")]
        if let file = env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file),
                let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !token.isEmpty
            else {
                throw AWSClientError(
                    .credentialSource,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file) is missing, unreadable or empty"
                )
            }
            headers.append(("authorization", token))
        } else if let token = env["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            headers.append(("authorization", token))
        }
        let response: AWSHTTPResponse
        do {
            response = try await context.transport.send(
                AWSHTTPRequest(method: "GET", url: url, headers: headers),
                timeout: .seconds(5)
            )
        } catch {
            throw AWSClientError(.credentialSource, "the container credentials endpoint \(url.absoluteString) failed: \(error)")
        }
        guard response.statusCode == 200 else {
            throw AWSClientError(
                .credentialSource,
                "the container credentials endpoint \(url.absoluteString) answered HTTP \(response.statusCode)"
            )
        }
        return try MetadataCredentials.decode(response.body, source: "container credentials", from: url.absoluteString)
    }
}

/// Credentials of the EC2 instance's role from the instance metadata service, IMDSv2 only: a session token from
/// `PUT /latest/api/token` (TTL 6 h), then the role name and its credentials with that token. Off when
/// `AWS_EC2_METADATA_DISABLED=true`; `AWS_EC2_METADATA_SERVICE_ENDPOINT` points it elsewhere (the profile setting of
/// that name is not read); one second per call, one attempt, as the SDKs default.
/// IMDSv1 (no token) is not used: it is what SSRF attacks on instance roles exploit.
public struct InstanceMetadataCredentialSource: AWSCredentialSource {
    public let context: AWSCredentialContext
    /// The source name.
    public var name: String { "EC2 instance metadata (IMDSv2)" }

    /// Creates the source.
    public init(context: AWSCredentialContext) { self.context = context }

    /// The instance role's credentials, or `nil` when disabled, unreachable or without a role.
    public func resolve() async throws -> AWSCredentials? {
        let env = context.environment
        if env["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        let base =
            env["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (env["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6"
                ? "http://[fd00:ec2::254]" : "http://169.254.169.254")
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        func url(_ path: String) throws -> URL {
            guard let url = URL(string: root + path) else {
                throw AWSClientError(.credentialSource, "AWS_EC2_METADATA_SERVICE_ENDPOINT \"\(base)\" is not a URL")
            }
            return url
        }
        let timeout = Duration.seconds(1)
        let tokenResponse: AWSHTTPResponse
        do {
            tokenResponse = try await context.transport.send(
                AWSHTTPRequest(
                    method: "PUT",
                    url: try url("/latest/api/token"),
                    headers: [("x-aws-ec2-metadata-token-ttl-seconds", "21600")]
                ),
                timeout: timeout
            )
        } catch let error as AWSClientError where error.code == .credentialSource {
            throw error
        } catch {
            return nil  // no metadata service here: not an EC2 instance
        }
        guard tokenResponse.statusCode == 200, let token = String(bytes: tokenResponse.body, encoding: .utf8),
            !token.isEmpty
        else { return nil }
        let auth: [(name: String, value: String)] = [("x-aws-ec2-metadata-token", token)]
        let roles = try await context.transport.send(
            AWSHTTPRequest(method: "GET", url: try url("/latest/meta-data/iam/security-credentials/"), headers: auth),
            timeout: timeout
        )
        guard roles.statusCode == 200,
            let role = String(bytes: roles.body, encoding: .utf8)?.split(separator: "\n").first.map(String.init),
            !role.isEmpty
        else { return nil }  // an instance without a role
        let credentialsURL = try url("/latest/meta-data/iam/security-credentials/" + role)
        let answer = try await context.transport.send(
            AWSHTTPRequest(method: "GET", url: credentialsURL, headers: auth),
            timeout: timeout
        )
        guard answer.statusCode == 200 else {
            throw AWSClientError(
                .credentialSource,
                "the instance metadata service answered HTTP \(answer.statusCode) for the credentials of role \(role)"
            )
        }
        return try MetadataCredentials.decode(answer.body, source: "instance role \(role)", from: "instance metadata")
    }
}

/// The JSON both metadata endpoints answer: `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (IMDS adds
/// `Code: Success`).
enum MetadataCredentials {
    static func decode(_ body: [UInt8], source: String, from origin: String) throws -> AWSCredentials {
        struct Answer: Decodable {
            var Code: String?
            var AccessKeyId: String?
            var SecretAccessKey: String?
            var Token: String?
            var Expiration: String?
            var AccountId: String?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body)),
            let keyID = answer.AccessKeyId, !keyID.isEmpty, let secret = answer.SecretAccessKey, !secret.isEmpty
        else {
            throw AWSClientError(.invalidResponse, "\(origin) did not answer credentials JSON (AccessKeyId, SecretAccessKey)")
        }
        if let code = answer.Code, code != "Success" {
            throw AWSClientError(.credentialSource, "\(origin) answered Code \(code) instead of Success")
        }
        return AWSCredentials(
            accessKeyID: keyID,
            secretAccessKey: secret,
            sessionToken: answer.Token,
            expiration: answer.Expiration.flatMap(ISO8601.parse),
            accountID: answer.AccountId,
            source: source
        )
    }
}
