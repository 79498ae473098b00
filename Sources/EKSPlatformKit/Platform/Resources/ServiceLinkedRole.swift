import EKSAWS
import EKSKubernetes

extension ResourceKind {
    /// An IAM service-linked role the platform needs in the account (EC2 Spot's, when Karpenter may launch Spot).
    public static let serviceLinkedRole = ResourceKind(declaring: "serviceLinkedRole")
}

extension PropertyKey {
    /// The service principal a service-linked role belongs to (`spot.amazonaws.com`).
    public static let awsServiceName = PropertyKey("awsServiceName")
}

extension ResourceSpec {
    /// A service-linked role: made once per account by `CreateServiceLinkedRole`, named and owned by the service.
    ///
    /// EC2 launches Spot Instances only when `AWSServiceRoleForEC2Spot` exists. The console creates it the first time
    /// someone requests Spot there, but an account that never did has none, and Karpenter's Spot launches then fail
    /// (Karpenter's troubleshooting guide, "Missing Service Linked Role"). The role is the account's, not the
    /// platform's: other workloads may use it, so it is ensured, never deleted, and carries no platform tags
    /// (`CreateServiceLinkedRole` takes none).
    public struct ServiceLinkedRole: Sendable, Equatable, ResourceSpecification {
        /// The service principal, `spot.amazonaws.com`.
        public var awsServiceName: String
        /// The name IAM gives the role, `AWSServiceRoleForEC2Spot`.
        public var roleName: String

        /// EC2 Spot's role.
        public static let ec2Spot = ServiceLinkedRole(
            awsServiceName: "spot.amazonaws.com",
            roleName: "AWSServiceRoleForEC2Spot"
        )

        /// Registered as `serviceLinkedRole` in ``ResourceKinds/all``.
        public static var kind: ResourceKind { .serviceLinkedRole }
        /// The name AWS knows it by.
        public var awsName: String? { roleName }

        /// What the planner compares with the observed resource, in the observer's spelling.
        public func properties(in context: PlatformContext) -> ResourceProperties {
            [.awsServiceName: awsServiceName]
        }
    }
}

extension ResourceSpec.ServiceLinkedRole: ManagedResource {
    /// `GetRole` for the Spot role, only when platform.yaml lets Karpenter launch Spot: the role is never the
    /// platform's to delete, so it is not observed when it is not wanted (and so never planned as an orphan).
    package static func observe(in scope: ObservationScope) async throws -> [ObservedResource] {
        guard scope.config.spec.karpenter.nodePool.capacityTypes.contains("spot") else { return [] }
        let wanted = Self.ec2Spot
        guard let role = try await ifExists({ try await scope.session.iam.getRole(roleName: wanted.roleName) }) else {
            return []
        }
        // Service-linked roles live under /aws-service-role/<service principal>/.
        let service = role.path.split(separator: "/").dropFirst().first.map(String.init) ?? ""
        return [
            ObservedResource(
                id: ResourceID(.serviceLinkedRole, "spot"),
                physicalID: role.roleName,
                properties: [.awsServiceName: service],
                tagsRead: false
            )
        ]
    }

    /// `CreateServiceLinkedRole`; an answer saying the name "has been taken" means the role exists, which is all
    /// the platform needs.
    package func create(_ resource: DesiredResource, in context: ResourceContext) async throws -> StepOutcome {
        do {
            _ = try await context.session.iam.createServiceLinkedRole(
                awsServiceName: awsServiceName,
                description: "Lets EC2 launch Spot Instances (needed by Karpenter for capacity type spot)"
            )
        } catch let error as AWSServiceError where Self.isTaken(error) {
            await context.registry.record(resource.id, physicalID: roleName)
            return .unchanged("\(roleName) already exists in the account")
        }
        await context.registry.record(resource.id, physicalID: roleName)
        return .done("created service-linked role \(roleName)")
    }

    /// Whether `error` says the service-linked role exists: IAM answers `InvalidInput`, "Service role name … has
    /// been taken in this account, please try a different suffix" (AWS Batch user guide, spot-fleet-roles-cli).
    static func isTaken(_ error: AWSServiceError) -> Bool {
        error.code == "InvalidInput" && error.message.contains("has been taken")
    }

    /// Never deleted: the role belongs to the account (EC2 Spot requests of anything else in it need it too). The
    /// teardown has no stage for this kind; this is here for completeness and does nothing.
    package static func delete(_ id: ResourceID, physicalID: String, in context: ResourceContext) async throws {}
}
