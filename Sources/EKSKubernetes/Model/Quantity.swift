import EKSAWS
import Foundation

/// A Kubernetes resource quantity such as `100m`, `1.5Gi` or `2e3`, parsed exactly and written in canonical form.
///
/// Canonical form follows the apiserver: binary-SI quantities that are whole multiples keep the largest binary
/// suffix (`1024Mi` → `1Gi`); everything else is written with the largest decimal-SI suffix that keeps the number
/// whole (`1000m` → `1`, `0.5` → `500m`, `1500k` → `1500k`, `2000000` → `2M`). Precision below `1n` rounds up.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The suffix family the quantity was written in.
    public enum Format: String, Sendable, Hashable {
        /// `Ki`, `Mi`, `Gi`, … (powers of 1024).
        case binarySI
        /// `n`, `u`, `m`, `k`, `M`, `G`, … (powers of 1000), or no suffix.
        case decimalSI
        /// `e3`, `E6`, … (scientific exponent).
        case decimalExponent
    }

    /// Why a string is not a quantity.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The rejected text.
        public var text: String
        /// What is wrong with it.
        public var description: String {
            "\"\(text)\" is not a Kubernetes quantity (expected a number with an optional suffix such as 500m, 2, 1.5Gi, "
                + "4Mi, 1e3)"
        }
    }

    /// The exact numeric value.
    public let value: Decimal
    /// The suffix family used when writing the canonical string.
    public let format: Format

    private static let binarySuffixes: [(String, Int)] = [
        ("Ki", 1), ("Mi", 2), ("Gi", 3), ("Ti", 4), ("Pi", 5), ("Ei", 6),
    ]
    private static let decimalSuffixes: [(String, Int)] = [
        ("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18),
    ]

    /// Parses `text`; throws ``ParseError`` if it is not a valid Kubernetes quantity.
    public init(parsing text: String) throws {
        let error = ParseError(text: text)
        var scalars = Substring(text)
        guard !scalars.isEmpty else { throw error }
        var sign = ""
        if let first = scalars.first, first == "+" || first == "-" {
            if first == "-" { sign = "-" }
            scalars = scalars.dropFirst()
        }
        let numberPart = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = String(scalars.dropFirst(numberPart.count))
        let dots = numberPart.filter { $0 == "." }.count
        guard !numberPart.isEmpty, dots <= 1, numberPart != "." else { throw error }
        guard let number = Decimal(string: sign + String(numberPart), locale: Locale(identifier: "en_US_POSIX")) else {
            throw error
        }
        if suffix.isEmpty {
            self.value = number
            self.format = .decimalSI
        } else if let binary = Self.binarySuffixes.first(where: { $0.0 == suffix }) {
            self.value = number * Self.power(1024, binary.1)
            self.format = .binarySI
        } else if let decimal = Self.decimalSuffixes.first(where: { $0.0 == suffix }) {
            self.value = number * Self.power10(decimal.1)
            self.format = .decimalSI
        } else if let first = suffix.first, first == "e" || first == "E" {
            var exponentText = suffix.dropFirst()
            var negative = false
            if let signChar = exponentText.first, signChar == "+" || signChar == "-" {
                negative = signChar == "-"
                exponentText = exponentText.dropFirst()
            }
            guard !exponentText.isEmpty, exponentText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let exponent = Int(exponentText), exponent <= 30
            else { throw error }
            self.value = number * Self.power10(negative ? -exponent : exponent)
            self.format = .decimalExponent
        } else {
            throw error
        }
    }

    /// Creates a quantity from a whole number (decimal SI).
    public init(_ integer: Int) {
        self.value = Decimal(integer)
        self.format = .decimalSI
    }

    /// Whether `text` parses as a quantity.
    public static func isValid(_ text: String) -> Bool { (try? Quantity(parsing: text)) != nil }

    /// The canonical string, e.g. `1Gi`, `500m`, `2`.
    public var canonical: String {
        if value == 0 { return "0" }
        if format == .binarySI, let whole = Self.wholeNumber(value) {
            if whole.magnitude >= 1024 {
                for (suffix, exponent) in Self.binarySuffixes.reversed() {
                    let divided = value / Self.power(1024, exponent)
                    if let integer = Self.wholeNumber(divided) { return "\(integer)\(suffix)" }
                }
            }
        }
        // Decimal: the largest exponent (multiple of 3) that keeps the mantissa whole.
        for (suffix, exponent) in Self.decimalSuffixes.reversed() {
            let mantissa = value / Self.power10(exponent)
            if let integer = Self.wholeNumber(mantissa) {
                if format == .decimalExponent {
                    return exponent == 0 ? "\(integer)" : "\(integer)e\(exponent)"
                }
                return "\(integer)\(suffix)"
            }
        }
        // Finer than nano: round up (away from zero) to whole nanos, as the apiserver does.
        var nanos = value / Self.power10(-9)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &nanos, 0, value < 0 ? .down : .up)
        return "\(rounded)n"
    }

    /// The canonical string.
    public var description: String { canonical }

    /// Orders quantities by value.
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.value < rhs.value }

    /// Quantities are equal when their values are equal (`1000m == 1`).
    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.value == rhs.value }

    /// Hashes the value only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    private static func wholeNumber(_ decimal: Decimal) -> Decimal? {
        var copy = decimal
        var rounded = Decimal()
        NSDecimalRound(&rounded, &copy, 0, .plain)
        return rounded == decimal ? rounded : nil
    }

    private static func power(_ base: Int, _ exponent: Int) -> Decimal {
        var result = Decimal(1)
        for _ in 0..<max(0, exponent) { result *= Decimal(base) }
        return result
    }

    private static func power10(_ exponent: Int) -> Decimal {
        if exponent >= 0 { return power(10, exponent) }
        return Decimal(sign: .plus, exponent: exponent, significand: 1)
    }
}

extension Quantity: Codable {
    /// Decodes from a string (`"500m"`) or a plain YAML/JSON number (`2`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            self.init(integer)
            return
        }
        let text: String
        if let string = try? container.decode(String.self) {
            text = string
        } else {
            text = String(try container.decode(Double.self))
        }
        do {
            try self.init(parsing: text)
        } catch let error as ParseError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the canonical string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonical)
    }
}

extension Quantity: ExpressibleByStringLiteral {
    /// Creates a quantity from a literal in source code; an invalid literal is a programming error and traps.
    public init(stringLiteral value: String) {
        do {
            self = try Quantity(parsing: value)
        } catch {
            preconditionFailure("invalid Quantity literal \"\(value)\"")
        }
    }
}
