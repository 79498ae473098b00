import EKSPlatformKit
import Foundation

/// Renders a ``Plan`` for people (`+ ~ -/+ +/- -` with reasons) or machines (JSON); everything is redacted.
enum PlanPrinter {
    /// ANSI colours per action (only used on a TTY without `NO_COLOR`).
    static func colour(_ action: Plan.Action) -> String {
        switch action {
        case .create: return "\u{1B}[32m"
        case .update: return "\u{1B}[33m"
        case .replace, .delete: return "\u{1B}[31m"
        case .noop: return ""
        }
    }

    /// The text form: one line per change (no-ops omitted unless `verbose`), reasons indented, then the summary.
    static func text(_ plan: Plan, colour useColour: Bool, verbose: Bool = false) -> String {
        var lines: [String] = []
        for change in plan.changes where verbose || change.action != .noop {
            // Terraform's notation: `-/+` destroys then creates, `+/-` creates the replacement first.
            let symbol =
                change.action == .replace && Planner.replacesBeforeDestroying(change.id.kind) ? "+/-" : change.action.symbol
            let head = String(repeating: " ", count: max(0, 3 - symbol.count)) + "\(symbol) \(change.id)"
            lines.append(useColour && change.action != .noop ? "\(colour(change.action))\(head)\u{1B}[0m" : head)
            for reason in change.reasons { lines.append("      \(reason)") }
        }
        if !plan.hasChanges { lines.append("No changes: the platform \(plan.cluster) matches platform.yaml.") }
        lines.append(plan.summary)
        return Console.redactor.redact(lines.joined(separator: "\n"))
    }

    /// The JSON form: `{"cluster": …, "changes": [{"id": "vpc/main", "action": "create", "reasons": […]}], …}`.
    static func json(_ plan: Plan) -> String {
        let changes: [JSONValue] = plan.changes.map { change in
            var object: [String: JSONValue] = [
                "id": .string(change.id.description),
                "action": .string(change.action.rawValue),
                "reasons": .array(change.reasons.map { .string($0) }),
            ]
            if let physicalID = change.physicalID { object["physicalID"] = .string(physicalID) }
            return .object(object)
        }
        var counts: [String: JSONValue] = [:]
        for action in Plan.Action.allCases { counts[action.rawValue] = .integer(plan.counts[action] ?? 0) }
        let document: JSONValue = [
            "cluster": .string(plan.cluster),
            "hasChanges": .bool(plan.hasChanges),
            "counts": .object(counts),
            "changes": .array(changes),
        ]
        return Console.redactor.redact(PolicyDocument.canonicalJSON(document))
    }

    /// `--detailed-exitcode`: 0 no changes, 2 changes (errors exit 1 elsewhere).
    static func exitCode(_ plan: Plan, detailed: Bool) -> Int32 {
        detailed && plan.hasChanges ? 2 : 0
    }
}
