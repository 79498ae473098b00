import EKSAWS
import Foundation

/// An unstructured JSON/YAML value, used for manifests that are only passed through (Flux's install manifest,
/// CRDs) and for free-form fields such as Helm `values`.
///
/// Objects keep their keys in a dictionary; when encoded, keys are written in sorted order so that output is
/// byte-stable. `null` is representable (it occurs in upstream documents) but typed models never produce it.
public enum JSONValue: Sendable, Hashable {
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A whole number.
    case integer(Int)
    /// A number with a fractional part.
    case number(Double)
    case string(String)
    /// An ordered list.
    case array([JSONValue])
    /// A map from string keys to values.
    case object([String: JSONValue])

    /// Looks up `key` when this value is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let map) = self { return map[key] }
        return nil
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object payload, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The array payload, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Converts this value into the Foundation representation `JSONSerialization` produces
    /// (`[String: Any]`, `[Any]`, `String`, `NSNumber`, `NSNull`).
    public var foundationValue: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let value): return NSNumber(value: value)
        case .integer(let value): return NSNumber(value: value)
        case .number(let value): return NSNumber(value: value)
        case .string(let value): return value
        case .array(let values): return values.map(\.foundationValue)
        case .object(let map): return map.mapValues(\.foundationValue)
        }
    }

    /// Builds a value from any `Encodable` by encoding it through JSON (field order is not kept; keys sort on output).
    public init<T: Encodable>(encoding value: T) throws {
        let data = try JSONEncoder().encode(value)
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Decodes this value into a typed `Decodable`.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        let data = try JSONEncoder().encode(self)
        return try JSONDecoder().decode(T.self, from: data)
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON/YAML value.
    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var map: [String: JSONValue] = [:]
            for key in keyed.allKeys {
                map[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key)
            }
            self = .object(map)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !unkeyed.isAtEnd {
                values.append(try unkeyed.decode(JSONValue.self))
            }
            self = .array(values)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// Encodes the value; object keys are written in sorted order.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .integer(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .number(let value):
            var single = encoder.singleValueContainer()
            try single.encode(YAMLFloat(value: value))
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let values):
            var unkeyed = encoder.unkeyedContainer()
            for value in values { try unkeyed.encode(value) }
        case .object(let map):
            var keyed = encoder.container(keyedBy: AnyCodingKey.self)
            for key in map.keys.sorted() {
                try keyed.encode(map[key] ?? .null, forKey: AnyCodingKey(key))
            }
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// A coding key made from any string, used for maps with dynamic keys.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    /// The key text.
    public var stringValue: String
    /// Always `nil`; these keys are never integer-indexed.
    public var intValue: Int? { nil }

    /// Creates a key from its text.
    public init(_ string: String) { self.stringValue = string }
    /// Creates a key from its text.
    public init?(stringValue: String) { self.stringValue = stringValue }
    /// Creates a key from an integer, as its decimal text.
    public init?(intValue: Int) { self.stringValue = String(intValue) }
}
