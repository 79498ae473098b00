import EKSAWS
import EKSKubernetes
import Foundation

/// A 1Password secret reference: `op://vault/item[/section]/field[?attribute=otp]`.
public struct OnePasswordReference: Sendable, Equatable, CustomStringConvertible {
    public var vault: String
    public var item: String
    /// The section, when the reference has four parts.
    public var section: String?
    public var field: String
    /// Query attributes, e.g. `attribute=otp`.
    public var query: String?

    /// Parses a reference; `nil` when `text` is not an `op://` reference with vault, item and field.
    public init?(_ text: String) {
        guard text.hasPrefix("op://") else { return nil }
        var rest = Substring(text.dropFirst(5))
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        vault = parts[0]
        item = parts[1]
        section = parts.count == 4 ? parts[2] : nil
        field = parts[parts.count - 1]
    }

    /// Whether the reference asks for the one-time password of a TOTP field.
    public var isOneTimePassword: Bool { query?.split(separator: "&").contains("attribute=otp") == true }

    /// The reference text.
    public var description: String {
        "op://\(vault)/\(item)/" + (section.map { "\($0)/" } ?? "") + field + (query.map { "?\($0)" } ?? "")
    }
}

/// An error from the 1Password CLI, turned into what the user should do.
public struct OnePasswordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable kinds.
    public enum Code: String, Sendable {
        /// `op` is not installed or not on PATH.
        case notInstalled
        /// The CLI is not signed in (or the desktop app is locked).
        case signedOut
        /// The item does not exist in the vault.
        case itemNotFound
        /// The item has no such field.
        case fieldNotFound
        /// The reference is malformed.
        case invalidReference
        /// Anything else `op` reported.
        case failed
    }

    /// The kind.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// Reads secrets with the 1Password CLI (`op read`, `op item get --otp`). Values are returned to the caller, registered
/// with ``Redactor`` so they never appear in output, and never written anywhere.
public struct OnePasswordCLI: Sendable {
    /// The environment `op` runs with (`OP_ACCOUNT`, `OP_SERVICE_ACCOUNT_TOKEN`, `PATH`, …).
    public var environment: [String: String]
    /// The redactor secrets are registered with.
    public var redactor: Redactor

    /// Creates a reader.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, redactor: Redactor) {
        self.environment = environment
        self.redactor = redactor
    }

    /// `--account` when `OP_ACCOUNT` is set, so the account choice is explicit in every call.
    var accountArguments: [String] {
        guard let account = environment["OP_ACCOUNT"], !account.isEmpty else { return [] }
        // One argument: an account value that starts with `-` cannot become a flag of its own.
        return ["--account=\(account)"]
    }

    /// Refuses a value that `op` would take for a flag (`--session=X --config=/tmp/y` as a TOTP item).
    static func checkNotFlag(_ value: String, what: String) throws {
        guard value.hasPrefix("-") else { return }
        throw OnePasswordError(
            code: .invalidReference,
            message: "the \(what) \"\(value)\" starts with \"-\", which op would read as an option; name the item, vault "
                + "or reference without a leading dash"
        )
    }

    /// Reads a secret reference (`op read --no-newline REF`).
    public func read(_ reference: String) async throws -> String {
        guard let parsed = OnePasswordReference(reference) else {
            throw OnePasswordError(
                code: .invalidReference,
                message: "\"\(reference)\" is not a 1Password reference; use op://vault/item/field"
            )
        }
        // `--` ends op's options: whatever follows is the reference, never a flag.
        let value = try await run(
            ["read", "--no-newline"] + accountArguments + ["--", parsed.description],
            about: parsed
        )
        return value.trimmingCharacters(in: .newlines)
    }

    /// A current one-time password: an `op://…?attribute=otp` reference is read; an item name (or `op://vault/item`)
    /// goes through `op item get ITEM --otp`.
    public func oneTimePassword(_ source: String) async throws -> String {
        if let reference = OnePasswordReference(source) {
            let code = try await read(reference.description)
            return code
        }
        var item = source
        var vaultArguments: [String] = []
        if source.hasPrefix("op://") {
            let parts = source.dropFirst(5).split(separator: "/").map(String.init)
            guard parts.count == 2 else {
                throw OnePasswordError(
                    code: .invalidReference,
                    message: "\"\(source)\" is not a TOTP source; use op://vault/item/field?attribute=otp or an item name"
                )
            }
            try Self.checkNotFlag(parts[0], what: "vault")
            vaultArguments = ["--vault=\(parts[0])"]
            item = parts[1]
        }
        try Self.checkNotFlag(item, what: "TOTP item")
        let vault = vaultArguments.first.map { String($0.dropFirst("--vault=".count)) } ?? "-"
        let reference = OnePasswordReference("op://\(vault)/\(item)/one-time password")
        let code = try await run(
            ["item", "get", "--otp"] + vaultArguments + accountArguments + ["--", item],
            about: reference
        )
        return code.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Resolves a configuration value: `op://` references are read, anything else is returned as is.
    public func resolve(_ value: String) async throws -> String {
        value.hasPrefix("op://") ? try await read(value) : value
    }

    private func run(_ arguments: [String], about reference: OnePasswordReference?) async throws -> String {
        guard Subprocess.locate("op", path: environment["PATH"]) != nil else {
            throw OnePasswordError(
                code: .notInstalled,
                message: "the 1Password CLI `op` is not installed or not on PATH; install it "
                    + "(https://developer.1password.com/docs/cli/get-started/) and sign in with `op signin`"
            )
        }
        let result = try await Subprocess.run(["op"] + arguments, environment: ChildEnvironment.onePassword(environment))
        let stderr = String(decoding: result.stderr.prefix(2000), as: UTF8.self)
        guard result.status == 0 else { throw classify(stderr, reference: reference) }
        let value = String(decoding: result.stdout, as: UTF8.self)
        redactor.register(secret: value.trimmingCharacters(in: .whitespacesAndNewlines))
        return value
    }

    /// Maps `op`'s error text to a clear message (never including any value).
    func classify(_ stderr: String, reference: OnePasswordReference?) -> OnePasswordError {
        let lower = stderr.lowercased()
        let what = reference.map { "\($0.description)" } ?? "the secret"
        if lower.contains("not currently signed in") || lower.contains("not signed in")
            || lower.contains("session expired") || lower.contains("authorization prompt dismissed")
            || lower.contains("account is not signed in")
        {
            return OnePasswordError(
                code: .signedOut,
                message: "1Password: not signed in, so \(what) cannot be read; run `eval $(op signin)` "
                    + "(or unlock the 1Password app with CLI integration enabled) and try again"
            )
        }
        if lower.contains("isn't an item") || lower.contains("no item found") || lower.contains("could not find item") {
            return OnePasswordError(
                code: .itemNotFound,
                message: "1Password: item \"\(reference?.item ?? "?")\" was not found in vault \"\(reference?.vault ?? "?")\"; "
                    + "check the reference \(what) with `op item list --vault \"\(reference?.vault ?? "?")\"`"
            )
        }
        if lower.contains("isn't a field") || lower.contains("does not have a field") || lower.contains("no field") {
            return OnePasswordError(
                code: .fieldNotFound,
                message: "1Password: item \"\(reference?.item ?? "?")\" has no field \"\(reference?.field ?? "?")\"; "
                    + "see its fields with `op item get \"\(reference?.item ?? "?")\"`"
            )
        }
        if lower.contains("vault") && (lower.contains("isn't a vault") || lower.contains("not found")) {
            return OnePasswordError(
                code: .itemNotFound,
                message: "1Password: vault \"\(reference?.vault ?? "?")\" was not found; check the reference \(what)"
            )
        }
        let detail = redactor.redact(stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        return OnePasswordError(code: .failed, message: "1Password: `op` failed reading \(what): \(detail)")
    }
}
