import Crypto
import Foundation

/// IAM Identity Center (SSO) profiles, read the way the AWS CLI v2 and the SDKs read them: `sso_session` naming an
/// `[sso-session NAME]` section (`sso_region`, `sso_start_url`), or the legacy `sso_start_url` + `sso_region` in the
/// profile; plus `sso_account_id` and `sso_role_name`. The access token comes from the cache `aws sso login` writes
/// (`~/.aws/sso/cache/<sha1 of the session name, or of the start URL for a legacy profile>.json`); an expired one is
/// refreshed with SSO OIDC `CreateToken` when the cache holds a refresh token and client registration (and the cache
/// is updated, 0600), otherwise the user is told to log in again. The role credentials come from `GetRoleCredentials`.
struct SSOProfile: Sendable {
    let profile: String
    let accountID: String
    let roleName: String
    let region: String
    let startURL: String
    /// The cache key: the session name, or the start URL for a legacy profile.
    let cacheKey: String

    /// The SSO settings of `settings`, or `nil` when the profile is not an SSO profile.
    /// - Throws: ``AWSClientError`` `.malformedConfig` for a half-configured one.
    init?(profile: String, settings: SharedConfigFile.Section, shared: AWSSharedConfiguration) throws {
        guard settings["sso_session"] != nil || settings["sso_start_url"] != nil else { return nil }
        func missing(_ key: String, _ place: String) -> AWSClientError {
            AWSClientError(
                .malformedConfig,
                "SSO profile \"\(profile)\" has no \(key) (\(place)); add it or run `aws configure sso`"
            )
        }
        guard let account = settings["sso_account_id"] else { throw missing("sso_account_id", "in the profile") }
        guard let role = settings["sso_role_name"] else { throw missing("sso_role_name", "in the profile") }
        self.profile = profile
        self.accountID = account
        self.roleName = role
        if let sessionName = settings["sso_session"] {
            guard let session = shared.config?.ssoSessions[sessionName] else {
                throw AWSClientError(
                    .malformedConfig,
                    "profile \"\(profile)\" names sso_session \"\(sessionName)\", but there is no [sso-session \(sessionName)] "
                        + "section in \(shared.config?.path ?? "~/.aws/config")"
                )
            }
            guard let region = session["sso_region"] else { throw missing("sso_region", "in [sso-session \(sessionName)]") }
            guard let url = session["sso_start_url"] else {
                throw missing("sso_start_url", "in [sso-session \(sessionName)]")
            }
            (self.region, self.startURL, self.cacheKey) = (region, url, sessionName)
        } else {
            guard let region = settings["sso_region"] else { throw missing("sso_region", "in the profile") }
            let url = settings["sso_start_url"] ?? ""
            (self.region, self.startURL, self.cacheKey) = (region, url, url)
        }
    }

    /// The token cache file for this profile under `home`.
    func cacheFile(home: String) -> String {
        let digest = Insecure.SHA1.hash(data: Data(cacheKey.utf8)).map { String(format: "%02x", $0) }.joined()
        return "\(home)/.aws/sso/cache/\(digest).json"
    }

    /// A client for the portal and OIDC calls, which are not SigV4-signed (a bearer token or client secret instead).
    static func unsignedClient(region: AWSRegion, context: AWSCredentialContext) -> AWSClient {
        AWSClient(
            region: region,
            credentialProvider: StaticCredentialProvider(AWSCredentials(accessKeyID: "", secretAccessKey: "", source: "none")),
            endpoints: context.endpoints,
            retry: context.retry,
            transport: context.transport,
            clock: context.clock
        )
    }

    /// What to run when the token is missing or cannot be refreshed.
    var loginHint: String { "run `aws sso login --profile \(profile)`" }

    /// The role credentials: a valid (or refreshed) access token, then `GetRoleCredentials`.
    func credentials(context: AWSCredentialContext) async throws -> AWSCredentials {
        let home = context.environment["HOME"] ?? NSHomeDirectory()
        let file = cacheFile(home: home)
        let region = try AWSRegion(self.region, allowUnknown: context.endpoints.hasCustomEndpoint(for: .sso))
        let token = try await accessToken(file: file, region: region, context: context)
        let client = Self.unsignedClient(region: region, context: context)
        var call = AWSCall(
            operation: "GetRoleCredentials",
            method: "GET",
            path: "/federation/credentials",
            query: [("account_id", accountID), ("role_name", roleName)],
            headers: [("x-amz-sso_bearer_token", token)],
            isMutating: false
        )
        call.isUnsigned = true
        struct Output: Decodable {
            struct RoleCredentials: Decodable {
                var accessKeyId: String?
                var secretAccessKey: String?
                var sessionToken: String?
                var expiration: Double?
            }
            var roleCredentials: RoleCredentials?
        }
        let out: Output
        do {
            out = try await client.executeJSON(call, service: .sso)
        } catch let error as AWSServiceError where error.code == "UnauthorizedException" {
            throw AWSClientError(
                .credentialSource,
                "IAM Identity Center refused the cached token of profile \(profile) (\(error.message)); \(loginHint)"
            )
        }
        guard let role = out.roleCredentials, let keyID = role.accessKeyId, let secret = role.secretAccessKey else {
            throw AWSClientError(.invalidResponse, "GetRoleCredentials for profile \(profile) returned no credentials")
        }
        return AWSCredentials(
            accessKeyID: keyID,
            secretAccessKey: secret,
            sessionToken: role.sessionToken,
            expiration: role.expiration.map { Date(timeIntervalSince1970: $0 / 1000) },
            accountID: accountID,
            source: "profile \(profile) (sso)"
        )
    }

    /// The cached access token, refreshed through SSO OIDC when it expires within five minutes.
    private func accessToken(file: String, region: AWSRegion, context: AWSCredentialContext) async throws -> String {
        guard let data = FileManager.default.contents(atPath: file),
            var cache = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let token = cache["accessToken"] as? String
        else {
            throw AWSClientError(.credentialSource, "no IAM Identity Center login cached for profile \(profile); \(loginHint)")
        }
        let expires = (cache["expiresAt"] as? String).flatMap(ISO8601.parse) ?? .distantPast
        if expires.timeIntervalSince(context.clock()) > 300 { return token }
        guard let refresh = cache["refreshToken"] as? String, let clientID = cache["clientId"] as? String,
            let clientSecret = cache["clientSecret"] as? String
        else {
            throw AWSClientError(
                .credentialSource,
                "the IAM Identity Center login of profile \(profile) expired at \(cache["expiresAt"] as? String ?? "?"); \(loginHint)"
            )
        }
        struct Input: Encodable {
            var grantType = "refresh_token"
            var clientId: String
            var clientSecret: String
            var refreshToken: String
        }
        struct Output: Decodable {
            var accessToken: String
            var expiresIn: Int?
            var refreshToken: String?
        }
        let client = Self.unsignedClient(region: region, context: context)
        var call = AWSCall(
            operation: "CreateToken",
            method: "POST",
            path: "/token",
            headers: [("content-type", "application/json")],
            body: Array(try JSONEncoder().encode(Input(clientId: clientID, clientSecret: clientSecret, refreshToken: refresh))),
            isMutating: true
        )
        call.isUnsigned = true
        let fresh: Output
        do {
            fresh = try await client.executeJSON(call, service: .ssoOIDC)
        } catch let error as AWSServiceError {
            throw AWSClientError(
                .credentialSource,
                "refreshing the IAM Identity Center login of profile \(profile) failed (\(error.code)); \(loginHint)"
            )
        }
        cache["accessToken"] = fresh.accessToken
        cache["expiresAt"] = ISO8601.format(context.clock().addingTimeInterval(TimeInterval(fresh.expiresIn ?? 3600)))
        if let rotated = fresh.refreshToken { cache["refreshToken"] = rotated }
        if let updated = try? JSONSerialization.data(withJSONObject: cache, options: [.sortedKeys]) {
            try? AtomicFile.write(updated, to: file, permissions: 0o600, createDirectories: false)
        }
        return fresh.accessToken
    }
}
