import EKSAWS
import EKSKubernetes

/// The one source of truth for the system node group's taint.
///
/// Built from `spec.systemNodeGroup.taint`, it yields every form the platform needs: the Kubernetes taint, a
/// toleration that matches it, the EKS API form for the managed node group, and the tolerations fragment of an EKS
/// add-on's `configurationValues`.
public struct SystemTaint: Sendable, Equatable {
    /// The taint effect.
    public enum Effect: String, Sendable, Equatable, CaseIterable {
        /// Pods without a toleration are not scheduled.
        case noSchedule = "NoSchedule"
        /// The scheduler avoids the node if it can.
        case preferNoSchedule = "PreferNoSchedule"
        /// Running pods without a toleration are evicted.
        case noExecute = "NoExecute"

        /// The EKS API spelling (`NO_SCHEDULE`, `PREFER_NO_SCHEDULE`, `NO_EXECUTE`).
        public var eksValue: String {
            switch self {
            case .noSchedule: return "NO_SCHEDULE"
            case .preferNoSchedule: return "PREFER_NO_SCHEDULE"
            case .noExecute: return "NO_EXECUTE"
            }
        }
    }

    /// The taint key, e.g. `CriticalAddonsOnly`.
    public var key: String
    /// The taint value; `nil` or empty means the taint has no value.
    public var value: String?
    public var effect: Effect

    /// Creates a taint.
    public init(key: String, value: String?, effect: Effect) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    private var hasValue: Bool { !(value ?? "").isEmpty }

    /// The Kubernetes taint.
    public var taint: core.v1.Taint {
        core.v1.Taint(key: key, value: hasValue ? value : nil, effect: effect.rawValue)
    }

    /// A toleration that matches exactly this taint (`Equal` with the value, or `Exists` when there is no value).
    public var toleration: core.v1.Toleration {
        if hasValue {
            return core.v1.Toleration(key: key, operator: "Equal", value: value, effect: effect.rawValue)
        }
        return core.v1.Toleration(key: key, operator: "Exists", effect: effect.rawValue)
    }

    /// The taint as the EKS `CreateNodegroup` API expects it (`{key, value, effect: NO_SCHEDULE}`).
    public var eksTaint: EKSTaint {
        EKSTaint(key: key, value: hasValue ? value : nil, effect: effect.eksValue)
    }

    /// The `tolerations` fragment for an EKS add-on's `configurationValues` JSON (`{"tolerations": [...]}`).
    public var addonConfigurationValues: JSONValue {
        var toleration: [String: JSONValue] = ["key": .string(key), "effect": .string(effect.rawValue)]
        if hasValue {
            toleration["operator"] = "Equal"
            toleration["value"] = .string(value ?? "")
        } else {
            toleration["operator"] = "Exists"
        }
        return .object(["tolerations": .array([.object(toleration)])])
    }

    /// The EKS API form of a taint.
    public struct EKSTaint: Codable, Sendable, Equatable {
        public var key: String
        public var value: String?
        /// `NO_SCHEDULE`, `PREFER_NO_SCHEDULE` or `NO_EXECUTE`.
        public var effect: String
    }
}
