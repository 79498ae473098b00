import EKSAWS
import EKSKubernetes
import Foundation

/// IAM is eventually consistent: a role created or given its policies seconds ago is not yet usable by EKS.
///
/// `up` creates the roles and, moments later, the cluster, node group and Pod Identity association that name them. On
/// AWS those creates are then refused with `InvalidParameterException` until IAM has propagated the change. The
/// messages that mean "not yet" are the ones terraform-provider-aws retries for the same calls
/// (`internal/service/eks/cluster.go` and `pod_identity_association.go`): the role "does not exist", "Error in role
/// params", "Role could not be assumed because the trusted entity is not correct", the role "doesn't have the Amazon
/// EKS Managed Policies associated with it", and "IAM role's policy must include". Only those are retried, for at
/// most ``bound`` of waiting; any other error ends the step at once.
package enum IAMPropagation {
    /// How long a refused create is retried (terraform-provider-aws waits two minutes for the same errors).
    package static let bound: Duration = .seconds(150)

    /// The parts of EKS's `InvalidParameterException` messages that mean the role has not propagated yet.
    package static let messages = [
        "does not exist",
        "Error in role params",
        "Role could not be assumed because the trusted entity is not correct",
        "doesn't have the Amazon EKS Managed Policies associated with it",
        "IAM role's policy must include",
    ]

    /// Whether `error` is EKS refusing a role IAM has not finished propagating.
    package static func isPropagationDelay(_ error: AWSServiceError) -> Bool {
        error.service == "eks" && error.code == "InvalidParameterException"
            && messages.contains { error.message.contains($0) }
    }

    /// `message` with every ARN's account id replaced by `***`, so progress and errors never show it.
    static func withoutAccount(_ message: String) -> String {
        message.replacingOccurrences(
            of: #"(arn:[a-z-]+:[a-z0-9-]*:[a-z0-9-]*:)\d{12}:"#,
            with: "$1***:",
            options: .regularExpression
        )
    }
}

/// A create was still refused after waiting ``IAMPropagation/bound`` for IAM: the role itself is probably wrong.
package struct IAMPropagationError: Error, Sendable, CustomStringConvertible {
    /// The role EKS refused.
    package var role: String
    /// The EKS operation, e.g. `CreateCluster`.
    package var operation: String
    /// What needs the role, e.g. `cluster/main`.
    package var resource: ResourceID
    /// How long the step waited for IAM.
    package var waited: Duration
    /// EKS's last message (account id masked).
    package var lastMessage: String

    package var description: String {
        "\(resource): \(operation) still refused IAM role \(role) after waiting \(waited.components.seconds) s for IAM "
            + "to propagate it (\(lastMessage)). Check that the role exists, that its trust policy lets the service "
            + "assume it, and that its managed policies are attached (`platformctl plan --full-refresh` shows "
            + "differences in the platform's roles); then run `platformctl up` again."
    }
}

extension ResourceContext {
    /// Runs `body`, a create of `resource` that names the IAM role `role`, and runs it again while EKS refuses the
    /// role the way it refuses one IAM has not propagated yet (see ``IAMPropagation``). Each refusal is reported as
    /// waiting for IAM; the waits grow from 2 s to 15 s, use the step's (injectable) sleeper, and stop after
    /// `bound` of waiting with an ``IAMPropagationError`` naming the role and what to check.
    package func whileIAMPropagates<T: Sendable>(
        role: String,
        operation: String,
        resource: ResourceID,
        bound: Duration = IAMPropagation.bound,
        _ body: () async throws -> T
    ) async throws -> T {
        var delay: Duration = .seconds(2)
        var waited: Duration = .zero
        while true {
            do {
                return try await body()
            } catch let error as AWSServiceError where IAMPropagation.isPropagationDelay(error) {
                let message = IAMPropagation.withoutAccount(error.message)
                guard waited < bound else {
                    throw IAMPropagationError(
                        role: role,
                        operation: operation,
                        resource: resource,
                        waited: waited,
                        lastMessage: message
                    )
                }
                step.events.handle(.waiting(id: step.stepID, on: "IAM to propagate role \(role)", status: message))
                try await step.sleep(delay)
                waited += delay
                delay = min(.seconds(15), delay * 1.5)
            }
        }
    }
}
