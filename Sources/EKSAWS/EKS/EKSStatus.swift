import Foundation

/// A lifecycle state EKS reports as a string. Each kind's states are an enum whose `unknown` case keeps a value this
/// library does not know yet (EKS adds states), so decoding never fails on one and it is still shown as EKS sent it.
public protocol EKSLifecycleStatus: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible
where RawValue == String {
    /// The state named `rawValue`, or `unknown(rawValue)`.
    init(rawValue: String)
}

extension EKSLifecycleStatus {
    /// Decodes the string EKS sent.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the string EKS uses.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// EKS's spelling, e.g. `CREATE_FAILED`.
    public var description: String { rawValue }
}

/// The state of an EKS cluster.
public enum EKSClusterStatus: EKSLifecycleStatus {
    case creating, active, deleting, failed, updating, pending
    /// A state this library does not know.
    case unknown(String)

    /// The state named `rawValue` (`ACTIVE` …), or `unknown`.
    public init(rawValue: String) {
        switch rawValue {
        case "CREATING": self = .creating
        case "ACTIVE": self = .active
        case "DELETING": self = .deleting
        case "FAILED": self = .failed
        case "UPDATING": self = .updating
        case "PENDING": self = .pending
        default: self = .unknown(rawValue)
        }
    }

    /// EKS's spelling.
    public var rawValue: String {
        switch self {
        case .creating: return "CREATING"
        case .active: return "ACTIVE"
        case .deleting: return "DELETING"
        case .failed: return "FAILED"
        case .updating: return "UPDATING"
        case .pending: return "PENDING"
        case .unknown(let value): return value
        }
    }
}

/// The state of a managed node group.
public enum EKSNodegroupStatus: EKSLifecycleStatus {
    case creating, active, updating, deleting, createFailed, deleteFailed, degraded
    /// A state this library does not know.
    case unknown(String)

    /// The state named `rawValue` (`CREATE_FAILED` …), or `unknown`.
    public init(rawValue: String) {
        switch rawValue {
        case "CREATING": self = .creating
        case "ACTIVE": self = .active
        case "UPDATING": self = .updating
        case "DELETING": self = .deleting
        case "CREATE_FAILED": self = .createFailed
        case "DELETE_FAILED": self = .deleteFailed
        case "DEGRADED": self = .degraded
        default: self = .unknown(rawValue)
        }
    }

    /// EKS's spelling.
    public var rawValue: String {
        switch self {
        case .creating: return "CREATING"
        case .active: return "ACTIVE"
        case .updating: return "UPDATING"
        case .deleting: return "DELETING"
        case .createFailed: return "CREATE_FAILED"
        case .deleteFailed: return "DELETE_FAILED"
        case .degraded: return "DEGRADED"
        case .unknown(let value): return value
        }
    }
}

/// The state of an EKS add-on.
public enum EKSAddonStatus: EKSLifecycleStatus {
    case creating, active, createFailed, updating, deleting, deleteFailed, degraded, updateFailed
    /// A state this library does not know.
    case unknown(String)

    /// The state named `rawValue` (`UPDATE_FAILED` …), or `unknown`.
    public init(rawValue: String) {
        switch rawValue {
        case "CREATING": self = .creating
        case "ACTIVE": self = .active
        case "CREATE_FAILED": self = .createFailed
        case "UPDATING": self = .updating
        case "DELETING": self = .deleting
        case "DELETE_FAILED": self = .deleteFailed
        case "DEGRADED": self = .degraded
        case "UPDATE_FAILED": self = .updateFailed
        default: self = .unknown(rawValue)
        }
    }

    /// EKS's spelling.
    public var rawValue: String {
        switch self {
        case .creating: return "CREATING"
        case .active: return "ACTIVE"
        case .createFailed: return "CREATE_FAILED"
        case .updating: return "UPDATING"
        case .deleting: return "DELETING"
        case .deleteFailed: return "DELETE_FAILED"
        case .degraded: return "DEGRADED"
        case .updateFailed: return "UPDATE_FAILED"
        case .unknown(let value): return value
        }
    }
}

/// The state of a cluster or node group update.
public enum EKSUpdateStatus: EKSLifecycleStatus {
    case inProgress, failed, cancelled, successful
    /// A state this library does not know.
    case unknown(String)

    /// The state named `rawValue` (`InProgress` …), or `unknown`.
    public init(rawValue: String) {
        switch rawValue {
        case "InProgress": self = .inProgress
        case "Failed": self = .failed
        case "Cancelled": self = .cancelled
        case "Successful": self = .successful
        default: self = .unknown(rawValue)
        }
    }

    /// EKS's spelling.
    public var rawValue: String {
        switch self {
        case .inProgress: return "InProgress"
        case .failed: return "Failed"
        case .cancelled: return "Cancelled"
        case .successful: return "Successful"
        case .unknown(let value): return value
        }
    }
}
