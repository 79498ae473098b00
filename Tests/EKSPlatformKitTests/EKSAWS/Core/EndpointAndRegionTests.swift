import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("Regions and endpoints")
struct EndpointAndRegionTests {
    @Test func standardEndpointsPerPartition() throws {
        let resolver = AWSEndpointResolver(environment: [:], shared: nil)
        let usw2 = try AWSRegion("us-west-2")
        #expect(try resolver.resolve(.ec2, region: usw2).url.absoluteString == "https://ec2.us-west-2.amazonaws.com")
        #expect(try resolver.resolve(.iam, region: usw2) == (URL(string: "https://iam.amazonaws.com")!, "us-east-1"))
        #expect(try resolver.resolve(.eventBridge, region: usw2).url.host == "events.us-west-2.amazonaws.com")
        let cn = try AWSRegion("cn-northwest-1")
        #expect(try resolver.resolve(.eks, region: cn).url.host == "eks.cn-northwest-1.amazonaws.com.cn")
        #expect(try resolver.resolve(.iam, region: cn).signingRegion == "cn-north-1")
        let gov = try AWSRegion("us-gov-east-1")
        #expect(gov.partition.id == "aws-us-gov")
        #expect(try resolver.resolve(.iam, region: gov).url.host == "iam.us-gov.amazonaws.com")
        #expect(try resolver.resolve(.sts, region: gov).url.host == "sts.us-gov-east-1.amazonaws.com")
    }

    @Test func unknownRegionIsRefused() {
        let error = #expect(throws: AWSClientError.self) { try AWSRegion("us-west-9") }
        #expect(error?.code == .invalidRegion)
        #expect(error?.message.contains("us-west-9") == true)
        #expect((try? AWSRegion("local-test-1", allowUnknown: true)) != nil)
        #expect((try? AWSRegion("not a region", allowUnknown: true)) == nil)
    }

    @Test("endpoint overrides follow the SDK order")
    func overrideOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config")
        try """
        [profile dev]
        region = eu-west-1
        endpoint_url = https://profile-global:1
        services = local

        [services local]
        eks =
          endpoint_url = https://profile-eks:2
        """.write(to: config, atomically: true, encoding: .utf8)
        var env = ["AWS_CONFIG_FILE": config.path, "AWS_SHARED_CREDENTIALS_FILE": dir.appendingPathComponent("none").path]
        let shared = try AWSSharedConfiguration(profile: "dev", environment: env)
        let region = try AWSRegion("eu-west-1")
        func host(_ service: AWSServiceDescriptor, explicit: URL? = nil) throws -> String? {
            try AWSEndpointResolver(explicitEndpoint: explicit, environment: env, shared: shared)
                .resolve(service, region: region).url.host
        }
        #expect(try host(.eks) == "profile-eks")
        #expect(try host(.ec2) == "profile-global")
        env["AWS_ENDPOINT_URL"] = "https://env-global:3"
        #expect(try host(.ec2) == "env-global")
        #expect(try host(.eks) == "profile-eks")
        env["AWS_ENDPOINT_URL_EKS"] = "https://env-eks:4"
        #expect(try host(.eks) == "env-eks")
        #expect(try host(.eks, explicit: URL(string: "https://flag:5")) == "flag")
        env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        #expect(try host(.eks) == "eks.eu-west-1.amazonaws.com")
        env = ["AWS_ENDPOINT_URL_SQS": "ftp://nope"]
        let error = #expect(throws: AWSClientError.self) {
            try AWSEndpointResolver(environment: env, shared: nil).resolve(.sqs, region: region)
        }
        #expect(error?.message.contains("AWS_ENDPOINT_URL_SQS") == true)
    }

    @Test("query parameters flatten per flavour")
    func queryFlattening() {
        var ec2 = QueryParameters(.ec2)
        ec2.setList("Filter", [("tag:team", ["a", "b"])]) { q, prefix, filter in
            q.set("\(prefix).Name", filter.0)
            q.setList("\(prefix).Value", filter.1)
        }
        #expect(
            ec2.body(action: "DescribeVpcs", version: "2016-11-15")
                == "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3Ateam&Filter.1.Value.1=a&Filter.1.Value.2=b"
        )
        var iam = QueryParameters(.query)
        iam.setList("Tags", [("k", "v w")]) { q, prefix, tag in
            q.set("\(prefix).Key", tag.0)
            q.set("\(prefix).Value", tag.1)
        }
        #expect(
            iam.body(action: "TagRole", version: "2010-05-08")
                == "Action=TagRole&Version=2010-05-08&Tags.member.1.Key=k&Tags.member.1.Value=v%20w"
        )
    }
}
