import EKSAWS

/// A change platform.yaml asks for that AWS cannot make, found at plan time so that `plan` never shows it as an
/// update and `up` never starts it.
public struct PlanRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code, e.g. `plan.downgrade`.
    public var code: String
    /// What cannot be done, why, and what to do instead.
    public var message: String

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// The refusals for moving `observed` to `config`: a Kubernetes version lower than the cluster's (EKS upgrades
    /// only, one minor at a time, and has no downgrade — EKS user guide, "Update existing cluster to new
    /// Kubernetes version").
    public static func check(_ config: PlatformConfig, observed: ObservedState) -> [PlanRefusal] {
        var refusals: [PlanRefusal] = []
        let wanted = config.spec.kubernetesVersion
        if let running = observed.resource(ResourceID(.cluster, "main"))?.properties[.version],
            let from = minor(running), let to = minor(wanted), to < from
        {
            refusals.append(
                PlanRefusal(
                    code: "plan.downgrade",
                    message: "cluster \(config.name) runs Kubernetes \(running) and platform.yaml asks for \(wanted), but "
                        + "EKS cannot downgrade a cluster; set kubernetesVersion back to \"\(running)\" (or later). "
                        + "Going back means a new platform under another name"
                )
            )
        }
        return refusals
    }

    /// The minor number of `1.NN`.
    static func minor(_ version: String) -> Int? {
        let parts = version.split(separator: ".")
        guard parts.count == 2, parts[0] == "1" else { return nil }
        return Int(parts[1])
    }
}
