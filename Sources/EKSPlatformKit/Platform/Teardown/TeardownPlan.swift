import EKSAWS
import EKSKubernetes

/// The safe teardown order (`platformctl down`), derived from the blueprint.
///
/// Workloads go first, then NodePools — and the run waits until Karpenter has terminated every NodeClaim and
/// instance — then EC2NodeClasses (Karpenter removes its instance profiles), Flux, the node group, add-ons, Pod
/// Identity and access entries, the cluster, Karpenter's queue/rules/roles, and the network last. Sweeps by tag
/// remove anything Karpenter or the cloud provider left behind (and are reported): instances, launch templates and
/// instance profiles once the cluster is gone, then network interfaces and security groups before the subnets and
/// the VPC, which they would otherwise block with `DependencyViolation`.
public struct TeardownPlan: Sendable, Equatable {
    /// One stage; all actions of a stage may run concurrently, stages run in order.
    public struct Stage: Sendable, Equatable {
        /// A short name, e.g. `nodepools`.
        public var name: String
        /// What happens, in words.
        public var title: String
        public var actions: [Action]
    }

    /// One teardown action.
    public enum Action: Sendable, Equatable, CustomStringConvertible {
        /// Suspend a Flux Kustomization so Flux stops re-creating what is being deleted.
        case suspendKustomization(namespace: String, name: String)
        /// Delete a Flux Kustomization (with `prune: true` Flux deletes what it applied) and wait until it is gone.
        case deleteKustomization(namespace: String, name: String)
        /// Delete every object of a kind and wait until none is left.
        case deleteAll(apiVersion: String, kind: String)
        /// Wait until no object of a kind is left (objects removed by controllers).
        case waitNoneLeft(apiVersion: String, kind: String)
        /// Wait until no EC2 instance tagged for the cluster by Karpenter is pending/running/stopping.
        case waitKarpenterInstancesGone
        /// Delete an object (GitRepository, HelmRelease, Secret, ConfigMap) and wait until it is gone, so that a
        /// finalizer its controller handles (helm-controller uninstalling a release) runs while that controller does.
        case deleteObject(apiVersion: String, kind: String, namespace: String, name: String)
        /// Delete every object of every Flux kind (`*.toolkit.fluxcd.io`) in every namespace and wait until none is
        /// left — their finalizers need Flux's controllers, which `uninstallFlux` removes next.
        case deleteFluxObjects
        /// Delete Flux's namespace (its controllers), then its CRDs, found by API group.
        case uninstallFlux
        /// Delete an AWS resource (waiting where the API is asynchronous).
        case deleteResource(ResourceID)
        /// Find and delete leftovers by tag.
        case sweep(SweepTarget)

        /// A one-line description.
        public var description: String {
            switch self {
            case .suspendKustomization(let namespace, let name): return "suspend Kustomization \(namespace)/\(name)"
            case .deleteKustomization(let namespace, let name): return "delete Kustomization \(namespace)/\(name)"
            case .deleteAll(_, let kind): return "delete all \(kind.hasSuffix("s") ? kind + "es" : kind + "s")"
            case .waitNoneLeft(_, let kind): return "wait until no \(kind) is left"
            case .waitKarpenterInstancesGone: return "wait until Karpenter's instances are terminated"
            case .deleteObject(_, let kind, let namespace, let name): return "delete \(kind) \(namespace)/\(name)"
            case .deleteFluxObjects: return "delete every Flux object and wait for its finalizers"
            case .uninstallFlux: return "uninstall Flux"
            case .deleteResource(let id): return "delete \(id)"
            case .sweep(let target): return "sweep \(target.description)"
            }
        }
    }

    /// What the final sweep looks for.
    public enum SweepTarget: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
        /// EC2 instances tagged `kubernetes.io/cluster/<name>` (Karpenter or node group leftovers).
        case instances
        /// Launch templates tagged `karpenter.k8s.aws/cluster=<name>`.
        case launchTemplates
        /// Instance profiles Karpenter created for the cluster (tagged `kubernetes.io/cluster/<name>=owned`).
        case instanceProfiles
        /// Detached ENIs tagged for the cluster or left in its VPC's subnets.
        case networkInterfaces
        /// Security groups tagged for the cluster (besides the platform's own).
        case securityGroups

        /// What is swept and by which tag.
        public var description: String {
            switch self {
            case .instances: return "EC2 instances tagged kubernetes.io/cluster/<name>"
            case .launchTemplates: return "launch templates tagged karpenter.k8s.aws/cluster=<name>"
            case .instanceProfiles: return "instance profiles tagged kubernetes.io/cluster/<name>"
            case .networkInterfaces: return "available network interfaces in the cluster's VPC"
            case .securityGroups: return "security groups tagged kubernetes.io/cluster/<name>"
            }
        }
    }

    /// The stages, in order.
    public var stages: [Stage]

    /// A teardown made of the given stages (e.g. a subset, for a partial run or a test).
    public init(stages: [Stage]) { self.stages = stages }

    /// All actions in order.
    public var actions: [Action] { stages.flatMap(\.actions) }

    /// Derives the teardown for `blueprint`.
    public init(blueprint: Blueprint) {
        let flux = ClusterObjects.fluxNamespace
        let resources = blueprint.resources.map(\.id)
        func ids(_ kinds: Set<ResourceKind>) -> [Action] {
            resources.filter { kinds.contains($0.kind) }.reversed().map { .deleteResource($0) }
        }
        var stages: [Stage] = []
        if blueprint.cluster != nil {
            stages.append(
                Stage(
                    name: "workloads",
                    title: "stop Flux re-applying anything and delete the workloads",
                    // Suspended, `karpenter` and `nodepools` no longer re-apply what the next stages delete. A
                    // suspended Kustomization's deletion prunes nothing (kustomize-controller,
                    // finalizerShouldDeleteResources), so `workloads` stays unsuspended: deleting it prunes the
                    // workloads, and the NodePools, EC2NodeClasses and HelmRelease are deleted explicitly below.
                    actions: [
                        .suspendKustomization(namespace: flux, name: ClusterObjects.syncName),
                        .suspendKustomization(namespace: flux, name: "karpenter"),
                        .suspendKustomization(namespace: flux, name: "nodepools"),
                        .deleteKustomization(namespace: flux, name: "workloads"),
                    ]
                )
            )
        }
        stages.append(
            Stage(
                name: "nodepools",
                title: "delete NodePools and wait for Karpenter to terminate its nodes",
                actions: [
                    .deleteAll(apiVersion: "karpenter.sh/v1", kind: "NodePool"),
                    .waitNoneLeft(apiVersion: "karpenter.sh/v1", kind: "NodeClaim"),
                    .waitKarpenterInstancesGone,
                ]
            )
        )
        stages.append(
            Stage(
                name: "nodeclasses",
                title: "delete EC2NodeClasses (Karpenter removes its instance profiles)",
                actions: [.deleteAll(apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass")]
            )
        )
        if blueprint.cluster != nil {
            stages.append(
                Stage(
                    name: "karpenter",
                    title: "uninstall the Karpenter release (helm-controller runs helm uninstall) and wait for it",
                    actions: [
                        .deleteObject(
                            apiVersion: "helm.toolkit.fluxcd.io/v2",
                            kind: "HelmRelease",
                            namespace: GitOpsRenderer.karpenterNamespace,
                            name: "karpenter"
                        )
                    ]
                )
            )
            // Two stages, because a stage's actions run concurrently: every Flux object (an OCIRepository in
            // kube-system included) must be gone while Flux's controllers still run to remove its finalizer; deleting
            // the flux-system namespace alongside left such an object stuck on a real cluster (the twin's lifecycle
            // test shows the order from kube-fake's request log).
            stages.append(
                Stage(
                    name: "flux-objects",
                    title: "delete the Flux objects and those platformctl applied, while Flux's controllers still run",
                    actions: [
                        .deleteKustomization(namespace: flux, name: "nodepools"),
                        .deleteKustomization(namespace: flux, name: "karpenter"),
                        .deleteKustomization(namespace: flux, name: ClusterObjects.syncName),
                        .deleteObject(
                            apiVersion: "source.toolkit.fluxcd.io/v1",
                            kind: "GitRepository",
                            namespace: flux,
                            name: ClusterObjects.syncName
                        ),
                        .deleteObject(apiVersion: "v1", kind: "Secret", namespace: flux, name: ClusterObjects.syncName),
                        .deleteObject(
                            apiVersion: "v1",
                            kind: "ConfigMap",
                            namespace: flux,
                            name: GitOpsRenderer.variablesConfigMapName
                        ),
                        .deleteFluxObjects,
                    ]
                )
            )
            stages.append(
                Stage(
                    name: "flux",
                    title: "uninstall Flux: its namespace, CRDs and cluster roles",
                    actions: [.uninstallFlux]
                )
            )
        }
        stages.append(Stage(name: "nodegroup", title: "delete the system node group", actions: ids([.nodeGroup])))
        stages.append(
            Stage(
                name: "access",
                title: "delete add-ons, the Pod Identity association and access entries; remove the tags added to "
                    + "resources the platform does not own",
                actions: ids([.addon, .podIdentityAssociation, .accessEntry, .addedTags])
            )
        )
        stages.append(Stage(name: "cluster", title: "delete the EKS cluster", actions: ids([.cluster])))
        stages.append(
            Stage(
                name: "karpenter-aws",
                title: "delete the interruption rules and queue, and the IAM roles",
                actions: ids([.eventRule]) + ids([.sqsQueue]) + ids([.iamRole])
            )
        )
        // After the cluster, which writes to it until it is gone; left in place when platform.yaml asks to keep it.
        if !blueprint.config.spec.controlPlaneLogs.keepOnDown {
            stages.append(
                Stage(name: "logs", title: "delete the control-plane log group", actions: ids([.logGroup]))
            )
        }
        // Leftovers that would block the network (instances, their ENIs and security groups) are swept before it.
        stages.append(
            Stage(
                name: "sweep-compute",
                title: "sweep leftover instances, launch templates and instance profiles by tag",
                actions: [.sweep(.instances), .sweep(.launchTemplates), .sweep(.instanceProfiles)]
            )
        )
        stages.append(Stage(name: "nat", title: "delete the NAT gateways", actions: ids([.natGateway])))
        stages.append(
            Stage(
                name: "sweep-network",
                title: "sweep leftover network interfaces and security groups",
                actions: [.sweep(.networkInterfaces), .sweep(.securityGroups)]
            )
        )
        stages.append(
            Stage(
                name: "network",
                title: "delete Elastic IPs, route tables, the internet gateway, the node security group and subnets",
                actions: ids([.elasticIP]) + ids([.routeTable]) + ids([.internetGateway]) + ids([.securityGroup])
                    + ids([.subnet])
            )
        )
        stages.append(Stage(name: "vpc", title: "delete the VPC", actions: ids([.vpc])))
        self.stages = stages.filter { !$0.actions.isEmpty }
    }
}
