import Foundation

// Shapes of the IAM operations the platform uses; names follow botocore's `iam/2010-05-08` model.

/// IAM's `Tag` shape as the API returns it: the members this library reads.
public struct IAMTag: Sendable, Equatable {
    public var key: String
    public var value: String

    /// Creates a tag.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Tags from a dictionary, sorted by key.
    public static func from(_ tags: [String: String]) -> [IAMTag] {
        tags.keys.sorted().map { IAMTag(key: $0, value: tags[$0] ?? "") }
    }

    static func list(_ element: XMLTree?) -> [IAMTag] {
        (element?.items ?? []).map { IAMTag(key: $0.string("Key") ?? "", value: $0.string("Value") ?? "") }
    }
}

/// IAM's `Role` shape as the API returns it: the members this library reads.
public struct IAMRole: Sendable, Equatable {
    public var roleName: String
    /// The unique id.
    public var roleId: String
    public var arn: String
    public var path: String
    /// When it was created.
    public var createDate: Date?
    /// The trust policy, URL-decoded to plain JSON.
    public var assumeRolePolicyDocument: String?
    public var description: String?
    /// The maximum session length in seconds.
    public var maxSessionDuration: Int?
    public var tags: [IAMTag]

    init(_ e: XMLTree, operation: String) throws {
        roleName = try IAMClient.require(e, "RoleName", operation)
        roleId = e.string("RoleId") ?? ""
        arn = try IAMClient.require(e, "Arn", operation)
        path = e.string("Path") ?? "/"
        createDate = e.string("CreateDate").flatMap(EC2Timestamp.parse)
        assumeRolePolicyDocument = e.string("AssumeRolePolicyDocument").map(IAMClient.decodePolicyDocument)
        description = e.string("Description")
        maxSessionDuration = e.string("MaxSessionDuration").flatMap { Int($0) }
        tags = IAMTag.list(e.child("Tags"))
    }
}

/// An `AttachedPolicy`.
public struct IAMAttachedPolicy: Sendable, Equatable {
    public var policyName: String
    public var policyArn: String
}

/// A managed `Policy`.
public struct IAMPolicy: Sendable, Equatable {
    public var policyName: String
    public var policyId: String
    public var arn: String
    public var path: String
    /// The default version, e.g. `v1`.
    public var defaultVersionId: String?
    /// How many identities it is attached to.
    public var attachmentCount: Int?
    /// When it was created.
    public var createDate: Date?
    public var tags: [IAMTag]

    init(_ e: XMLTree, operation: String) throws {
        policyName = try IAMClient.require(e, "PolicyName", operation)
        policyId = e.string("PolicyId") ?? ""
        arn = try IAMClient.require(e, "Arn", operation)
        path = e.string("Path") ?? "/"
        defaultVersionId = e.string("DefaultVersionId")
        attachmentCount = e.string("AttachmentCount").flatMap { Int($0) }
        createDate = e.string("CreateDate").flatMap(EC2Timestamp.parse)
        tags = IAMTag.list(e.child("Tags"))
    }
}

/// A `PolicyVersion`.
public struct IAMPolicyVersion: Sendable, Equatable {
    /// `v1`, `v2`, …
    public var versionId: String
    /// Whether it is the default.
    public var isDefaultVersion: Bool
    /// The document, URL-decoded (present in CreatePolicyVersion/GetPolicyVersion answers only).
    public var document: String?
    /// When it was created.
    public var createDate: Date?

    init(_ e: XMLTree, operation: String) throws {
        versionId = try IAMClient.require(e, "VersionId", operation)
        isDefaultVersion = e.string("IsDefaultVersion") == "true"
        document = e.string("Document").map(IAMClient.decodePolicyDocument)
        createDate = e.string("CreateDate").flatMap(EC2Timestamp.parse)
    }
}

/// An `InstanceProfile`.
public struct IAMInstanceProfile: Sendable, Equatable {
    public var instanceProfileName: String
    public var instanceProfileId: String
    public var arn: String
    public var path: String
    /// When it was created.
    public var createDate: Date?
    /// The role in it (at most one).
    public var roles: [IAMRole]
    public var tags: [IAMTag]

    init(_ e: XMLTree, operation: String) throws {
        instanceProfileName = try IAMClient.require(e, "InstanceProfileName", operation)
        instanceProfileId = e.string("InstanceProfileId") ?? ""
        arn = try IAMClient.require(e, "Arn", operation)
        path = e.string("Path") ?? "/"
        createDate = e.string("CreateDate").flatMap(EC2Timestamp.parse)
        roles = try (e.child("Roles")?.items ?? []).map { try IAMRole($0, operation: operation) }
        tags = IAMTag.list(e.child("Tags"))
    }
}

/// An OpenID Connect provider (`GetOpenIDConnectProvider`).
public struct IAMOpenIDConnectProvider: Sendable, Equatable {
    public var arn: String
    /// The issuer URL without `https://`, as IAM returns it.
    public var url: String
    /// The audiences.
    public var clientIDList: [String]
    /// The certificate thumbprints.
    public var thumbprintList: [String]
    /// When it was created.
    public var createDate: Date?
    public var tags: [IAMTag]
}
