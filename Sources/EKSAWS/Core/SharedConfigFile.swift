import Foundation

/// The AWS shared `config` and `credentials` files, parsed with line numbers for errors.
///
/// `config` names sections `[default]`, `[profile NAME]`, `[services NAME]`, `[sso-session NAME]`; `credentials`
/// names them `[NAME]`. A key with an empty value followed by indented `key = value` lines is a sub-section
/// (used by `[services …]` for per-service settings).
public struct SharedConfigFile: Sendable, Equatable {
    /// One section's settings; sub-sections are stored as `parent.child` keys.
    public typealias Section = [String: String]

    /// Profiles by name (`default` included).
    public var profiles: [String: Section] = [:]
    /// `[services NAME]` sections by name.
    public var services: [String: Section] = [:]
    /// `[sso-session NAME]` sections (config file only).
    public var ssoSessions: [String: Section] = [:]
    /// The file the data came from, for messages.
    public var path: String

    /// Parses a file's text.
    /// - Parameters:
    ///   - text: the contents.
    ///   - path: the file name, used in errors.
    ///   - isCredentialsFile: `[NAME]` means profile NAME (credentials file) rather than needing `[profile NAME]`.
    /// - Throws: ``AWSClientError`` `.malformedConfig` naming the file and line.
    public init(parsing text: String, path: String, isCredentialsFile: Bool) throws {
        self.path = path
        var currentKind: String?
        var currentName: String?
        var parentKey: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            func fail(_ message: String) -> AWSClientError {
                AWSClientError(.malformedConfig, "\(path):\(lineNumber): \(message)")
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else { throw fail("section header without a closing `]`: \(trimmed)") }
                let inner = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard !inner.isEmpty else { throw fail("empty section name `[]`") }
                parentKey = nil
                let words = inner.split(separator: " ", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                if isCredentialsFile {
                    (currentKind, currentName) = ("profile", inner)
                } else if inner == "default" {
                    (currentKind, currentName) = ("profile", "default")
                } else if words.count == 2, ["profile", "services", "sso-session"].contains(words[0]) {
                    (currentKind, currentName) = (words[0], words[1])
                } else {
                    // The CLI ignores sections it does not know (e.g. `[dev]` in config); so do we.
                    (currentKind, currentName) = ("ignored", inner)
                }
                if currentKind == "profile", let name = currentName, profiles[name] == nil { profiles[name] = [:] }
                if currentKind == "services", let name = currentName, services[name] == nil { services[name] = [:] }
                continue
            }
            guard let kind = currentKind, let name = currentName else {
                throw fail("setting outside of any section; start the file with a section such as [default]")
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw fail("expected `key = value`, found: \(trimmed.prefix(40))")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            // Inline comments need whitespace before `#` or `;`.
            for marker in [" #", " ;", "\t#", "\t;"] {
                if let r = value.range(of: marker) { value = value[..<r.lowerBound].trimmingCharacters(in: .whitespaces) }
            }
            guard !key.isEmpty else { throw fail("a setting needs a name before `=`") }
            let indented = line.first == " " || line.first == "\t"
            var storedKey = key
            if indented, let parent = parentKey {
                storedKey = "\(parent).\(key)"
            } else if value.isEmpty {
                parentKey = key
                continue
            } else {
                parentKey = nil
            }
            switch kind {
            case "profile": profiles[name, default: [:]][storedKey] = value
            case "services": services[name, default: [:]][storedKey] = value
            case "sso-session": ssoSessions[name, default: [:]][storedKey] = value
            default: break
            }
        }
    }

    /// Loads a file if it exists; `nil` when it does not.
    public static func load(path: String, isCredentialsFile: Bool) throws -> SharedConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AWSClientError(.malformedConfig, "\(path): cannot be read; check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AWSClientError(.malformedConfig, "\(path): is not UTF-8 text")
        }
        return try SharedConfigFile(parsing: text, path: path, isCredentialsFile: isCredentialsFile)
    }
}

/// The shared files and environment the SDKs read, resolved once: which profile, where the files are, what they say.
public struct AWSSharedConfiguration: Sendable {
    /// The environment variables (injected for tests).
    public var environment: [String: String]
    /// The selected profile name (`--profile`, `AWS_PROFILE`, or `default`).
    public var profileName: String
    /// Whether the profile was chosen explicitly (then it must exist).
    public var profileIsExplicit: Bool
    /// The parsed `config` file, if present.
    public var config: SharedConfigFile?
    /// The parsed `credentials` file, if present.
    public var credentials: SharedConfigFile?

    /// Loads the files named by `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` or under `~/.aws`.
    /// - Parameters:
    ///   - profile: an explicit profile (`--profile`), which wins over `AWS_PROFILE`.
    ///   - environment: the process environment.
    public init(profile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.environment = environment
        let envProfile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        self.profileName = profile ?? envProfile ?? "default"
        self.profileIsExplicit = profile != nil || envProfile != nil
        let home = environment["HOME"] ?? NSHomeDirectory()
        func expand(_ path: String) -> String {
            path.hasPrefix("~/") ? home + path.dropFirst(1) : path
        }
        let configPath = expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config")
        let credentialsPath = expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
        self.config = try SharedConfigFile.load(path: configPath, isCredentialsFile: false)
        self.credentials = try SharedConfigFile.load(path: credentialsPath, isCredentialsFile: true)
        if profileIsExplicit, settings(for: profileName) == nil {
            throw AWSClientError(
                .malformedConfig,
                "profile \"\(profileName)\" is not defined in \(configPath) or \(credentialsPath); "
                    + "add a [profile \(profileName)] section or choose another profile"
            )
        }
    }

    /// A profile's settings: the config file's, overlaid with the credentials file's. `nil` if neither has it.
    public func settings(for profile: String) -> SharedConfigFile.Section? {
        let fromConfig = config?.profiles[profile]
        let fromCredentials = credentials?.profiles[profile]
        if fromConfig == nil && fromCredentials == nil { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
    }

    /// One setting of the selected profile.
    public func value(_ key: String) -> String? { settings(for: profileName)?[key] }

    /// The file that defines a profile, for messages.
    public func file(defining profile: String) -> String {
        if credentials?.profiles[profile] != nil, let path = credentials?.path { return path }
        return config?.path ?? "~/.aws/config"
    }
}
