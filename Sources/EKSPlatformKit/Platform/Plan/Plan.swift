import EKSAWS
import EKSKubernetes

/// What `up` would do: one change per resource, in the order the executor would apply it, each with its reasons.
public struct Plan: Sendable, Equatable, Codable {
    /// What happens to a resource.
    public enum Action: String, Sendable, Equatable, Codable, CaseIterable {
        /// It does not exist and will be created.
        case create
        /// It exists and will be changed in place.
        case update
        /// It exists but differs in a property that cannot change in place; it must be destroyed and re-created.
        case replace
        /// It exists, carries the platform's tags, but is no longer desired.
        case delete
        /// It exists and matches.
        case noop

        /// The plan symbol: `+`, `~`, `-/+`, `-`, or a space.
        public var symbol: String {
            switch self {
            case .create: return "+"
            case .update: return "~"
            case .replace: return "-/+"
            case .delete: return "-"
            case .noop: return " "
            }
        }
    }

    /// One planned change.
    public struct Change: Sendable, Equatable, Codable {
        /// The resource.
        public var id: ResourceID
        public var action: Action
        /// Why, e.g. `does not exist` or `labels differ: team=a → team=b`.
        public var reasons: [String]
        /// The physical id of the existing resource, if any.
        public var physicalID: String?

        /// Creates a change.
        public init(id: ResourceID, action: Action, reasons: [String], physicalID: String? = nil) {
            self.id = id
            self.action = action
            self.reasons = reasons
            self.physicalID = physicalID
        }
    }

    /// The cluster name.
    public var cluster: String
    /// The changes, in apply order (creations/updates in dependency order, then deletions in reverse).
    public var changes: [Change]

    /// Creates a plan.
    public init(cluster: String, changes: [Change]) {
        self.cluster = cluster
        self.changes = changes
    }

    /// Whether anything would change.
    public var hasChanges: Bool { changes.contains { $0.action != .noop } }

    /// How many changes of each action.
    public var counts: [Action: Int] {
        var counts: [Action: Int] = [:]
        for change in changes { counts[change.action, default: 0] += 1 }
        return counts
    }

    /// `Plan: 3 to create, 1 to update, 0 to replace, 0 to delete, 40 unchanged.`
    public var summary: String {
        let counts = counts
        return "Plan: \(counts[.create] ?? 0) to create, \(counts[.update] ?? 0) to update, "
            + "\(counts[.replace] ?? 0) to replace, \(counts[.delete] ?? 0) to delete, \(counts[.noop] ?? 0) unchanged."
    }

    /// The change for `id`, if any.
    public func change(_ id: ResourceID) -> Change? { changes.first { $0.id == id } }
}
