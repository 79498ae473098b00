import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("IAM client against the emulator")
struct IAMClientIntegrationTests {
    static func trustPolicy(_ service: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"\#(service)"},"#
            + #""Action":"sts:AssumeRole"}]}"#
    }
    static let trust = trustPolicy("eks.amazonaws.com")
    static let ec2Trust = trustPolicy("ec2.amazonaws.com")
    static let policy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}"#
    static let policy2 = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#

    @Test func rolesAndPolicies() async throws {
        let log = AttemptLog()
        let (_, session) = try await ClientTests.session(region: "us-west-2", observer: log.observer)
        let iam = session.iam
        let name = "role-\(ClientTests.unique())"

        let role = try await iam.createRole(
            roleName: name,
            assumeRolePolicyDocument: Self.trust,
            description: "cluster role",
            maxSessionDuration: 7200,
            tags: [IAMTag(key: "eksplatform.io/cluster", value: "demo")]
        )
        #expect(role.roleName == name && role.arn.hasSuffix(":role/\(name)") && role.createDate != nil)
        let duplicate = await ClientTests.error(AWSServiceError.self) {
            _ = try await iam.createRole(roleName: name, assumeRolePolicyDocument: Self.trust)
        }
        #expect(duplicate?.code == "EntityAlreadyExists" && duplicate?.service == "iam")

        try await iam.tagRole(roleName: name, tags: [IAMTag(key: "team", value: "platform")])
        try await iam.updateAssumeRolePolicy(roleName: name, policyDocument: Self.ec2Trust)
        let fetched = try await iam.getRole(roleName: name)
        // The document comes back URL-encoded on the wire; the client hands out plain JSON.
        let document = try #require(fetched.assumeRolePolicyDocument)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        let statement = try #require((parsed["Statement"] as? [[String: Any]])?.first)
        #expect((statement["Principal"] as? [String: String])?["Service"] == "ec2.amazonaws.com")
        #expect(
            Dictionary(uniqueKeysWithValues: fetched.tags.map { ($0.key, $0.value) })
                == ["eksplatform.io/cluster": "demo", "team": "platform"]
        )
        #expect(fetched.maxSessionDuration == 7200 && fetched.description == "cluster role")

        let managed = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
        try await iam.attachRolePolicy(roleName: name, policyArn: managed)
        #expect(try await iam.listAttachedRolePolicies(roleName: name).map(\.policyArn) == [managed])
        let conflict = await ClientTests.error(AWSServiceError.self) { try await iam.deleteRole(roleName: name) }
        #expect(conflict?.code == "DeleteConflict" && conflict?.operation == "DeleteRole")
        try await iam.detachRolePolicy(roleName: name, policyArn: managed)
        #expect(try await iam.listAttachedRolePolicies(roleName: name).isEmpty)

        try await iam.putRolePolicy(roleName: name, policyName: "inline", policyDocument: Self.policy)
        #expect(try await iam.listRolePolicies(roleName: name) == ["inline"])
        let inline = try await iam.getRolePolicy(roleName: name, policyName: "inline")
        #expect(inline.contains(#""ec2:DescribeInstances""#) && inline.hasPrefix("{"))
        try await iam.deleteRolePolicy(roleName: name, policyName: "inline")
        #expect(try await iam.listRolePolicies(roleName: name).isEmpty)

        let created = try await iam.createPolicy(
            policyName: "\(name)-policy",
            policyDocument: Self.policy,
            description: "karpenter",
            tags: [IAMTag(key: "eksplatform.io/cluster", value: "demo")]
        )
        #expect(created.defaultVersionId == "v1" && created.arn.hasSuffix(":policy/\(name)-policy"))
        let got = try await iam.getPolicy(policyArn: created.arn)
        #expect(got.policyName == "\(name)-policy" && got.attachmentCount == 0)
        let v2 = try await iam.createPolicyVersion(policyArn: created.arn, policyDocument: Self.policy2, setAsDefault: true)
        #expect(v2.versionId == "v2" && v2.isDefaultVersion)
        let versions = try await iam.listPolicyVersions(policyArn: created.arn)
        #expect(Set(versions.map(\.versionId)) == ["v1", "v2"])
        #expect(versions.first { $0.versionId == "v2" }?.isDefaultVersion == true)
        try await iam.deletePolicyVersion(policyArn: created.arn, versionId: "v1")
        #expect(try await iam.listPolicyVersions(policyArn: created.arn).map(\.versionId) == ["v2"])
        try await iam.deletePolicy(policyArn: created.arn)
        let noPolicy = await ClientTests.error(AWSServiceError.self) { _ = try await iam.getPolicy(policyArn: created.arn) }
        #expect(noPolicy?.code == "NoSuchEntity")

        try await iam.deleteRole(roleName: name)
        let missing = await ClientTests.error(AWSServiceError.self) { _ = try await iam.getRole(roleName: name) }
        #expect(missing?.code == "NoSuchEntity" && missing?.statusCode == 404)

        for record in log.all {
            let isRead = ["Get", "List"].contains { record.operation.hasPrefix($0) }
            #expect(record.isMutating == !isRead, "\(record.operation)")
        }
    }

    @Test func instanceProfilesAndOIDCProviders() async throws {
        let (_, session) = try await ClientTests.session(region: "us-west-2")
        let iam = session.iam
        let suffix = ClientTests.unique()
        let roleName = "KarpenterNodeRole-\(suffix)"
        let profileName = "KarpenterProfile-\(suffix)"
        _ = try await iam.createRole(roleName: roleName, assumeRolePolicyDocument: Self.ec2Trust)
        let profile = try await iam.createInstanceProfile(
            instanceProfileName: profileName,
            tags: [IAMTag(key: "karpenter.k8s.aws/cluster", value: suffix)]
        )
        #expect(profile.instanceProfileName == profileName && profile.roles.isEmpty)
        try await iam.addRoleToInstanceProfile(instanceProfileName: profileName, roleName: roleName)
        let fetched = try await iam.getInstanceProfile(instanceProfileName: profileName)
        #expect(fetched.roles.map(\.roleName) == [roleName])
        #expect(fetched.roles.first?.assumeRolePolicyDocument?.contains("ec2.amazonaws.com") == true)
        #expect(try await iam.listInstanceProfilesForRole(roleName: roleName).map(\.instanceProfileName) == [profileName])
        #expect(fetched.tags == [IAMTag(key: "karpenter.k8s.aws/cluster", value: suffix)])
        let listed = try await iam.listInstanceProfiles().first { $0.instanceProfileName == profileName }
        #expect(listed?.tags == [], "ListInstanceProfiles returns no tags, as on AWS")

        let stillInProfile = await ClientTests.error(AWSServiceError.self) { try await iam.deleteRole(roleName: roleName) }
        #expect(stillInProfile?.code == "DeleteConflict")
        let hasRole = await ClientTests.error(AWSServiceError.self) {
            try await iam.deleteInstanceProfile(instanceProfileName: profileName)
        }
        #expect(hasRole?.code == "DeleteConflict")
        try await iam.removeRoleFromInstanceProfile(instanceProfileName: profileName, roleName: roleName)
        try await iam.deleteInstanceProfile(instanceProfileName: profileName)
        try await iam.deleteRole(roleName: roleName)
        let gone = await ClientTests.error(AWSServiceError.self) {
            _ = try await iam.getInstanceProfile(instanceProfileName: profileName)
        }
        #expect(gone?.code == "NoSuchEntity")

        let url = "https://oidc.eks.us-west-2.amazonaws.com/id/\(suffix.uppercased())"
        let arn = try await iam.createOpenIDConnectProvider(
            url: url,
            clientIDList: ["sts.amazonaws.com"],
            thumbprintList: [String(repeating: "a", count: 40)],
            tags: [IAMTag(key: "eksplatform.io/cluster", value: suffix)]
        )
        #expect(arn.hasSuffix(":oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/\(suffix.uppercased())"))
        let provider = try await iam.getOpenIDConnectProvider(arn: arn)
        #expect(provider.url == "oidc.eks.us-west-2.amazonaws.com/id/\(suffix.uppercased())")
        #expect(provider.clientIDList == ["sts.amazonaws.com"])
        #expect(provider.thumbprintList == [String(repeating: "a", count: 40)])
        let again = await ClientTests.error(AWSServiceError.self) {
            _ = try await iam.createOpenIDConnectProvider(url: url, clientIDList: ["sts.amazonaws.com"])
        }
        #expect(again?.code == "EntityAlreadyExists")
        try await iam.deleteOpenIDConnectProvider(arn: arn)
        let noProvider = await ClientTests.error(AWSServiceError.self) { _ = try await iam.getOpenIDConnectProvider(arn: arn) }
        #expect(noProvider?.code == "NoSuchEntity")
    }
}
