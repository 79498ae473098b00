import Foundation

/// A JSON value as the validator sees it, converted once from `JSONSerialization` output or plain Swift values.
public enum SchemaValue: Equatable, Sendable {
    case null
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A number with a fraction (or too large for `Int`).
    case double(Double)
    case string(String)
    /// A list.
    case array([SchemaValue])
    case object([String: SchemaValue])

    /// Converts `JSONSerialization`-style values (`[String: Any]`, `[Any]`, `String`, `NSNumber`, `Int`, `Double`,
    /// `Bool`, `NSNull`); anything else becomes its string description.
    public init(any value: Any) {
        switch value {
        case is NSNull: self = .null
        case let value as SchemaValue: self = value
        case let map as [String: Any]: self = .object(map.mapValues { SchemaValue(any: $0) })
        case let list as [Any]: self = .array(list.map { SchemaValue(any: $0) })
        case let string as String: self = .string(string)
        default:
            if type(of: value) == Bool.self, let bool = value as? Bool {
                self = .bool(bool)
            } else if type(of: value) == Int.self, let int = value as? Int {
                self = .int(int)
            } else if type(of: value) == Double.self, let double = value as? Double {
                self = SchemaValue.number(double)
            } else if let number = value as? NSNumber {
                let code = String(cString: number.objCType)
                if code == "c" || code == "B" {
                    self = .bool(number.boolValue)
                } else if code == "f" || code == "d" {
                    self = SchemaValue.number(number.doubleValue)
                } else {
                    self = .int(number.intValue)
                }
            } else if let int = value as? Int {
                self = .int(int)
            } else {
                self = .string("\(value)")
            }
        }
    }

    private static func number(_ double: Double) -> SchemaValue {
        if double.rounded() == double, abs(double) < 9.0e15 { return .int(Int(double)) }
        return .double(double)
    }

    /// The JSON type name the apiserver reports (`string`, `integer`, `number`, `boolean`, `object`, `array`, `null`).
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The value rendered the way apiserver messages quote it (`"text"`, `5`, `true`, `"object"`).
    var messageRendering: String {
        switch self {
        case .null: return "\"null\""
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .array: return "\"array\""
        case .object: return "\"object\""
        }
    }

    /// The value as Go's `%#v` shows scalars in apiserver messages (`"a"`, `5`, `true`).
    var goRendering: String {
        switch self {
        case .string(let value): return "\"\(value)\""
        default: return messageRendering
        }
    }
}
