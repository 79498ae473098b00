import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("Error decoding from moto's recorded bodies", .enabled(if: PackagePaths.shared != nil, "needs ../shared/fixtures"))
struct ErrorDecodingTests {
    func fixture(_ name: String) throws -> (body: [UInt8], status: Int, headers: [(name: String, value: String)]) {
        let dir = try #require(PackagePaths.shared).appendingPathComponent("fixtures/moto")
        let body = try [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("index.json")))
        var status = 400
        var headers: [(name: String, value: String)] = []
        if let entries = (index as? [String: Any])?["files"] as? [String: Any] ?? index as? [String: Any],
            let entry = entries[name] as? [String: Any]
        {
            status = entry["status"] as? Int ?? 400
            for (key, value) in entry["headers"] as? [String: String] ?? [:] { headers.append((key, value)) }
        }
        return (body, status, headers)
    }

    func decode(_ name: String, _ service: AWSServiceDescriptor, _ operation: String) throws -> AWSServiceError {
        let f = try fixture(name)
        return AWSErrorDecoder.decode(
            AWSHTTPResponse(statusCode: f.status, headers: f.headers, body: f.body),
            service: service,
            operation: operation
        )
    }

    @Test func ec2Errors() throws {
        let notFound = try decode("ec2-error-InvalidSubnetID.NotFound.xml", .ec2, "DescribeSubnets")
        #expect(notFound.code == "InvalidSubnetID.NotFound")
        #expect(notFound.message.contains("subnet"))
        #expect(notFound.requestID != nil)
        let dependency = try decode("ec2-error-DependencyViolation-DeleteVpc.xml", .ec2, "DeleteVpc")
        #expect(dependency.code == "DependencyViolation")
        #expect(dependency.service == "ec2" && dependency.operation == "DeleteVpc")
    }

    @Test func queryErrors() throws {
        let conflict = try decode("iam-error-DeleteConflict.xml", .iam, "DeleteRole")
        #expect(conflict.code == "DeleteConflict")
        #expect(!conflict.message.isEmpty)
        #expect(try decode("iam-error-NoSuchEntity.xml", .iam, "GetRole").code == "NoSuchEntity")
    }

    @Test func jsonErrors() throws {
        let queue = try decode("sqs-error-QueueDoesNotExist.json", .sqs, "GetQueueUrl")
        #expect(queue.code == "QueueDoesNotExist")
        let rule = try decode("events-error-DeleteRule-with-targets.json", .eventBridge, "DeleteRule")
        #expect(rule.code == "ValidationException")
        #expect(rule.message.contains("target"))
    }

    @Test func restJSONErrors() throws {
        let recorded = try decode("eks-error-ResourceNotFoundException.json", .eks, "DescribeCluster")
        #expect(recorded.code == "ResourceNotFoundException" && recorded.statusCode == 404)
        #expect(recorded.requestID?.isEmpty == false)
        let missing = AWSErrorDecoder.decode(
            AWSHTTPResponse(
                statusCode: 404,
                headers: [("X-Amzn-ErrorType", "ResourceNotFoundException")],
                body: try fixture("eks-error-ResourceNotFoundException.json").body
            ),
            service: .eks,
            operation: "DescribeCluster"
        )
        #expect(missing.code == "ResourceNotFoundException")
        #expect(missing.message.contains("not found") || missing.message.contains("No cluster"))
        let inUse = AWSErrorDecoder.decode(
            AWSHTTPResponse(
                statusCode: 409,
                headers: [("x-amzn-errortype", "ResourceInUseException:http://internal/")],
                body: try fixture("eks-error-ResourceInUseException.json").body
            ),
            service: .eks,
            operation: "CreateCluster"
        )
        #expect(inUse.code == "ResourceInUseException")
    }

    @Test("HTML pages become a clear non-AWS error with a snippet")
    func htmlPages() throws {
        let page = try decode("eks-error-404-unimplemented-CreateAddon.html", .eks, "CreateAddon")
        #expect(page.code == "NonAWSResponse")
        #expect(page.message.contains("not an AWS error"))
        #expect(page.message.contains("Not Found"))
        let crash = AWSErrorDecoder.decode(
            AWSHTTPResponse(
                statusCode: 500,
                headers: [("content-type", "text/html")],
                body: try fixture("moto-500-FilterNotImplemented.html").body
            ),
            service: .ec2,
            operation: "DescribeVpcs"
        )
        #expect(crash.code == "NonAWSResponse" && crash.isRetryable)
        let garbage = AWSErrorDecoder.decode(
            AWSHTTPResponse(statusCode: 400, body: Array("<Response><Errors>".utf8)),
            service: .ec2,
            operation: "X"
        )
        #expect(garbage.code == "NonAWSResponse")
    }
}
