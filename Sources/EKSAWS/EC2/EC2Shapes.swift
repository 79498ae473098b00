import Foundation

// Shapes of the EC2 operations the platform uses. Names follow botocore's model (`ec2/2016-11-15`); only the
// members the platform reads are decoded, everything else in a response is skipped.

/// A `Filter` (`Filter.N.Name`, `Filter.N.Value.M`).
public struct EC2Filter: Sendable, Equatable {
    /// The filter name, e.g. `tag:eksplatform.io/cluster` or `vpc-id`.
    public var name: String
    /// The accepted values (wildcards allowed where EC2 allows them).
    public var values: [String]

    /// Creates a filter.
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }

    /// A `tag:KEY` filter.
    public static func tag(_ key: String, _ values: String...) -> EC2Filter { EC2Filter(name: "tag:\(key)", values: values) }
}

/// EC2's `Tag` shape as the API returns it: the members this library reads.
public struct EC2Tag: EC2Decodable, Equatable {
    public var key: String
    public var value: String

    /// Creates a tag.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// An empty tag, for decoding.
    public init() { self.init(key: "", value: "") }

    /// Decodes `key` and `value`.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "key": key = try d.string()
        case "value": value = try d.string()
        default: try d.skip()
        }
    }
}

extension Array where Element == EC2Tag {
    /// The tags as a dictionary (the last value wins for a repeated key).
    public var dictionary: [String: String] { Dictionary(map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }) }

    /// Tags from a dictionary, sorted by key (stable requests).
    public static func from(_ tags: [String: String]) -> [EC2Tag] {
        tags.keys.sorted().map { EC2Tag(key: $0, value: tags[$0] ?? "") }
    }
}

/// A `TagSpecification`: tags applied to a resource as it is created.
public struct EC2TagSpecification: Sendable, Equatable {
    /// The resource type, e.g. `vpc`, `subnet`, `natgateway`, `elastic-ip`.
    public var resourceType: String
    public var tags: [EC2Tag]

    /// Creates a tag specification.
    public init(resourceType: String, tags: [EC2Tag]) {
        self.resourceType = resourceType
        self.tags = tags
    }
}

/// An `AvailabilityZone`.
public struct EC2AvailabilityZone: EC2Decodable, Equatable {
    /// `zoneName`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { [("zoneName", \.zoneName)] }

    /// `us-west-2a`.
    public var zoneName = ""
    /// `usw2-az2`.
    public var zoneId = ""
    /// `available`, …
    public var state = ""
    public var regionName = ""
    /// `availability-zone`, `local-zone`, `wavelength-zone`.
    public var zoneType: String?

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "zoneName": zoneName = try d.string()
        case "zoneId": zoneId = try d.string()
        case "zoneState": state = try d.string()
        case "regionName": regionName = try d.string()
        case "zoneType": zoneType = try d.string()
        default: try d.skip()
        }
    }
}

/// EC2's `Vpc` shape as the API returns it: the members this library reads.
public struct EC2Vpc: EC2Decodable, Equatable {
    /// `vpcId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { [("vpcId", \.vpcId)] }

    public var vpcId = ""
    /// The primary IPv4 CIDR block.
    public var cidrBlock = ""
    /// `pending` or `available`.
    public var state = ""
    /// Whether it is the region's default VPC.
    public var isDefault = false
    /// The DHCP options set.
    public var dhcpOptionsId: String?
    /// The owner account.
    public var ownerId: String?
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "vpcId": vpcId = try d.string()
        case "cidrBlock": cidrBlock = try d.string()
        case "state": state = try d.string()
        case "isDefault": isDefault = try d.bool()
        case "dhcpOptionsId": dhcpOptionsId = try d.string()
        case "ownerId": ownerId = try d.string()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// EC2's `Subnet` shape as the API returns it: the members this library reads.
public struct EC2Subnet: EC2Decodable, Equatable {
    /// `subnetId`, `vpcId`: EC2 always returns them.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] {
        [("subnetId", \.subnetId), ("vpcId", \.vpcId)]
    }

    public var subnetId = ""
    public var vpcId = ""
    /// The IPv4 CIDR block.
    public var cidrBlock = ""
    /// The zone name.
    public var availabilityZone = ""
    public var availabilityZoneId: String?
    /// `pending` or `available`.
    public var state = ""
    /// Whether instances get public IPv4 addresses.
    public var mapPublicIpOnLaunch = false
    /// Free addresses.
    public var availableIpAddressCount: Int?
    public var subnetArn: String?
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "subnetId": subnetId = try d.string()
        case "vpcId": vpcId = try d.string()
        case "cidrBlock": cidrBlock = try d.string()
        case "availabilityZone": availabilityZone = try d.string()
        case "availabilityZoneId": availabilityZoneId = try d.string()
        case "state": state = try d.string()
        case "mapPublicIpOnLaunch": mapPublicIpOnLaunch = try d.bool()
        case "availableIpAddressCount": availableIpAddressCount = try d.int()
        case "subnetArn": subnetArn = try d.string()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// An `InternetGatewayAttachment`.
public struct EC2InternetGatewayAttachment: EC2Decodable, Equatable {
    public var vpcId = ""
    /// `available` (EC2 says available, not attached), `attaching`, `detaching`, …
    public var state = ""

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "vpcId": vpcId = try d.string()
        case "state": state = try d.string()
        default: try d.skip()
        }
    }
}

/// An `InternetGateway`.
public struct EC2InternetGateway: EC2Decodable, Equatable {
    /// `internetGatewayId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] {
        [("internetGatewayId", \.internetGatewayId)]
    }

    public var internetGatewayId = ""
    /// The VPC attachments.
    public var attachments: [EC2InternetGatewayAttachment] = []
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "internetGatewayId": internetGatewayId = try d.string()
        case "attachmentSet": attachments = try d.list()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// An `Address` (Elastic IP).
public struct EC2Address: EC2Decodable, Equatable {
    public var allocationId: String?
    /// The public IPv4 address.
    public var publicIp = ""
    /// `vpc` or `standard`.
    public var domain: String?
    /// The association, when associated.
    public var associationId: String?
    /// The network interface it is associated with.
    public var networkInterfaceId: String?
    /// The private address it maps to.
    public var privateIpAddress: String?
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child (also the flat `AllocateAddress` result).
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "allocationId": allocationId = try d.string()
        case "publicIp": publicIp = try d.string()
        case "domain": domain = try d.string()
        case "associationId": associationId = try d.string()
        case "networkInterfaceId": networkInterfaceId = try d.string()
        case "privateIpAddress": privateIpAddress = try d.string()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// A `NatGatewayAddress`.
public struct EC2NatGatewayAddress: EC2Decodable, Equatable {
    /// The Elastic IP allocation.
    public var allocationId: String?
    /// The public address.
    public var publicIp: String?
    /// The private address.
    public var privateIp: String?
    /// The gateway's network interface.
    public var networkInterfaceId: String?

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "allocationId": allocationId = try d.string()
        case "publicIp": publicIp = try d.string()
        case "privateIp": privateIp = try d.string()
        case "networkInterfaceId": networkInterfaceId = try d.string()
        default: try d.skip()
        }
    }
}

/// A `NatGateway`.
public struct EC2NatGateway: EC2Decodable, Equatable {
    /// `natGatewayId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { [("natGatewayId", \.natGatewayId)] }

    public var natGatewayId = ""
    /// The subnet it lives in.
    public var subnetId = ""
    public var vpcId = ""
    /// `pending`, `failed`, `available`, `deleting`, `deleted`.
    public var state = ""
    /// `public` or `private`.
    public var connectivityType: String?
    /// When it was created.
    public var createTime: Date?
    /// When it was deleted.
    public var deleteTime: Date?
    /// Why it failed.
    public var failureCode: String?
    public var failureMessage: String?
    public var addresses: [EC2NatGatewayAddress] = []
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "natGatewayId": natGatewayId = try d.string()
        case "subnetId": subnetId = try d.string()
        case "vpcId": vpcId = try d.string()
        case "state": state = try d.string()
        case "connectivityType": connectivityType = try d.string()
        case "createTime": createTime = try d.date()
        case "deleteTime": deleteTime = try d.date()
        case "failureCode": failureCode = try d.string()
        case "failureMessage": failureMessage = try d.string()
        case "natGatewayAddressSet": addresses = try d.list()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// EC2's `Route` shape as the API returns it: the members this library reads.
public struct EC2Route: EC2Decodable, Equatable {
    /// The IPv4 destination.
    public var destinationCidrBlock: String?
    /// An internet gateway (or `local`).
    public var gatewayId: String?
    public var natGatewayId: String?
    /// `active` or `blackhole`.
    public var state: String?
    /// `CreateRouteTable`, `CreateRoute`, `EnableVgwRoutePropagation`.
    public var origin: String?

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "destinationCidrBlock": destinationCidrBlock = try d.string()
        case "gatewayId": gatewayId = try d.string()
        case "natGatewayId": natGatewayId = try d.string()
        case "state": state = try d.string()
        case "origin": origin = try d.string()
        default: try d.skip()
        }
    }
}

/// A `RouteTableAssociation`.
public struct EC2RouteTableAssociation: EC2Decodable, Equatable {
    /// `routeTableAssociationId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] {
        [("routeTableAssociationId", \.routeTableAssociationId)]
    }

    /// The association id (for `DisassociateRouteTable`).
    public var routeTableAssociationId = ""
    public var routeTableId: String?
    /// The subnet, for subnet associations.
    public var subnetId: String?
    /// The gateway, for edge associations.
    public var gatewayId: String?
    /// Whether this is the VPC's main association.
    public var main = false
    /// `associating`, `associated`, …
    public var state: String?

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "routeTableAssociationId": routeTableAssociationId = try d.string()
        case "routeTableId": routeTableId = try d.string()
        case "subnetId": subnetId = try d.string()
        case "gatewayId": gatewayId = try d.string()
        case "main": main = try d.bool()
        case "associationState":
            let status: EC2StateHolder = try d.decode()
            state = status.state
        default: try d.skip()
        }
    }
}

/// `{ state, … }` holders such as `associationState`.
struct EC2StateHolder: EC2Decodable {
    var state: String?
    init() {}
    mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        if name == "state" { state = try d.string() } else { try d.skip() }
    }
}

/// A `RouteTable`.
public struct EC2RouteTable: EC2Decodable, Equatable {
    /// `routeTableId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { [("routeTableId", \.routeTableId)] }

    public var routeTableId = ""
    public var vpcId = ""
    public var routes: [EC2Route] = []
    public var associations: [EC2RouteTableAssociation] = []
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Whether this is the VPC's main route table.
    public var isMain: Bool { associations.contains { $0.main } }

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "routeTableId": routeTableId = try d.string()
        case "vpcId": vpcId = try d.string()
        case "routeSet": routes = try d.list()
        case "associationSet": associations = try d.list()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// An `IpRange`.
public struct EC2IpRange: EC2Decodable, Equatable {
    /// The CIDR, e.g. `0.0.0.0/0`.
    public var cidrIp = ""
    public var description: String?

    /// Creates a range.
    public init(cidrIp: String, description: String? = nil) {
        self.cidrIp = cidrIp
        self.description = description
    }

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "cidrIp": cidrIp = try d.string()
        case "description": description = try d.string()
        default: try d.skip()
        }
    }
}

/// A `UserIdGroupPair`: a security group as a rule's source or destination.
public struct EC2UserIdGroupPair: EC2Decodable, Equatable {
    public var groupId = ""
    public var description: String?

    /// Creates a pair.
    public init(groupId: String, description: String? = nil) {
        self.groupId = groupId
        self.description = description
    }

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "groupId": groupId = try d.string()
        case "description": description = try d.string()
        default: try d.skip()
        }
    }
}

/// An `IpPermission`: one security group rule.
public struct EC2IpPermission: EC2Decodable, Equatable {
    /// `tcp`, `udp`, `icmp` or `-1` (all).
    public var ipProtocol = ""
    /// The first port.
    public var fromPort: Int?
    /// The last port.
    public var toPort: Int?
    /// CIDR sources/destinations.
    public var ipRanges: [EC2IpRange] = []
    /// Security group sources/destinations.
    public var userIdGroupPairs: [EC2UserIdGroupPair] = []

    /// Creates a rule.
    public init(
        ipProtocol: String,
        fromPort: Int? = nil,
        toPort: Int? = nil,
        ipRanges: [EC2IpRange] = [],
        userIdGroupPairs: [EC2UserIdGroupPair] = []
    ) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.ipRanges = ipRanges
        self.userIdGroupPairs = userIdGroupPairs
    }

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "ipProtocol": ipProtocol = try d.string()
        case "fromPort": fromPort = try d.int()
        case "toPort": toPort = try d.int()
        case "ipRanges": ipRanges = try d.list()
        case "groups": userIdGroupPairs = try d.list()
        default: try d.skip()
        }
    }
}

/// A `SecurityGroup`.
public struct EC2SecurityGroup: EC2Decodable, Equatable {
    /// `groupId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { [("groupId", \.groupId)] }

    public var groupId = ""
    public var groupName = ""
    public var description = ""
    public var vpcId: String?
    /// The owner account.
    public var ownerId: String?
    /// Inbound rules.
    public var ipPermissions: [EC2IpPermission] = []
    /// Outbound rules.
    public var ipPermissionsEgress: [EC2IpPermission] = []
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "groupId": groupId = try d.string()
        case "groupName": groupName = try d.string()
        case "groupDescription": description = try d.string()
        case "vpcId": vpcId = try d.string()
        case "ownerId": ownerId = try d.string()
        case "ipPermissions": ipPermissions = try d.list()
        case "ipPermissionsEgress": ipPermissionsEgress = try d.list()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// An `InstanceState`.
public struct EC2InstanceState: EC2Decodable, Equatable {
    /// 0 pending, 16 running, 32 shutting-down, 48 terminated, 64 stopping, 80 stopped.
    public var code = 0
    /// `pending`, `running`, `shutting-down`, `terminated`, `stopping`, `stopped`.
    public var name = ""

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "code": code = try d.int()
        case "name": self.name = try d.string()
        default: try d.skip()
        }
    }
}

/// A `GroupIdentifier`.
public struct EC2GroupIdentifier: EC2Decodable, Equatable {
    public var groupId = ""
    public var groupName: String?

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "groupId": groupId = try d.string()
        case "groupName": groupName = try d.string()
        default: try d.skip()
        }
    }
}

/// An `Instance`: the members the platform reads (teardown, node checks, Karpenter leftovers).
public struct EC2Instance: EC2Decodable, Equatable {
    /// `instanceId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { [("instanceId", \.instanceId)] }

    public var instanceId = ""
    /// The AMI.
    public var imageId: String?
    public var instanceType = ""
    public var state = EC2InstanceState()
    /// The private DNS name (the Kubernetes node name on EKS).
    public var privateDnsName: String?
    /// The private IPv4 address.
    public var privateIpAddress: String?
    public var subnetId: String?
    public var vpcId: String?
    /// The zone (`placement.availabilityZone`).
    public var availabilityZone: String?
    /// When it was launched.
    public var launchTime: Date?
    /// `x86_64` or `arm64`.
    public var architecture: String?
    /// The instance profile ARN.
    public var iamInstanceProfileArn: String?
    /// `optional` or `required` (IMDSv2).
    public var httpTokens: String?
    /// The IMDS hop limit.
    public var httpPutResponseHopLimit: Int?
    public var securityGroups: [EC2GroupIdentifier] = []
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "instanceId": instanceId = try d.string()
        case "imageId": imageId = try d.string()
        case "instanceType": instanceType = try d.string()
        case "instanceState": state = try d.decode()
        case "privateDnsName": privateDnsName = try d.string()
        case "privateIpAddress": privateIpAddress = try d.string()
        case "subnetId": subnetId = try d.string()
        case "vpcId": vpcId = try d.string()
        case "placement":
            let placement: EC2Placement = try d.decode()
            availabilityZone = placement.availabilityZone
        case "launchTime": launchTime = try d.date()
        case "architecture": architecture = try d.string()
        case "iamInstanceProfile":
            let profile: EC2IamInstanceProfile = try d.decode()
            iamInstanceProfileArn = profile.arn
        case "metadataOptions":
            let options: EC2MetadataOptions = try d.decode()
            httpTokens = options.httpTokens
            httpPutResponseHopLimit = options.httpPutResponseHopLimit
        case "groupSet": securityGroups = try d.list()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

struct EC2Placement: EC2Decodable {
    var availabilityZone: String?
    init() {}
    mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        if name == "availabilityZone" { availabilityZone = try d.string() } else { try d.skip() }
    }
}

struct EC2IamInstanceProfile: EC2Decodable {
    var arn: String?
    init() {}
    mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        if name == "arn" { arn = try d.string() } else { try d.skip() }
    }
}

struct EC2MetadataOptions: EC2Decodable {
    var httpTokens: String?
    var httpPutResponseHopLimit: Int?
    init() {}
    mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "httpTokens": httpTokens = try d.string()
        case "httpPutResponseHopLimit": httpPutResponseHopLimit = try d.int()
        default: try d.skip()
        }
    }
}

/// A `Reservation`: instances launched together.
public struct EC2Reservation: EC2Decodable, Equatable {
    public var reservationId = ""
    /// The owner account.
    public var ownerId: String?
    public var instances: [EC2Instance] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "reservationId": reservationId = try d.string()
        case "ownerId": ownerId = try d.string()
        case "instancesSet": instances = try d.list()
        default: try d.skip()
        }
    }
}

/// An `InstanceStateChange` (from `TerminateInstances`).
public struct EC2InstanceStateChange: EC2Decodable, Equatable {
    /// `instanceId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { [("instanceId", \.instanceId)] }

    public var instanceId = ""
    /// The state now.
    public var currentState = EC2InstanceState()
    /// The state before.
    public var previousState = EC2InstanceState()

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "instanceId": instanceId = try d.string()
        case "currentState": currentState = try d.decode()
        case "previousState": previousState = try d.decode()
        default: try d.skip()
        }
    }
}

/// A `LaunchTemplate`.
public struct EC2LaunchTemplate: EC2Decodable, Equatable {
    /// `launchTemplateId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] {
        [("launchTemplateId", \.launchTemplateId)]
    }

    public var launchTemplateId = ""
    public var launchTemplateName = ""
    /// When it was created.
    public var createTime: Date?
    public var defaultVersionNumber: Int?
    public var latestVersionNumber: Int?
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "launchTemplateId": launchTemplateId = try d.string()
        case "launchTemplateName": launchTemplateName = try d.string()
        case "createTime": createTime = try d.date()
        case "defaultVersionNumber": defaultVersionNumber = try d.int()
        case "latestVersionNumber": latestVersionNumber = try d.int()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// A `NetworkInterfaceAttachment`.
public struct EC2NetworkInterfaceAttachment: EC2Decodable, Equatable {
    public var attachmentId: String?
    public var instanceId: String?
    /// `attaching`, `attached`, `detaching`, `detached`.
    public var status: String?

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "attachmentId": attachmentId = try d.string()
        case "instanceId": instanceId = try d.string()
        case "status": status = try d.string()
        default: try d.skip()
        }
    }
}

/// A `NetworkInterface` (ENIs left behind by the VPC CNI or load balancers block subnet deletion).
public struct EC2NetworkInterface: EC2Decodable, Equatable {
    /// `networkInterfaceId`: EC2 always returns it.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] {
        [("networkInterfaceId", \.networkInterfaceId)]
    }

    public var networkInterfaceId = ""
    public var subnetId: String?
    public var vpcId: String?
    /// `available`, `in-use`, …
    public var status = ""
    /// The description (e.g. `aws-K8S-i-…`).
    public var description: String?
    /// `interface`, `nat_gateway`, `branch`, …
    public var interfaceType: String?
    /// The primary private address.
    public var privateIpAddress: String?
    /// Whether AWS manages it.
    public var requesterManaged: Bool?
    public var attachment: EC2NetworkInterfaceAttachment?
    /// The security groups.
    public var groups: [EC2GroupIdentifier] = []
    public var tags: [EC2Tag] = []

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "networkInterfaceId": networkInterfaceId = try d.string()
        case "subnetId": subnetId = try d.string()
        case "vpcId": vpcId = try d.string()
        case "status": status = try d.string()
        case "description": description = try d.string()
        case "interfaceType": interfaceType = try d.string()
        case "privateIpAddress": privateIpAddress = try d.string()
        case "requesterManaged": requesterManaged = try d.bool()
        case "attachment": attachment = try d.decode()
        case "groupSet": groups = try d.list()
        case "tagSet": tags = try d.tags()
        default: try d.skip()
        }
    }
}

/// A `DescribeInstances` page.
public struct EC2DescribeInstancesPage: EC2Decodable, Equatable {
    public var reservations: [EC2Reservation] = []
    /// The next page's token.
    public var nextToken: String?

    /// Every instance on the page.
    public var instances: [EC2Instance] { reservations.flatMap(\.instances) }

    /// An empty value.
    public init() {}

    /// Decodes one child.
    package mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "reservationSet": reservations = try d.list()
        case "nextToken": nextToken = try d.string()
        default: try d.skip()
        }
    }
}

/// A response that holds one list (`vpcSet`, `subnetSet`, …) and maybe a `nextToken`.
struct EC2ListResponse<Item: EC2Decodable>: EC2Decodable {
    var items: [Item] = []
    var nextToken: String?
    init() {}
    mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        switch name {
        case "nextToken": nextToken = try d.string()
        case "requestId": try d.skip()
        default: items.append(contentsOf: try d.list())
        }
    }
}

/// A shape that a Create operation returns as one named element (`<vpc>`, `<subnet>`, …).
package protocol EC2Element: EC2Decodable {
    /// The element name in Create responses.
    static var responseElement: String { get }
}

extension EC2Vpc: EC2Element {
    /// `vpc`.
    public static var responseElement: String { "vpc" }
}

extension EC2Subnet: EC2Element {
    /// `subnet`.
    public static var responseElement: String { "subnet" }
}

extension EC2InternetGateway: EC2Element {
    /// `internetGateway`.
    public static var responseElement: String { "internetGateway" }
}

extension EC2NatGateway: EC2Element {
    /// `natGateway`.
    public static var responseElement: String { "natGateway" }
}

extension EC2RouteTable: EC2Element {
    /// `routeTable`.
    public static var responseElement: String { "routeTable" }
}

extension EC2LaunchTemplate: EC2Element {
    /// `launchTemplate`.
    public static var responseElement: String { "launchTemplate" }
}

/// A response that holds one object (`vpc`, `subnet`, …) among other members.
struct EC2ObjectResponse<Object: EC2Element>: EC2Decodable {
    var object: Object?
    init() {}
    mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        if name == Object.responseElement { object = try d.decode() } else { try d.skip() }
    }
}

/// A flat response with `return` and simple members (`groupId`, `associationId`, …).
struct EC2FlatResponse: EC2Decodable {
    var values: [String: String] = [:]
    init() {}
    mutating func decodeChild(_ name: String, _ d: EC2ResponseDecoder) throws {
        if name == "requestId" { try d.skip() } else { values[name] = try d.string() }
    }
}
