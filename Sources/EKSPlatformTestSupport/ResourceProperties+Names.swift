import EKSPlatformKit

extension Dictionary where Key == PropertyKey, Value == String {
    /// The properties by key name, so tests can state expected values as plain literals.
    public var byName: [String: String] {
        Dictionary<String, String>(uniqueKeysWithValues: map { ($0.key.name, $0.value) })
    }
}
