import Foundation

// Shapes of the EKS operations the platform uses; names follow botocore's `eks/2017-11-01` model. Optional members
// are omitted from requests when nil and accept JSON `null` in responses.

/// `VpcConfigRequest`.
public struct EKSVpcConfigRequest: Codable, Sendable, Equatable {
    /// Subnets for the control-plane ENIs.
    public var subnetIds: [String]?
    /// Extra security groups.
    public var securityGroupIds: [String]?
    /// Whether the API endpoint is public.
    public var endpointPublicAccess: Bool?
    /// Whether the API endpoint is reachable from the VPC.
    public var endpointPrivateAccess: Bool?
    /// CIDRs allowed to reach the public endpoint.
    public var publicAccessCidrs: [String]?

    /// Creates a VPC configuration.
    public init(
        subnetIds: [String]? = nil,
        securityGroupIds: [String]? = nil,
        endpointPublicAccess: Bool? = nil,
        endpointPrivateAccess: Bool? = nil,
        publicAccessCidrs: [String]? = nil
    ) {
        self.subnetIds = subnetIds
        self.securityGroupIds = securityGroupIds
        self.endpointPublicAccess = endpointPublicAccess
        self.endpointPrivateAccess = endpointPrivateAccess
        self.publicAccessCidrs = publicAccessCidrs
    }
}

/// `VpcConfigResponse`.
public struct EKSVpcConfigResponse: Codable, Sendable, Equatable {
    public var subnetIds: [String]?
    /// The extra security groups.
    public var securityGroupIds: [String]?
    /// The security group EKS created for the cluster.
    public var clusterSecurityGroupId: String?
    public var vpcId: String?
    /// Public endpoint on or off.
    public var endpointPublicAccess: Bool?
    /// Private endpoint on or off.
    public var endpointPrivateAccess: Bool?
    /// CIDRs allowed to the public endpoint.
    public var publicAccessCidrs: [String]?
}

/// `LogSetup`.
public struct EKSLogSetup: Codable, Sendable, Equatable {
    /// `api`, `audit`, `authenticator`, `controllerManager`, `scheduler`.
    public var types: [String]?
    /// Whether these types are on.
    public var enabled: Bool?

    /// Creates a log setup.
    public init(types: [String], enabled: Bool) {
        self.types = types
        self.enabled = enabled
    }
}

/// EKS's `Logging` shape as the API returns it: the members this library reads.
public struct EKSLogging: Codable, Sendable, Equatable {
    /// The setups.
    public var clusterLogging: [EKSLogSetup]?

    /// Creates a logging configuration.
    public init(clusterLogging: [EKSLogSetup]) { self.clusterLogging = clusterLogging }
}

/// `CreateAccessConfigRequest` / `AccessConfigResponse`.
public struct EKSAccessConfig: Codable, Sendable, Equatable {
    /// `CONFIG_MAP`, `API_AND_CONFIG_MAP` or `API`.
    public var authenticationMode: String?
    /// Whether the creator gets an admin access entry (create only).
    public var bootstrapClusterCreatorAdminPermissions: Bool?

    /// Creates an access configuration.
    public init(authenticationMode: String? = nil, bootstrapClusterCreatorAdminPermissions: Bool? = nil) {
        self.authenticationMode = authenticationMode
        self.bootstrapClusterCreatorAdminPermissions = bootstrapClusterCreatorAdminPermissions
    }
}

/// `KubernetesNetworkConfigRequest` / `…Response`.
public struct EKSKubernetesNetworkConfig: Codable, Sendable, Equatable {
    public var serviceIpv4Cidr: String?
    /// `ipv4` or `ipv6`.
    public var ipFamily: String?

    /// Creates a network configuration.
    public init(serviceIpv4Cidr: String? = nil, ipFamily: String? = nil) {
        self.serviceIpv4Cidr = serviceIpv4Cidr
        self.ipFamily = ipFamily
    }
}

/// `CreateCluster` input.
public struct EKSCreateClusterRequest: Codable, Sendable, Equatable {
    public var name: String
    /// The Kubernetes version, e.g. `1.31`.
    public var version: String?
    /// The cluster role.
    public var roleArn: String
    /// The VPC configuration.
    public var resourcesVpcConfig: EKSVpcConfigRequest
    /// Service CIDR and IP family.
    public var kubernetesNetworkConfig: EKSKubernetesNetworkConfig?
    /// Control-plane logging.
    public var logging: EKSLogging?
    /// The idempotency token.
    public var clientRequestToken: String?
    public var tags: [String: String]?
    /// Authentication mode.
    public var accessConfig: EKSAccessConfig?
    /// Whether EKS installs the default add-ons itself.
    public var bootstrapSelfManagedAddons: Bool?

    /// Creates the input.
    public init(
        name: String,
        version: String? = nil,
        roleArn: String,
        resourcesVpcConfig: EKSVpcConfigRequest,
        kubernetesNetworkConfig: EKSKubernetesNetworkConfig? = nil,
        logging: EKSLogging? = nil,
        clientRequestToken: String? = nil,
        tags: [String: String]? = nil,
        accessConfig: EKSAccessConfig? = nil,
        bootstrapSelfManagedAddons: Bool? = nil
    ) {
        self.name = name
        self.version = version
        self.roleArn = roleArn
        self.resourcesVpcConfig = resourcesVpcConfig
        self.kubernetesNetworkConfig = kubernetesNetworkConfig
        self.logging = logging
        self.clientRequestToken = clientRequestToken
        self.tags = tags
        self.accessConfig = accessConfig
        self.bootstrapSelfManagedAddons = bootstrapSelfManagedAddons
    }
}

/// EKS's `Cluster` shape as the API returns it: the members this library reads.
public struct EKSCluster: Codable, Sendable, Equatable {
    /// EKS's `Certificate` shape as the API returns it: the members this library reads.
    public struct Certificate: Codable, Sendable, Equatable {
        /// Base64 PEM of the cluster CA.
        public var data: String?
    }

    /// EKS's `Identity` shape as the API returns it: the members this library reads.
    public struct Identity: Codable, Sendable, Equatable {
        /// EKS's `OIDC` shape as the API returns it: the members this library reads.
        public struct OIDC: Codable, Sendable, Equatable {
            /// The issuer URL.
            public var issuer: String?
        }

        /// The OIDC issuer.
        public var oidc: OIDC?
    }

    public var name: String
    public var arn: String?
    /// When it was created.
    public var createdAt: Date?
    /// The Kubernetes version.
    public var version: String?
    /// The API server URL (absent while creating).
    public var endpoint: String?
    /// The cluster role.
    public var roleArn: String?
    /// The VPC configuration.
    public var resourcesVpcConfig: EKSVpcConfigResponse?
    /// Service CIDR and IP family.
    public var kubernetesNetworkConfig: EKSKubernetesNetworkConfig?
    public var logging: EKSLogging?
    /// The OIDC issuer.
    public var identity: Identity?
    /// Its lifecycle state.
    public var status: EKSClusterStatus
    /// The CA.
    public var certificateAuthority: Certificate?
    /// `eks.N`.
    public var platformVersion: String?
    public var tags: [String: String]?
    /// Authentication mode.
    public var accessConfig: EKSAccessConfig?
}

/// `ErrorDetail` of an update.
public struct EKSErrorDetail: Codable, Sendable, Equatable {
    public var errorCode: String?
    public var errorMessage: String?
    /// The resources involved.
    public var resourceIds: [String]?
}

/// `UpdateParam`.
public struct EKSUpdateParam: Codable, Sendable, Equatable {
    /// The kind, e.g. `Version`, `LabelsToAdd`.
    public var type: String?
    /// The value (JSON text for structured parameters).
    public var value: String?
}

/// EKS's `Update` shape as the API returns it: the members this library reads.
public struct EKSUpdate: Codable, Sendable, Equatable {
    public var id: String
    /// Its progress.
    public var status: EKSUpdateStatus
    /// `VersionUpdate`, `ConfigUpdate`, `AccessConfigUpdate`, …
    public var type: String?
    /// The parameters.
    public var params: [EKSUpdateParam]?
    /// When it started.
    public var createdAt: Date?
    public var errors: [EKSErrorDetail]?
}

/// `NodegroupScalingConfig`.
public struct EKSScalingConfig: Codable, Sendable, Equatable {
    /// The minimum.
    public var minSize: Int?
    /// The maximum.
    public var maxSize: Int?
    /// The wanted size.
    public var desiredSize: Int?

    /// Creates a scaling configuration.
    public init(minSize: Int? = nil, maxSize: Int? = nil, desiredSize: Int? = nil) {
        self.minSize = minSize
        self.maxSize = maxSize
        self.desiredSize = desiredSize
    }
}

/// EKS's `Taint` shape as the API returns it: the members this library reads.
public struct EKSTaint: Codable, Sendable, Equatable {
    public var key: String?
    public var value: String?
    /// `NO_SCHEDULE`, `NO_EXECUTE` or `PREFER_NO_SCHEDULE`.
    public var effect: String?

    /// Creates a taint.
    public init(key: String, value: String? = nil, effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }
}

/// `LaunchTemplateSpecification`.
public struct EKSLaunchTemplateSpecification: Codable, Sendable, Equatable {
    public var name: String?
    public var version: String?
    public var id: String?

    /// Creates a specification.
    public init(name: String? = nil, version: String? = nil, id: String? = nil) {
        self.name = name
        self.version = version
        self.id = id
    }
}

/// `CreateNodegroup` input.
public struct EKSCreateNodegroupRequest: Codable, Sendable, Equatable {
    public var nodegroupName: String
    /// Sizes.
    public var scalingConfig: EKSScalingConfig?
    /// Root volume size (GiB), when there is no launch template.
    public var diskSize: Int?
    public var subnets: [String]
    public var instanceTypes: [String]?
    /// `AL2023_x86_64_STANDARD`, `BOTTLEROCKET_ARM_64`, …
    public var amiType: String?
    public var nodeRole: String
    /// Kubernetes labels.
    public var labels: [String: String]?
    /// Kubernetes taints.
    public var taints: [EKSTaint]?
    public var tags: [String: String]?
    /// The idempotency token.
    public var clientRequestToken: String?
    public var launchTemplate: EKSLaunchTemplateSpecification?
    /// `ON_DEMAND` or `SPOT`.
    public var capacityType: String?
    /// The Kubernetes version.
    public var version: String?

    /// Creates the input.
    public init(
        nodegroupName: String,
        scalingConfig: EKSScalingConfig? = nil,
        diskSize: Int? = nil,
        subnets: [String],
        instanceTypes: [String]? = nil,
        amiType: String? = nil,
        nodeRole: String,
        labels: [String: String]? = nil,
        taints: [EKSTaint]? = nil,
        tags: [String: String]? = nil,
        clientRequestToken: String? = nil,
        launchTemplate: EKSLaunchTemplateSpecification? = nil,
        capacityType: String? = nil,
        version: String? = nil
    ) {
        self.nodegroupName = nodegroupName
        self.scalingConfig = scalingConfig
        self.diskSize = diskSize
        self.subnets = subnets
        self.instanceTypes = instanceTypes
        self.amiType = amiType
        self.nodeRole = nodeRole
        self.labels = labels
        self.taints = taints
        self.tags = tags
        self.clientRequestToken = clientRequestToken
        self.launchTemplate = launchTemplate
        self.capacityType = capacityType
        self.version = version
    }
}

/// `Issue` (nodegroup and add-on health).
public struct EKSIssue: Codable, Sendable, Equatable {
    public var code: String?
    public var message: String?
    public var resourceIds: [String]?
}

/// `NodegroupHealth` / `AddonHealth`.
public struct EKSHealth: Codable, Sendable, Equatable {
    public var issues: [EKSIssue]?
}

/// EKS's `Nodegroup` shape as the API returns it: the members this library reads.
public struct EKSNodegroup: Codable, Sendable, Equatable {
    /// `NodegroupResources`.
    public struct Resources: Codable, Sendable, Equatable {
        /// `AutoScalingGroup`.
        public struct AutoScalingGroup: Codable, Sendable, Equatable {
            /// The group name.
            public var name: String?
        }

        /// The Auto Scaling groups.
        public var autoScalingGroups: [AutoScalingGroup]?
        /// The remote-access security group.
        public var remoteAccessSecurityGroup: String?
    }

    public var nodegroupName: String
    public var nodegroupArn: String?
    public var clusterName: String?
    /// The Kubernetes version.
    public var version: String?
    /// The AMI release.
    public var releaseVersion: String?
    /// When it was created.
    public var createdAt: Date?
    /// When it last changed.
    public var modifiedAt: Date?
    /// Its lifecycle state.
    public var status: EKSNodegroupStatus
    /// `ON_DEMAND` or `SPOT`.
    public var capacityType: String?
    /// Sizes.
    public var scalingConfig: EKSScalingConfig?
    public var instanceTypes: [String]?
    public var subnets: [String]?
    public var amiType: String?
    public var nodeRole: String?
    public var labels: [String: String]?
    public var taints: [EKSTaint]?
    /// Underlying resources.
    public var resources: Resources?
    public var diskSize: Int?
    public var health: EKSHealth?
    public var launchTemplate: EKSLaunchTemplateSpecification?
    public var tags: [String: String]?
}

/// `UpdateNodegroupConfig` input (without the path members).
public struct EKSNodegroupConfigUpdate: Codable, Sendable, Equatable {
    /// `UpdateLabelsPayload`.
    public struct Labels: Codable, Sendable, Equatable {
        /// Labels to add or change.
        public var addOrUpdateLabels: [String: String]?
        /// Label keys to remove.
        public var removeLabels: [String]?

        /// Creates a payload.
        public init(addOrUpdateLabels: [String: String]? = nil, removeLabels: [String]? = nil) {
            self.addOrUpdateLabels = addOrUpdateLabels
            self.removeLabels = removeLabels
        }
    }

    /// `UpdateTaintsPayload`.
    public struct Taints: Codable, Sendable, Equatable {
        /// Taints to add or change.
        public var addOrUpdateTaints: [EKSTaint]?
        /// Taints to remove.
        public var removeTaints: [EKSTaint]?

        /// Creates a payload.
        public init(addOrUpdateTaints: [EKSTaint]? = nil, removeTaints: [EKSTaint]? = nil) {
            self.addOrUpdateTaints = addOrUpdateTaints
            self.removeTaints = removeTaints
        }
    }

    /// Label changes.
    public var labels: Labels?
    /// Taint changes.
    public var taints: Taints?
    /// New sizes.
    public var scalingConfig: EKSScalingConfig?
    /// The idempotency token.
    public var clientRequestToken: String?

    /// Creates the input.
    public init(
        labels: Labels? = nil,
        taints: Taints? = nil,
        scalingConfig: EKSScalingConfig? = nil,
        clientRequestToken: String? = nil
    ) {
        self.labels = labels
        self.taints = taints
        self.scalingConfig = scalingConfig
        self.clientRequestToken = clientRequestToken
    }
}

/// `AddonPodIdentityAssociations`.
public struct EKSAddonPodIdentityAssociation: Codable, Sendable, Equatable {
    public var serviceAccount: String
    public var roleArn: String

    /// Creates one.
    public init(serviceAccount: String, roleArn: String) {
        self.serviceAccount = serviceAccount
        self.roleArn = roleArn
    }
}

/// `CreateAddon` / `UpdateAddon` input (without the path members; `addonName` is sent only on create).
public struct EKSAddonRequest: Codable, Sendable, Equatable {
    /// The add-on (create only).
    public var addonName: String?
    /// The version, e.g. `v1.19.0-eksbuild.1`.
    public var addonVersion: String?
    /// An IRSA role.
    public var serviceAccountRoleArn: String?
    /// `OVERWRITE`, `NONE` or `PRESERVE`.
    public var resolveConflicts: String?
    /// The idempotency token.
    public var clientRequestToken: String?
    /// Tags (create only).
    public var tags: [String: String]?
    /// JSON or YAML configuration.
    public var configurationValues: String?
    /// Pod Identity associations owned by the add-on.
    public var podIdentityAssociations: [EKSAddonPodIdentityAssociation]?

    /// Creates the input.
    public init(
        addonName: String? = nil,
        addonVersion: String? = nil,
        serviceAccountRoleArn: String? = nil,
        resolveConflicts: String? = nil,
        clientRequestToken: String? = nil,
        tags: [String: String]? = nil,
        configurationValues: String? = nil,
        podIdentityAssociations: [EKSAddonPodIdentityAssociation]? = nil
    ) {
        self.addonName = addonName
        self.addonVersion = addonVersion
        self.serviceAccountRoleArn = serviceAccountRoleArn
        self.resolveConflicts = resolveConflicts
        self.clientRequestToken = clientRequestToken
        self.tags = tags
        self.configurationValues = configurationValues
        self.podIdentityAssociations = podIdentityAssociations
    }
}

/// EKS's `Addon` shape as the API returns it: the members this library reads.
public struct EKSAddon: Codable, Sendable, Equatable {
    public var addonName: String
    public var clusterName: String?
    /// Its lifecycle state.
    public var status: EKSAddonStatus
    public var addonVersion: String?
    public var health: EKSHealth?
    public var addonArn: String?
    /// When it was created.
    public var createdAt: Date?
    /// When it last changed.
    public var modifiedAt: Date?
    /// The IRSA role.
    public var serviceAccountRoleArn: String?
    public var tags: [String: String]?
    public var configurationValues: String?
    /// ARNs of the Pod Identity associations it owns.
    public var podIdentityAssociations: [String]?
}

/// EKS's `Compatibility` shape as the API returns it: the members this library reads.
public struct EKSAddonCompatibility: Codable, Sendable, Equatable {
    /// The Kubernetes version.
    public var clusterVersion: String?
    public var platformVersions: [String]?
    /// Whether this is the default add-on version for that Kubernetes version.
    public var defaultVersion: Bool?
}

/// `AddonVersionInfo`.
public struct EKSAddonVersionInfo: Codable, Sendable, Equatable {
    public var addonVersion: String
    public var architecture: [String]?
    /// Compatible Kubernetes versions.
    public var compatibilities: [EKSAddonCompatibility]?
    /// Whether configuration is required.
    public var requiresConfiguration: Bool?
    /// Whether IAM permissions are required.
    public var requiresIamPermissions: Bool?
}

/// `AddonInfo`.
public struct EKSAddonInfo: Codable, Sendable, Equatable {
    /// The add-on.
    public var addonName: String
    /// `networking`, …
    public var type: String?
    public var addonVersions: [EKSAddonVersionInfo]?
    public var publisher: String?
    public var owner: String?
}

/// `PodIdentityAssociation` (and its list summary, whose role and dates are absent).
public struct EKSPodIdentityAssociation: Codable, Sendable, Equatable {
    public var clusterName: String?
    public var namespace: String
    public var serviceAccount: String
    /// The role (absent in list summaries).
    public var roleArn: String?
    public var associationArn: String?
    public var associationId: String
    public var tags: [String: String]?
    /// When it was created.
    public var createdAt: Date?
    /// When it last changed.
    public var modifiedAt: Date?
    /// The add-on that owns it, if any.
    public var ownerArn: String?
}

/// `AccessEntry`.
public struct EKSAccessEntry: Codable, Sendable, Equatable {
    public var clusterName: String?
    /// The IAM principal.
    public var principalArn: String
    public var kubernetesGroups: [String]?
    public var accessEntryArn: String?
    /// When it was created.
    public var createdAt: Date?
    /// When it last changed.
    public var modifiedAt: Date?
    public var tags: [String: String]?
    /// The Kubernetes user name.
    public var username: String?
    /// `STANDARD`, `EC2_LINUX`, `EC2_WINDOWS`, `FARGATE_LINUX`, `EC2`, …
    public var type: String?
}

/// `AccessScope`.
public struct EKSAccessScope: Codable, Sendable, Equatable {
    /// `cluster` or `namespace`.
    public var type: String?
    /// The namespaces, for `namespace` scope.
    public var namespaces: [String]?

    /// Creates a scope.
    public init(type: String, namespaces: [String]? = nil) {
        self.type = type
        self.namespaces = namespaces
    }

    /// The whole cluster.
    public static let cluster = EKSAccessScope(type: "cluster")
}

/// `AssociatedAccessPolicy`.
public struct EKSAssociatedAccessPolicy: Codable, Sendable, Equatable {
    /// The policy ARN (`arn:aws:eks::aws:cluster-access-policy/…`).
    public var policyArn: String
    public var accessScope: EKSAccessScope?
    /// When it was associated.
    public var associatedAt: Date?
    /// When it last changed.
    public var modifiedAt: Date?
}
