import EKSAWS
import EKSKubernetes
import Foundation

/// The real ``TeardownProvider``: Kubernetes actions through a ``KubeClient`` (when the cluster is reachable), AWS
/// deletions and tag sweeps through the typed clients. Every action is idempotent: what is already gone is reported
/// as unchanged, so `down` can be re-run after an interruption.
package struct AWSTeardownProvider: TeardownProvider {
    /// The AWS session.
    package var session: AWSSession
    /// The cluster's API; `nil` when the cluster is gone or unreachable (Kubernetes actions are then skipped with a
    /// warning event, and the sweeps remove whatever Karpenter left).
    package var kube: KubeClient?
    /// How long Karpenter gets to drain and terminate its instances after the NodePools are deleted; what is left
    /// then is terminated by the instance sweep.
    package var karpenterDrainTimeout: Duration

    /// Creates a provider.
    package init(session: AWSSession, kube: KubeClient?, karpenterDrainTimeout: Duration = .seconds(600)) {
        self.session = session
        self.kube = kube
        self.karpenterDrainTimeout = karpenterDrainTimeout
    }

    static let liveInstanceStates = ["pending", "running", "stopping", "stopped", "shutting-down"]
    /// The most instance ids one `TerminateInstances` takes.
    static let terminateBatch = 1000
    /// `DescribeInstances` page size (its maximum).
    static let instancePage = 1000

    /// Whether Karpenter's controller Deployment has an available replica (only then does anything drain nodes or
    /// remove NodeClaim finalizers).
    static func karpenterRunning(_ kube: KubeClient) async -> Bool {
        let deployment =
            try? await kube.get(
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: "karpenter",
                namespace: GitOpsRenderer.karpenterNamespace
            )
        if case .integer(let available)? = deployment?["status"]?["availableReplicas"] { return available > 0 }
        return false
    }

    /// The served version and kind of every Flux CRD (`*.toolkit.fluxcd.io`) in the cluster.
    static func fluxKinds(_ kube: KubeClient) async throws -> [(apiVersion: String, kind: String)] {
        let crds = try await kube.list(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition").items
        return crds.compactMap { crd -> (String, String)? in
            guard let group = crd["spec"]?["group"]?.stringValue, group.hasSuffix(".toolkit.fluxcd.io"),
                let kind = crd["spec"]?["names"]?["kind"]?.stringValue,
                let version = crd["spec"]?["versions"]?.arrayValue?.first(where: {
                    $0["storage"] == .bool(true)
                })?["name"]?.stringValue
            else { return nil }
            return ("\(group)/\(version)", kind)
        }
    }

    static func kubeAbsent(_ error: any Error) -> Bool {
        guard let error = error as? KubeClientError else { return false }
        return error.code == .unknownKind || error.isNotFound
    }

    /// Performs one teardown action: Kubernetes actions through the client (skipped without one), AWS deletions
    /// and waits, and the tag sweeps. Idempotent: what is already gone is reported as unchanged.
    package func perform(_ action: TeardownPlan.Action, context: ApplyContext) async throws -> StepOutcome {
        switch action {
        case .suspendKustomization, .deleteKustomization, .deleteAll, .waitNoneLeft, .deleteObject, .deleteFluxObjects,
            .uninstallFlux:
            guard let kube else {
                return .unchanged("skipped: no Kubernetes access (the tag sweeps remove what Karpenter left)")
            }
            do {
                return try await performKube(action, kube: kube, context: context)
            } catch  where Self.kubeAbsent(error) {
                return .unchanged("nothing to do: \(action.description) (not installed)")
            }
        case .waitKarpenterInstancesGone:
            // Without cluster access no NodePool was deleted, so Karpenter drains nothing: the instance sweep
            // terminates what it launched. With access, Karpenter gets time to drain; what it leaves is swept too.
            guard let kube else {
                return .unchanged("skipped: no Kubernetes access (the instance sweep terminates Karpenter's instances)")
            }
            // Nobody drains when Karpenter is not running (never installed, or its release failed): waiting could
            // only time out, so the instance sweep does the work at once.
            guard await Self.karpenterRunning(kube) else {
                return .unchanged("skipped: Karpenter is not running (the instance sweep terminates its instances)")
            }
            let filters = karpenterInstanceFilters(context.config.name)
            do {
                try await context.step.wait(for: "Karpenter's instances to terminate", timeout: karpenterDrainTimeout) {
                    let count = try await session.ec2.describeInstancesPages(filters: filters, maxResults: Self.instancePage)
                        .allItems().count
                    return count == 0 ? .ready : .pending("\(count) instance(s) still running")
                }
            } catch let timeout as WaitTimeoutError {
                return .done(
                    "Karpenter did not terminate its instances in time (\(timeout.lastStatus)); "
                        + "the instance sweep terminates them"
                )
            }
            return .done("no Karpenter instance is left")
        case .deleteResource(let id):
            return try await deleteResource(id, context: context)
        case .sweep(let target):
            return try await sweep(target, context: context)
        }
    }

    func karpenterInstanceFilters(_ cluster: String) -> [EC2Filter] {
        [
            EC2Filter(name: "tag-key", values: ["karpenter.sh/nodepool"]),
            EC2Filter(name: "tag-key", values: [PlatformTags.kubernetesCluster(cluster)]),
            EC2Filter(name: "instance-state-name", values: Self.liveInstanceStates),
        ]
    }

    // MARK: Kubernetes

    func performKube(_ action: TeardownPlan.Action, kube: KubeClient, context: ApplyContext) async throws -> StepOutcome {
        switch action {
        case .suspendKustomization(let namespace, let name):
            _ = try await kube.patch(
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                name: name,
                namespace: namespace,
                patch: ["spec": ["suspend": true]]
            )
            return .done("suspended Kustomization \(namespace)/\(name)")
        case .deleteKustomization(let namespace, let name):
            let deleted = try await kube.delete(
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                name: name,
                namespace: namespace,
                waitUntilGone: .seconds(600)
            )
            return deleted ? .done("deleted Kustomization \(namespace)/\(name)") : .unchanged("already gone")
        case .deleteAll(let apiVersion, let kind):
            let items = try await kube.list(apiVersion: apiVersion, kind: kind, allNamespaces: true).items
            for item in items {
                guard let name = item["metadata"]?["name"]?.stringValue else { continue }
                try await kube.delete(
                    apiVersion: apiVersion,
                    kind: kind,
                    name: name,
                    namespace: item["metadata"]?["namespace"]?.stringValue
                )
            }
            return items.isEmpty ? .unchanged("no \(kind)") : .done("deleted \(items.count) \(kind)(s)")
        case .waitNoneLeft(let apiVersion, let kind):
            if apiVersion.hasPrefix("karpenter.sh/"), !(await Self.karpenterRunning(kube)) {
                return .unchanged("skipped: Karpenter is not running, so no \(kind) would be removed")
            }
            try await context.step.wait(for: "no \(kind) left", timeout: .seconds(1200)) {
                let count = try await kube.list(apiVersion: apiVersion, kind: kind, allNamespaces: true).items.count
                return count == 0 ? .ready : .pending("\(count) \(kind)(s) left")
            }
            return .done("no \(kind) is left")
        case .deleteObject(let apiVersion, let kind, let namespace, let name):
            let deleted = try await kube.delete(
                apiVersion: apiVersion,
                kind: kind,
                name: name,
                namespace: namespace,
                waitUntilGone: .seconds(600)
            )
            return deleted ? .done("deleted \(kind) \(namespace)/\(name)") : .unchanged("already gone")
        case .deleteFluxObjects:
            var count = 0
            for (apiVersion, kind) in try await Self.fluxKinds(kube) {
                let items: [JSONValue]
                do {
                    items = try await kube.list(apiVersion: apiVersion, kind: kind, allNamespaces: true).items
                } catch  where Self.kubeAbsent(error) {
                    continue
                }
                for item in items {
                    guard let name = item["metadata"]?["name"]?.stringValue else { continue }
                    let namespace = item["metadata"]?["namespace"]?.stringValue
                    if try await kube.delete(
                        apiVersion: apiVersion,
                        kind: kind,
                        name: name,
                        namespace: namespace,
                        waitUntilGone: .seconds(600)
                    ) {
                        count += 1
                    }
                }
            }
            return count == 0 ? .unchanged("no Flux object left") : .done("deleted \(count) Flux object(s)")
        case .uninstallFlux:
            let deleted = try await kube.delete(
                apiVersion: "v1",
                kind: "Namespace",
                name: ClusterObjects.fluxNamespace,
                waitUntilGone: .seconds(600)
            )
            // By API group, not by label: a CRD without Flux's labels (or a renamed one) is still Flux's.
            let crds = try await kube.list(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition").items
                .filter { $0["spec"]?["group"]?.stringValue?.hasSuffix(".toolkit.fluxcd.io") == true }
            for crd in crds {
                guard let name = crd["metadata"]?["name"]?.stringValue else { continue }
                try await kube.delete(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: name)
            }
            // The install's cluster-scoped RBAC outlives the namespace; `flux uninstall` removes it by these labels.
            var rbac = 0
            for kind in ["ClusterRoleBinding", "ClusterRole"] {
                let items = try await kube.list(
                    apiVersion: "rbac.authorization.k8s.io/v1",
                    kind: kind,
                    labelSelector: "app.kubernetes.io/instance=\(ClusterObjects.fluxNamespace),app.kubernetes.io/part-of=flux"
                ).items
                for item in items {
                    guard let name = item["metadata"]?["name"]?.stringValue else { continue }
                    if try await kube.delete(apiVersion: "rbac.authorization.k8s.io/v1", kind: kind, name: name) {
                        rbac += 1
                    }
                }
            }
            return .done(
                "deleted namespace flux-system\(deleted ? "" : " (already gone)"), \(crds.count) Flux CRDs and "
                    + "\(rbac) cluster roles and bindings"
            )
        default:
            return .unchanged("not a Kubernetes action")
        }
    }

    // MARK: AWS deletions

    /// Deletes `id` the way its kind does (``ManagedResource/delete(_:physicalID:in:)``); what is already gone is
    /// unchanged.
    func deleteResource(_ id: ResourceID, context: ApplyContext) async throws -> StepOutcome {
        guard let physicalID = await context.registry.physicalID(id) else { return .unchanged("\(id) does not exist") }
        guard let kind = ResourceKinds.type(of: id.kind) else {
            return .unchanged("in-cluster objects go with the cluster")
        }
        do {
            try await kind.delete(id, physicalID: physicalID, in: ResourceContext(session: session, apply: context))
        } catch  where AWSPlatformObserver.isNotFound(error) {
            await context.registry.forget(id)
            return .unchanged("\(id) was already gone")
        }
        await context.registry.forget(id)
        return .done("deleted \(physicalID)")
    }

    /// Removes every role from `profile` and deletes it; parts already gone are skipped.
    func deleteInstanceProfile(_ profile: IAMInstanceProfile) async throws {
        let iam = session.iam
        let name = profile.instanceProfileName
        for role in profile.roles {
            try await Self.partGone {
                try await iam.removeRoleFromInstanceProfile(instanceProfileName: name, roleName: role.roleName)
            }
        }
        try await Self.partGone { try await iam.deleteInstanceProfile(instanceProfileName: name) }
    }

    /// The account's instance profiles that carry the tag key `key` (Karpenter tags the ones it creates with
    /// `kubernetes.io/cluster/<name>`).
    ///
    /// `ListInstanceProfiles` returns no tags (the IAM API reference says listing operations return a subset of the
    /// attributes, tags not among them), so each listed profile is read with `GetInstanceProfile`, eight at a time.
    /// A profile deleted between the two calls is skipped.
    func instanceProfiles(tagged key: String) async throws -> [IAMInstanceProfile] {
        let iam = session.iam
        let names = try await iam.listInstanceProfiles().map(\.instanceProfileName)
        var found: [IAMInstanceProfile] = []
        var start = names.startIndex
        while start < names.endIndex {
            let batch = Array(names[start..<min(start + 8, names.endIndex)])
            start += batch.count
            found += try await AWSPlatformObserver.concurrently(batch) { name in
                try await ifExists { try await iam.getInstanceProfile(instanceProfileName: name) }
            }
        }
        return found.filter { profile in profile.tags.contains { $0.key == key } }
    }

    /// Runs one part of a deletion (detaching a policy, removing an association), treating "not found" as done.
    ///
    /// When the answer to such a call is lost after IAM or EC2 performed it, the client's retry is told the policy
    /// or association does not exist. Without this, that error reached the resource-level "already gone" handling
    /// and ended the step as if the role itself were gone: found by the reliability runs (a lost DetachRolePolicy
    /// or DeleteRolePolicy answer left the role behind while `down` reported success).
    static func partGone(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch  where AWSPlatformObserver.isNotFound(error) {
            return
        }
    }

    // MARK: sweeps

    func sweep(_ target: TeardownPlan.SweepTarget, context: ApplyContext) async throws -> StepOutcome {
        let cluster = context.config.name
        let ec2 = session.ec2
        let clusterTag = PlatformTags.kubernetesCluster(cluster)
        var swept: [String] = []
        switch target {
        case .instances:
            // At scale (thousands of Karpenter nodes) in as few calls as EC2 allows: DescribeInstances pages of 1,000,
            // TerminateInstances batches of 1,000 ids (its limit, botocore's EC2 model), and the wait polls the
            // same filter instead of naming every id.
            let live = [
                EC2Filter(name: "tag-key", values: [clusterTag]),
                EC2Filter(name: "instance-state-name", values: Self.liveInstanceStates),
            ]
            let ids = try await ec2.describeInstancesPages(filters: live, maxResults: Self.instancePage).allItems()
                .map(\.instanceId)
            swept = ids
            if !ids.isEmpty {
                for start in stride(from: 0, to: ids.count, by: Self.terminateBatch) {
                    let batch = Array(ids[start..<min(start + Self.terminateBatch, ids.count)])
                    _ = try await ec2.terminateInstances(instanceIds: batch)
                }
                try await context.step.wait(for: "swept instances to terminate", timeout: .seconds(900)) {
                    let left = try await ec2.describeInstancesPages(filters: live, maxResults: Self.instancePage)
                        .allItems()
                    return left.isEmpty ? .ready : .pending("\(left.count) still \(left.first?.state.name ?? "")")
                }
            }
        case .launchTemplates:
            // Pages of 200, DescribeLaunchTemplates' maximum: moto answers a call without MaxResults with 15 templates
            // and no NextToken, which left 185 of the benchmark's 200 behind. No call deletes several, so eight
            // deletions run at a time.
            let templates = try await ec2.describeLaunchTemplatesPages(
                filters: [EC2Filter(name: "tag:\(PlatformTags.karpenterLaunchTemplateCluster)", values: [cluster])],
                maxResults: 200
            ).allItems()
            var start = templates.startIndex
            while start < templates.endIndex {
                let batch = Array(templates[start..<min(start + 8, templates.endIndex)])
                start += batch.count
                swept += try await AWSPlatformObserver.concurrently(batch) { template in
                    try await Self.partGone { try await ec2.deleteLaunchTemplate(launchTemplateId: template.launchTemplateId) }
                    return template.launchTemplateName
                }
            }
        case .instanceProfiles:
            // Eight at a time, like the reads that found them.
            let found = try await instanceProfiles(tagged: clusterTag)
            var start = found.startIndex
            while start < found.endIndex {
                let batch = Array(found[start..<min(start + 8, found.endIndex)])
                start += batch.count
                swept += try await AWSPlatformObserver.concurrently(batch) { profile in
                    try await deleteInstanceProfile(profile)
                    return profile.instanceProfileName
                }
            }
        case .networkInterfaces:
            guard let vpcID = await context.registry.physicalID(ResourceID(.vpc, "main")) else {
                return .unchanged("no platform VPC")
            }
            let interfaces = try await ec2.describeNetworkInterfaces(filters: [
                EC2Filter(name: "vpc-id", values: [vpcID]), EC2Filter(name: "status", values: ["available"]),
            ])
            for interface in interfaces {
                try await ec2.deleteNetworkInterface(networkInterfaceId: interface.networkInterfaceId)
                swept.append(interface.networkInterfaceId)
            }
        case .securityGroups:
            let own = await context.registry.physicalID(ResourceID(.securityGroup, "node"))
            let groups = try await ec2.describeSecurityGroups(filters: [EC2Filter(name: "tag-key", values: [clusterTag])])
            for group in groups where group.groupId != own && group.groupName != "default" {
                try await ec2.deleteSecurityGroup(groupId: group.groupId)
                swept.append(group.groupId)
            }
        }
        return swept.isEmpty
            ? .unchanged("nothing left: \(target.description)")
            : .done("swept \(swept.count): \(swept.joined(separator: ", "))")
    }
}
