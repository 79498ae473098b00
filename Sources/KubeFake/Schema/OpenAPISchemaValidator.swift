// PLACEHOLDER: replaced by the real validator on the render branch before anything lands.

/// One way a value breaks a CRD's OpenAPI v3 schema, rendered the way kubectl shows it.
public struct SchemaViolation: Equatable, Sendable {
    /// The field path, e.g. `spec.color`.
    public var field: String
    /// The Kubernetes cause reason, e.g. `FieldValueNotSupported`.
    public var reason: String
    /// The full message, e.g. `spec.color: Unsupported value: "green": supported values: "red", "blue"`.
    public var message: String

    /// Creates a violation.
    public init(field: String, reason: String, message: String) {
        self.field = field
        self.reason = reason
        self.message = message
    }
}

/// Validates JSON values (as produced by `JSONSerialization`) against an `openAPIV3Schema`.
public enum OpenAPISchemaValidator {
    /// Returns every violation of `schema` by `object`; empty when the object is valid.
    public static func validate(_ object: Any, against schema: Any) -> [SchemaViolation] {
        []
    }
}
