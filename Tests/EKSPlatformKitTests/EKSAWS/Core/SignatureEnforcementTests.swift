import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("moto with signature checking on accepts our signatures")
struct SignatureEnforcementTests {
    func client(_ emulator: AWSEmulator, _ credentials: AWSCredentials) throws -> AWSClient {
        AWSClient(
            region: try AWSRegion("us-west-2"),
            credentialProvider: StaticCredentialProvider(credentials),
            endpoints: AWSEndpointResolver(explicitEndpoint: emulator.endpoint, environment: [:], shared: nil),
            retry: AWSRetryStrategy(maxAttempts: 1, sleeper: { _ in }),
            transport: TestHTTP.transport
        )
    }

    func query(_ operation: String, _ service: AWSServiceDescriptor, _ pairs: [(String, String)] = []) -> AWSCall {
        var parameters = QueryParameters(service.wireProtocol == .ec2 ? .ec2 : .query)
        for (name, value) in pairs { parameters.set(name, value) }
        return AWSCall.query(operation, parameters, version: service.apiVersion, isMutating: false)
    }

    @Test func signedRequestsAreAcceptedAndBadOnesRejected() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        // After three more requests moto verifies every signature against the keys in its IAM.
        try await emulator.post("/moto-api/reset-auth", body: "3", contentType: "text/plain")
        let bootstrap = try client(emulator, AWSEmulator.credentials)
        _ = try await bootstrap.execute(query("CreateUser", .iam, [("UserName", "ci")]), service: .iam)
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        _ = try await bootstrap.execute(
            query("PutUserPolicy", .iam, [("UserName", "ci"), ("PolicyName", "all"), ("PolicyDocument", policy)]),
            service: .iam
        )
        let created = try await bootstrap.execute(query("CreateAccessKey", .iam, [("UserName", "ci")]), service: .iam)
        let key = try #require(try XMLTree.parse(created.body)["CreateAccessKeyResult", "AccessKey"])
        let credentials = AWSCredentials(
            accessKeyID: try #require(key.string("AccessKeyId")),
            secretAccessKey: try #require(key.string("SecretAccessKey"))
        )
        defer { Task { try? await emulator.post("/moto-api/reset-auth", body: "inf", contentType: "text/plain") } }

        let good = try client(emulator, credentials)
        let vpcs = try await good.execute(query("DescribeVpcs", .ec2), service: .ec2)
        #expect(try XMLTree.parse(vpcs.body).name == "DescribeVpcsResponse")
        let users = try await good.execute(query("ListUsers", .iam), service: .iam)
        #expect(String(decoding: users.body, as: UTF8.self).contains("<UserName>ci</UserName>"))
        let identity = try await STSClient(client: good).getCallerIdentity()
        #expect(identity.arn.hasSuffix(":user/ci"))

        var wrong = credentials
        wrong.secretAccessKey = "not-the-secret"
        let bad = try client(emulator, wrong)
        let ec2Error = await #expect(throws: AWSServiceError.self) {
            try await bad.execute(query("DescribeVpcs", .ec2), service: .ec2)
        }
        #expect(ec2Error?.code == "AuthFailure", "\(String(describing: ec2Error))")
        #expect(ec2Error?.statusCode == 401)
        let stsError = await #expect(throws: AWSServiceError.self) { try await STSClient(client: bad).getCallerIdentity() }
        #expect(stsError?.code == "SignatureDoesNotMatch")
        let iamError = await #expect(throws: AWSServiceError.self) {
            try await bad.execute(query("ListUsers", .iam), service: .iam)
        }
        #expect(iamError?.code == "SignatureDoesNotMatch")
        #expect(iamError?.service == "iam" && iamError?.operation == "ListUsers")
    }
}
