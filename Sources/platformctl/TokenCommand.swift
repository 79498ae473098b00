import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl token`: an EKS bearer token as an ExecCredential, for kubectl's exec plugin mechanism.
///
/// Fast by design: a cache hit reads one file and prints; signing needs no network unless `--role-arn` is given.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print an EKS authentication token as a client.authentication.k8s.io ExecCredential.",
        discussion: """
            kubectl runs this through the `exec` stanza that `platformctl kubeconfig` writes. Tokens are cached \
            (0600) under $XDG_CACHE_HOME/platformctl/tokens or ~/.cache/platformctl/tokens and reused until one \
            minute before they expire.
            """
    )

    @Option(name: .customLong("cluster-name"), help: "The EKS cluster name.")
    var clusterName: String

    @Option(help: "The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's region).")
    var region: String?

    @Option(name: .customLong("role-arn"), help: "Assume this IAM role before signing the token.")
    var roleARN: String?

    @Option(help: "The AWS profile to use.")
    var profile: String?

    @Option(name: .customLong("endpoint-url"), help: "Send STS calls (for --role-arn) to this URL.")
    var endpointURL: String?

    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the token cache.")
    var noCache = false

    @Option(help: "Sign with temporary credentials for this operator role (from the operator settings).")
    var role: String?

    @Option(
        name: .customLong("config"),
        help: "Operator settings for --role (default: $PLATFORMCTL_CONFIG, then ~/.config/platformctl/config.yaml)."
    )
    var operatorConfig: String?

    func validate() throws {
        if clusterName.isEmpty { throw ValidationError("--cluster-name must not be empty") }
        if let endpointURL {
            guard let url = URL(string: endpointURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--endpoint-url \"\(endpointURL)\" is not an http(s) URL with a host")
            }
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let warn: @Sendable (String) -> Void = { message in
            FileHandle.standardError.write(Data((Console.redactor.redact(message) + "\n").utf8))
        }
        let apiVersion = ExecCredential.negotiatedAPIVersion(execInfo: environment["KUBERNETES_EXEC_INFO"], warn: warn)
        let provider: EKSTokenProvider
        do {
            var operatorCredentials: AWSCredentials?
            if role != nil {
                let base = AWSSessionOptions(
                    profile: profile,
                    region: region,
                    endpointURL: endpointURL.flatMap(URL.init(string:)),
                    environment: environment,
                    redactor: Console.redactor,
                    allowInsecureHTTP: insecureHTTPAllowed(flag: false, environment: environment)
                )
                operatorCredentials = try await RoleOptions(role: role).apply(to: base, operatorConfig: operatorConfig)
                    .credentials
            }
            provider = try EKSTokenProvider(
                EKSTokenProvider.Options(
                    clusterName: clusterName,
                    region: region,
                    roleARN: roleARN,
                    profile: profile,
                    endpointURL: endpointURL.flatMap(URL.init(string:)),
                    useCache: !noCache,
                    environment: environment,
                    credentials: operatorCredentials,
                    allowInsecureHTTP: insecureHTTPAllowed(flag: false, environment: environment)
                ),
                warn: warn
            )
        } catch {
            throw CLIError(error)
        }
        let token: EKSToken
        if let cached = provider.cachedToken() {
            token = cached
        } else {
            do {
                token = try await provider.freshToken()
            } catch {
                await provider.shutdown()
                throw CLIError(error)
            }
            await provider.shutdown()
        }
        let credential = ExecCredential(apiVersion: apiVersion, token: token.value, expiration: token.expiration)
        FileHandle.standardOutput.write(Data(credential.json().utf8))
    }
}
