import EKSAWS

/// A value that is either a whole number or a string, such as a port (`8080` / `http`) or `maxUnavailable`
/// (`1` / `"25%"`).
public enum IntOrString: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A whole number.
    case int(Int)
    case string(String)

    /// Decodes from either a number or a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            self = .int(integer)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Encodes a number as a number and a string as a string (a numeric-looking string stays a string).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    /// The number, or the string as written.
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return value
        }
    }
}

extension IntOrString: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    /// A number literal.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
}
