import EKSAWS
import EKSKubernetes

/// A problem in `platform.yaml`: where it is (file, line, column, field path), what is wrong and how to fix it.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public enum Code: String, Sendable, Equatable {
        /// The file could not be read.
        case unreadable = "config.unreadable"
        /// The text is not valid YAML.
        case invalidYAML = "config.invalid-yaml"
        /// A field that is not part of the schema (often a typo).
        case unknownField = "config.unknown-field"
        /// A required field is absent.
        case missingField = "config.missing-field"
        /// A field has the wrong YAML type (e.g. a list where a string is expected).
        case wrongType = "config.wrong-type"
        /// A field has a value outside what is allowed.
        case invalidValue = "config.invalid-value"
    }

    /// The stable code.
    public var code: Code
    /// The file name as given to the loader.
    public var file: String
    /// 1-based line, or 0 when unknown.
    public var line: Int
    /// 1-based column, or 0 when unknown.
    public var column: Int
    /// The dotted field path, e.g. `spec.systemNodeGroup.taint.effect`.
    public var path: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(code: Code, file: String, line: Int, column: Int, path: String, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `file:line:column: path: message`, the form editors and terminals link to.
    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        let field = path.isEmpty ? "" : "\(path): "
        return "\(location): \(field)\(message)"
    }
}
