import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("EKS client against the emulator")
struct EKSClientIntegrationTests {
    static let fast = EKSWaiterOptions(
        initialDelay: .milliseconds(1),
        maxDelay: .milliseconds(5),
        timeout: .seconds(30),
        sleeper: { try await Task.sleep(for: $0) }
    )

    func createCluster(_ eks: EKSClient, _ name: String, version: String = "1.31") async throws -> EKSCluster {
        try await eks.createCluster(
            EKSCreateClusterRequest(
                name: name,
                version: version,
                roleArn: "arn:aws:iam::123456789012:role/\(name)-cluster",
                resourcesVpcConfig: EKSVpcConfigRequest(
                    subnetIds: ["subnet-aaaa1111", "subnet-bbbb2222"],
                    endpointPublicAccess: true,
                    endpointPrivateAccess: true
                ),
                kubernetesNetworkConfig: EKSKubernetesNetworkConfig(serviceIpv4Cidr: "172.20.0.0/16"),
                logging: EKSLogging(clusterLogging: [EKSLogSetup(types: ["api", "audit"], enabled: true)]),
                tags: ["eksplatform.io/cluster": name],
                accessConfig: EKSAccessConfig(
                    authenticationMode: "API_AND_CONFIG_MAP",
                    bootstrapClusterCreatorAdminPermissions: false
                )
            )
        )
    }

    @Test func clustersNodegroupsUpdatesAndTags() async throws {
        let log = AttemptLog()
        let (_, session) = try await ClientTests.session(region: "ap-southeast-2", observer: log.observer)
        let eks = session.eks
        let name = "c-\(ClientTests.unique())"

        let created = try await createCluster(eks, name)
        #expect(created.name == name && created.version == "1.31")
        #expect(created.status == .creating || created.status == .active)
        let statuses = StatusLog()
        var options = Self.fast
        options.onStatus = statuses.record
        try await eks.waitUntilClusterActive(name: name, options: options)
        #expect(statuses.all.last == "ACTIVE")
        let cluster = try await eks.describeCluster(name: name)
        #expect(cluster.status == .active && cluster.endpoint?.isEmpty == false)
        #expect(cluster.accessConfig?.authenticationMode == "API_AND_CONFIG_MAP")
        #expect(cluster.resourcesVpcConfig?.subnetIds == ["subnet-aaaa1111", "subnet-bbbb2222"])
        #expect(cluster.identity?.oidc?.issuer?.hasPrefix("https://") == true)
        #expect(cluster.tags?["eksplatform.io/cluster"] == name)
        #expect(try await eks.listClusters().contains(name))

        let duplicate = await ClientTests.error(AWSServiceError.self) { _ = try await createCluster(eks, name) }
        #expect(duplicate?.code == "ResourceInUseException" && duplicate?.statusCode == 409)
        let unknown = await ClientTests.error(AWSServiceError.self) { _ = try await eks.describeCluster(name: "\(name)-x") }
        #expect(unknown?.code == "ResourceNotFoundException" && unknown?.operation == "DescribeCluster")

        let logging = try await eks.updateClusterConfig(
            name: name,
            logging: EKSLogging(clusterLogging: [EKSLogSetup(types: ["scheduler"], enabled: true)])
        )
        #expect(logging?.type == "LoggingUpdate")
        let access = try #require(
            try await eks.updateClusterConfig(name: name, accessConfig: EKSAccessConfig(authenticationMode: "API"))
        )
        #expect(access.type == "AccessConfigUpdate")
        #expect(try await eks.describeCluster(name: name).accessConfig?.authenticationMode == "API")
        let upgrade = try await eks.updateClusterVersion(name: name, version: "1.32")
        #expect(upgrade.type == "VersionUpdate")
        let described = try await eks.describeUpdate(name: name, updateId: upgrade.id)
        #expect(described.id == upgrade.id && [.inProgress, .successful].contains(described.status))

        try await eks.tagResource(resourceArn: try #require(cluster.arn), tags: ["team": "platform"])
        #expect(try await eks.describeCluster(name: name).tags?["team"] == "platform")

        let nodegroup = try await eks.createNodegroup(
            clusterName: name,
            EKSCreateNodegroupRequest(
                nodegroupName: "system",
                scalingConfig: EKSScalingConfig(minSize: 2, maxSize: 3, desiredSize: 2),
                subnets: ["subnet-aaaa1111"],
                instanceTypes: ["m5.large"],
                amiType: "AL2023_x86_64_STANDARD",
                nodeRole: "arn:aws:iam::123456789012:role/\(name)-node",
                labels: ["tier": "system"],
                taints: [EKSTaint(key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE")],
                tags: ["eksplatform.io/cluster": name],
                capacityType: "ON_DEMAND"
            )
        )
        #expect(nodegroup.nodegroupName == "system" && nodegroup.clusterName == name)
        try await eks.waitUntilNodegroupActive(clusterName: name, nodegroupName: "system", options: Self.fast)
        #expect(try await eks.listNodegroups(clusterName: name) == ["system"])
        let inUse = await ClientTests.error(AWSServiceError.self) { try await eks.deleteCluster(name: name) }
        #expect(inUse?.code == "ResourceInUseException")

        let update = try await eks.updateNodegroupConfig(
            clusterName: name,
            nodegroupName: "system",
            EKSNodegroupConfigUpdate(
                labels: .init(addOrUpdateLabels: ["pool": "core"], removeLabels: ["tier"]),
                taints: .init(
                    addOrUpdateTaints: [EKSTaint(key: "dedicated", value: "system", effect: "NO_EXECUTE")],
                    removeTaints: [EKSTaint(key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE")]
                ),
                scalingConfig: EKSScalingConfig(minSize: 2, maxSize: 5, desiredSize: 3)
            )
        )
        #expect(update.type == "ConfigUpdate")
        let updated = try await eks.describeNodegroup(clusterName: name, nodegroupName: "system")
        #expect(updated.labels == ["pool": "core"])
        #expect(updated.taints == [EKSTaint(key: "dedicated", value: "system", effect: "NO_EXECUTE")])
        #expect(updated.scalingConfig == EKSScalingConfig(minSize: 2, maxSize: 5, desiredSize: 3))
        #expect(updated.version == "1.31" || updated.version == "1.32")

        try await eks.deleteNodegroup(clusterName: name, nodegroupName: "system")
        try await eks.waitUntilNodegroupDeleted(clusterName: name, nodegroupName: "system", options: Self.fast)
        try await eks.deleteCluster(name: name)
        let deleted = StatusLog()
        var deleteOptions = Self.fast
        deleteOptions.onStatus = deleted.record
        try await eks.waitUntilClusterDeleted(name: name, options: deleteOptions)
        #expect(deleted.all.last == EKSClient.deleted)

        for record in log.all {
            let isRead = ["Describe", "List", "Get"].contains { record.operation.hasPrefix($0) }
            #expect(record.isMutating == !isRead, "\(record.operation)")
        }
    }

    @Test func addonsPodIdentityAndAccessEntries() async throws {
        let (_, session) = try await ClientTests.session(region: "ap-northeast-1")
        let eks = session.eks
        let name = "a-\(ClientTests.unique())"
        _ = try await createCluster(eks, name)
        try await eks.waitUntilClusterActive(name: name, options: Self.fast)

        let catalogue = try await eks.describeAddonVersions(addonName: "vpc-cni", kubernetesVersion: "1.31")
        let versions = try #require(catalogue.first?.addonVersions)
        let defaultVersion = try #require(
            versions.first { info in
                info.compatibilities?.contains { $0.clusterVersion == "1.31" && $0.defaultVersion == true } == true
            }?.addonVersion
        )
        let addon = try await eks.createAddon(
            clusterName: name,
            EKSAddonRequest(
                addonName: "vpc-cni",
                addonVersion: defaultVersion,
                resolveConflicts: "OVERWRITE",
                tags: ["eksplatform.io/cluster": name]
            )
        )
        #expect(addon.addonName == "vpc-cni" && addon.addonVersion == defaultVersion)
        try await eks.waitUntilAddonActive(clusterName: name, addonName: "vpc-cni", options: Self.fast)
        #expect(try await eks.listAddons(clusterName: name) == ["vpc-cni"])
        let addonUpdate = try await eks.updateAddon(
            clusterName: name,
            addonName: "vpc-cni",
            EKSAddonRequest(resolveConflicts: "OVERWRITE", configurationValues: #"{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}"#)
        )
        #expect(!addonUpdate.id.isEmpty)
        #expect(
            try await eks.describeAddon(clusterName: name, addonName: "vpc-cni").configurationValues?
                .contains("ENABLE_PREFIX_DELEGATION") == true
        )
        try await eks.deleteAddon(clusterName: name, addonName: "vpc-cni")
        try await eks.waitUntilAddonDeleted(clusterName: name, addonName: "vpc-cni", options: Self.fast)

        let role = "arn:aws:iam::123456789012:role/\(name)-karpenter"
        let association = try await eks.createPodIdentityAssociation(
            clusterName: name,
            namespace: "kube-system",
            serviceAccount: "karpenter",
            roleArn: role,
            tags: ["eksplatform.io/cluster": name]
        )
        #expect(association.associationId.hasPrefix("a-"))
        let listed = try await eks.listPodIdentityAssociations(clusterName: name, namespace: "kube-system")
        #expect(listed.map(\.associationId) == [association.associationId])
        #expect(listed.first?.serviceAccount == "karpenter")
        #expect(try await eks.listPodIdentityAssociations(clusterName: name, namespace: "default").isEmpty)
        let fetched = try await eks.describePodIdentityAssociation(clusterName: name, associationId: association.associationId)
        #expect(fetched.roleArn == role)
        try await eks.deletePodIdentityAssociation(clusterName: name, associationId: association.associationId)
        let noAssociation = await ClientTests.error(AWSServiceError.self) {
            _ = try await eks.describePodIdentityAssociation(clusterName: name, associationId: association.associationId)
        }
        #expect(noAssociation?.code == "ResourceNotFoundException")

        let admin = "arn:aws:iam::123456789012:role/\(name)-admin"
        let entry = try await eks.createAccessEntry(
            clusterName: name,
            principalArn: admin,
            type: "STANDARD",
            tags: ["eksplatform.io/cluster": name]
        )
        #expect(entry.principalArn == admin && entry.type == "STANDARD")
        let again = await ClientTests.error(AWSServiceError.self) {
            _ = try await eks.createAccessEntry(clusterName: name, principalArn: admin)
        }
        #expect(again?.code == "ResourceInUseException")
        #expect(try await eks.describeAccessEntry(clusterName: name, principalArn: admin).accessEntryArn != nil)
        #expect(try await eks.listAccessEntries(clusterName: name).contains(admin))
        let policy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
        let associated = try await eks.associateAccessPolicy(
            clusterName: name,
            principalArn: admin,
            policyArn: policy,
            accessScope: .cluster
        )
        #expect(associated.policyArn == policy && associated.accessScope?.type == "cluster")
        #expect(try await eks.listAssociatedAccessPolicies(clusterName: name, principalArn: admin).map(\.policyArn) == [policy])
        try await eks.disassociateAccessPolicy(clusterName: name, principalArn: admin, policyArn: policy)
        #expect(try await eks.listAssociatedAccessPolicies(clusterName: name, principalArn: admin).isEmpty)
        try await eks.deleteAccessEntry(clusterName: name, principalArn: admin)
        #expect(!(try await eks.listAccessEntries(clusterName: name).contains(admin)))

        try await eks.deleteCluster(name: name)
        try await eks.waitUntilClusterDeleted(name: name, options: Self.fast)
    }
}

/// Statuses a waiter reported.
final class StatusLog: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [String] = []
    var record: @Sendable (String) -> Void { { status in self.lock.withLock { self.statuses.append(status) } } }
    var all: [String] { lock.withLock { statuses } }
}
