import Foundation

/// Masks secrets and the AWS account id in text before it reaches a terminal, a log or an error message.
///
/// Values registered with ``register(secret:)`` are replaced wherever they appear; account ids are masked inside ARNs
/// and wherever a registered account id appears; access key ids keep their last four characters.
public final class Redactor: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: Set<String> = []
    private var accountIDs: Set<String> = []
    private var revealAccountID = false

    /// Creates an empty redactor.
    public init() {}

    /// Registers a value that must never be shown (secret keys, session tokens, 1Password values).
    /// Values shorter than 8 characters are not registered: real secrets are longer, and masking short values (such as
    /// a six-digit one-time code) would also cut into unrelated numbers, account ids included.
    public func register(secret: String) {
        guard secret.count >= 8 else { return }
        lock.withLock { _ = secrets.insert(secret) }
    }

    /// Registers the account id, masked everywhere unless ``revealsAccountID`` is set.
    public func register(accountID: String) {
        guard !accountID.isEmpty else { return }
        lock.withLock { _ = accountIDs.insert(accountID) }
    }

    /// Whether the account id is shown (`--show-account-id`). Secrets are masked regardless.
    public var revealsAccountID: Bool {
        get { lock.withLock { revealAccountID } }
        set { lock.withLock { revealAccountID = newValue } }
    }

    /// Masks everything known or recognisable in `text`.
    public func redact(_ text: String) -> String {
        let (secrets, accounts, reveal) = lock.withLock { (self.secrets, self.accountIDs, self.revealAccountID) }
        var out = text
        // Account ids first: a secret that happens to share digits with one must not leave part of it visible.
        if !reveal {
            out = Self.maskARNAccounts(in: out)
            for account in accounts where out.contains(account) {
                out = out.replacingOccurrences(of: account, with: Self.maskedAccountID)
            }
        }
        for secret in secrets.sorted(by: { $0.count > $1.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: Self.maskSecret(secret))
        }
        out = Self.maskAccessKeyIDs(in: out)
        return out
    }

    /// What an account id is replaced with.
    public static let maskedAccountID = "************"

    /// `AKIA…WXYZ` style: everything but the last four characters is hidden.
    public static func maskAccessKeyID(_ keyID: String) -> String {
        guard keyID.count > 4 else { return String(repeating: "*", count: keyID.count) }
        return String(repeating: "*", count: keyID.count - 4) + keyID.suffix(4)
    }

    /// A fixed-length mask that says what kind of value was hidden without leaking its length.
    static func maskSecret(_ secret: String) -> String { "****" }

    /// Masks the account field of every `arn:partition:service:region:account:` in the text.
    static func maskARNAccounts(in text: String) -> String {
        guard text.contains("arn:") else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "arn:") {
            result += rest[..<range.lowerBound]
            var cursor = range.upperBound
            var fields: [Substring] = []
            // partition, service, region: three fields ending with ':'
            var ok = true
            for _ in 0..<3 {
                guard let colon = rest[cursor...].firstIndex(of: ":") else { ok = false; break }
                let field = rest[cursor..<colon]
                if field.contains(where: { $0 == " " || $0 == "\n" || $0 == "\"" }) { ok = false; break }
                fields.append(field)
                cursor = rest.index(after: colon)
            }
            var accountEnd = cursor
            while ok, accountEnd < rest.endIndex, rest[accountEnd].isASCII, rest[accountEnd].isNumber {
                accountEnd = rest.index(after: accountEnd)
            }
            if ok, rest.distance(from: cursor, to: accountEnd) == 12 {
                result += "arn:" + fields.joined(separator: ":") + ":" + maskedAccountID
                rest = rest[accountEnd...]
            } else {
                result += "arn:"
                rest = rest[range.upperBound...]
            }
        }
        return result + rest
    }

    /// Masks AWS access key ids (`AKIA`/`ASIA` + 16 upper-case letters or digits) but their last four characters.
    static func maskAccessKeyIDs(in text: String) -> String {
        guard text.contains("AKIA") || text.contains("ASIA") else { return text }
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            if i + 20 <= chars.count, chars[i] == "A",
                String(chars[i..<(i + 4)]) == "AKIA" || String(chars[i..<(i + 4)]) == "ASIA",
                chars[(i + 4)..<(i + 20)].allSatisfy({ ($0.isUppercase || $0.isNumber) && $0.isASCII }),
                i + 20 == chars.count || !(chars[i + 20].isUppercase || chars[i + 20].isNumber)
            {
                out += maskAccessKeyID(String(chars[i..<(i + 20)]))
                i += 20
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }
}
