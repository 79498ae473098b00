import EKSAWS
import EKSKubernetes

/// Why a blueprint cannot be derived from a configuration.
public struct BlueprintError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public enum Code: String, Sendable, Equatable {
        /// The VPC CIDR is too small to carve the subnets from.
        case vpcTooSmall = "blueprint.vpc-too-small"
        /// The region has fewer zones than requested, or a named zone does not exist.
        case zones = "blueprint.zones"
    }

    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
