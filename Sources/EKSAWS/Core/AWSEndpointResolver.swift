import Foundation

/// Chooses the URL and signing region of each service the way the AWS SDKs do.
///
/// Order: an explicit endpoint (`--endpoint-url`) → `AWS_ENDPOINT_URL_<SERVICE>` → the profile's `services` section
/// → `AWS_ENDPOINT_URL` → the profile's `endpoint_url` → the partition's standard endpoint. Setting
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or profile `ignore_configured_endpoint_urls = true`) skips the
/// environment and profile sources.
public struct AWSEndpointResolver: Sendable {
    /// An endpoint for every service, from `--endpoint-url`.
    public var explicitEndpoint: URL?
    public var environment: [String: String]
    /// The shared config, for the profile's endpoint settings.
    public var shared: AWSSharedConfiguration?
    /// Allow plain `http` endpoints that are not this machine. Off by default: signed requests, and the credentials
    /// STS answers with, would cross the network unencrypted.
    public var allowInsecureHTTP: Bool

    /// Creates a resolver.
    public init(
        explicitEndpoint: URL? = nil,
        environment: [String: String],
        shared: AWSSharedConfiguration?,
        allowInsecureHTTP: Bool = false
    ) {
        self.explicitEndpoint = explicitEndpoint
        self.environment = environment
        self.shared = shared
        self.allowInsecureHTTP = allowInsecureHTTP
    }

    /// Whether any custom endpoint applies to `service` (then unknown regions are allowed, e.g. for emulators).
    public func hasCustomEndpoint(for service: AWSServiceDescriptor) -> Bool {
        (try? configuredEndpoint(for: service)) != nil
    }

    /// The URL and signing region for `service` in `region`.
    /// - Throws: ``AWSClientError`` `.invalidEndpoint` for a configured URL that is not http(s) with a host;
    ///   `.insecureEndpoint` for plain http to a host other than this machine (unless ``allowInsecureHTTP``).
    public func resolve(_ service: AWSServiceDescriptor, region: AWSRegion) throws -> (url: URL, signingRegion: String) {
        let signingRegion = service.isGlobal ? region.partition.globalRegion : region.name
        if let (raw, source) = try configuredEndpoint(for: service) {
            guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                let host = url.host
            else {
                throw AWSClientError(
                    .invalidEndpoint,
                    "the endpoint \"\(raw)\" from \(source) is not an http(s) URL with a host; "
                        + "use a value such as https://ec2.us-west-2.amazonaws.com or http://127.0.0.1:5000"
                )
            }
            if scheme == "http", !allowInsecureHTTP, !LoopbackHost.contains(host) {
                throw AWSClientError(
                    .insecureEndpoint,
                    "refusing the plain-http endpoint \"\(raw)\" from \(source): signed requests and the credentials STS "
                        + "returns would cross the network unencrypted; use https (plain http is only used for this "
                        + "machine: 127.0.0.0/8, ::1, localhost), or opt in explicitly (allowInsecureHTTP)"
                )
            }
            return (url, signingRegion)
        }
        let host: String
        if service.isGlobal && service.signingName == "iam" {
            host = region.partition.iamHost
        } else {
            host = "\(service.endpointPrefix).\(region.name).\(region.partition.dnsSuffix)"
        }
        guard let url = URL(string: "https://\(host)") else {
            throw AWSClientError(.invalidEndpoint, "cannot build an endpoint URL from host \(host)")
        }
        return (url, signingRegion)
    }

    /// The configured endpoint string and where it came from, if any.
    func configuredEndpoint(for service: AWSServiceDescriptor) throws -> (String, String)? {
        if let explicitEndpoint { return (explicitEndpoint.absoluteString, "the explicit endpoint") }
        let ignore =
            environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
            || shared?.value("ignore_configured_endpoint_urls")?.lowercased() == "true"
        if ignore { return nil }
        let serviceVariable = "AWS_ENDPOINT_URL_\(service.environmentKey)"
        if let value = environment[serviceVariable], !value.isEmpty { return (value, serviceVariable) }
        if let shared, let servicesName = shared.value("services"),
            let section = shared.config?.services[servicesName],
            let value = section["\(service.configKey).endpoint_url"]
        {
            return (value, "[services \(servicesName)] in \(shared.config?.path ?? "config")")
        }
        if let value = environment["AWS_ENDPOINT_URL"], !value.isEmpty { return (value, "AWS_ENDPOINT_URL") }
        if let shared, let value = shared.value("endpoint_url") {
            return (value, "profile \(shared.profileName)")
        }
        return nil
    }
}
