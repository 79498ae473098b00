import EKSAWS

/// A string-keyed map that always encodes its keys in sorted order, so YAML and JSON output is byte-stable.
///
/// Use it for labels, annotations, ConfigMap data, resource lists and every other map with user-chosen keys.
public struct SortedMap<Value>: Sendable, Equatable
where Value: Sendable & Equatable {
    /// The entries.
    public var storage: [String: Value]

    /// Creates a map from a dictionary.
    public init(_ storage: [String: Value] = [:]) { self.storage = storage }

    /// The keys, sorted.
    public var keys: [String] { storage.keys.sorted() }
    /// Whether the map has no entries.
    public var isEmpty: Bool { storage.isEmpty }
    /// The number of entries.
    public var count: Int { storage.count }

    /// Reads or writes the value for `key`.
    public subscript(key: String) -> Value? {
        get { storage[key] }
        set { storage[key] = newValue }
    }

    /// The entries as `(key, value)` pairs in sorted key order.
    public var sortedEntries: [(key: String, value: Value)] {
        storage.keys.sorted().compactMap { key in storage[key].map { (key, $0) } }
    }
}

extension SortedMap: Hashable where Value: Hashable {}

extension SortedMap: ExpressibleByDictionaryLiteral {
    /// Creates a map from a literal; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.storage = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }
}

extension SortedMap: Codable where Value: Codable {
    /// Decodes a map of any key order.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        var storage: [String: Value] = [:]
        for key in container.allKeys {
            storage[key.stringValue] = try container.decode(Value.self, forKey: key)
        }
        self.storage = storage
    }

    /// Encodes the entries in sorted key order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for key in storage.keys.sorted() {
            if let value = storage[key] {
                try container.encode(value, forKey: AnyCodingKey(key))
            }
        }
    }
}
