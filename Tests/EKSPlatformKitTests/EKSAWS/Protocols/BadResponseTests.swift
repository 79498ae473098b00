import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("Damaged responses become typed errors naming service and operation")
struct BadResponseTests {
    static let vpcs = """
        <?xml version="1.0" encoding="utf-8"?><DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">\
        <vpcSet><item><vpcId>vpc-1</vpcId><state>available</state><cidrBlock>10.0.0.0/16</cidrBlock></item></vpcSet>\
        </DescribeVpcsResponse>
        """

    func clientError(_ body: () async throws -> Void) async -> AWSClientError? {
        await ClientTests.error(AWSClientError.self, body)
    }

    @Test func ec2TruncatedHTMLWrongRootEmptyAndBadValues() async throws {
        let cases: [(String, ScriptedTransport.Step, String)] = [
            ("truncated", ScriptedTransport.xml(200, String(Self.vpcs.prefix(Self.vpcs.count / 2))), "malformed XML"),
            (
                "html", ClientTests.raw(200, "text/html", Array("<html><body><h1>Gateway</h1></body></html>".utf8)),
                "expected <DescribeVpcsResponse>, got <html>"
            ),
            (
                "wrong root", ScriptedTransport.xml(200, "<DescribeSubnetsResponse><subnetSet/></DescribeSubnetsResponse>"),
                "expected <DescribeVpcsResponse>, got <DescribeSubnetsResponse>"
            ),
            ("empty", ScriptedTransport.xml(200, ""), "malformed XML"),
            ("not xml", ClientTests.raw(200, "application/json", Array(#"{"vpcs":[]}"#.utf8)), "malformed XML"),
            (
                "bad bool",
                ScriptedTransport.xml(
                    200,
                    "<DescribeVpcsResponse><vpcSet><item><isDefault>maybe</isDefault></item></vpcSet></DescribeVpcsResponse>"
                ),
                "\"maybe\" is not a boolean"
            ),
            (
                "missing id",
                ScriptedTransport.xml(
                    200,
                    "<DescribeVpcsResponse><vpcSet><item><state>available</state></item></vpcSet></DescribeVpcsResponse>"
                ),
                "a Vpc without <vpcId>"
            ),
            (
                "empty id",
                ScriptedTransport.xml(
                    200,
                    "<DescribeVpcsResponse><vpcSet><item><vpcId></vpcId></item></vpcSet></DescribeVpcsResponse>"
                ),
                "a Vpc without <vpcId>"
            ),
            (
                "empty item",
                ScriptedTransport.xml(200, "<DescribeVpcsResponse><vpcSet><item/></vpcSet></DescribeVpcsResponse>"),
                "a Vpc without <vpcId>"
            ),
        ]
        for (label, step, expected) in cases {
            let (client, _) = try ClientTests.scripted([step])
            let error = await clientError { _ = try await EC2Client(client: client).describeVpcs() }
            #expect(error?.code == .invalidResponse, "\(label)")
            #expect(error?.service == "ec2" && error?.operation == "DescribeVpcs", "\(label)")
            #expect(error?.message.contains(expected) == true, "\(label): \(String(describing: error))")
            #expect((error?.message.count ?? 0) < 400, "\(label): the snippet stays short")
        }
        // The good document decodes, so the cases above fail for their damage only.
        let (client, _) = try ClientTests.scripted([ScriptedTransport.xml(200, Self.vpcs)])
        #expect(try await EC2Client(client: client).describeVpcs().map(\.vpcId) == ["vpc-1"])
    }

    @Test func damageInsideASkippedElementIsStillFound() throws {
        // The decoder lets libxml2 skip elements it does not read; a document cut off inside one must still fail.
        let cut = "<DescribeVpcsResponse><vpcSet><item><vpcId>vpc-1</vpcId><cidrBlockAssociationSet><item><a>"
        let mismatched = "<DescribeVpcsResponse><vpcSet><item><unknown><x></y></unknown></item></vpcSet></DescribeVpcsResponse>"
        for document in [cut, mismatched] {
            #expect(throws: AWSClientError.self, "\(document)") {
                _ = try EC2ResponseDecoder.decode(
                    EC2ListResponse<EC2Vpc>.self,
                    from: Array(document.utf8),
                    operation: "DescribeVpcs"
                )
            }
        }
    }

    @Test func createWithoutItsObjectIsAnError() async throws {
        let (client, _) = try ClientTests.scripted([
            ScriptedTransport.xml(200, "<CreateVpcResponse><requestId>r</requestId></CreateVpcResponse>")
        ])
        let error = await clientError { _ = try await EC2Client(client: client).createVpc(cidrBlock: "10.0.0.0/16") }
        #expect(error?.code == .invalidResponse && error?.message.contains("<vpc>") == true)
        let (falseClient, _) = try ClientTests.scripted([
            ScriptedTransport.xml(200, "<DeleteVpcResponse><return>false</return></DeleteVpcResponse>")
        ])
        let refused = await clientError { try await EC2Client(client: falseClient).deleteVpc(vpcId: "vpc-1") }
        #expect(refused?.code == .invalidResponse && refused?.operation == "DeleteVpc")
    }

    @Test func iamMalformedAndUnexpected() async throws {
        let (client, _) = try ClientTests.scripted([
            ScriptedTransport.xml(200, "<GetRoleResponse><GetRoleResult><Role><RoleName>x")
        ])
        let truncated = await clientError { _ = try await IAMClient(client: client).getRole(roleName: "x") }
        #expect(truncated?.code == .invalidResponse && truncated?.service == "iam" && truncated?.operation == "GetRole")
        let (client2, _) = try ClientTests.scripted([
            ScriptedTransport.xml(
                200,
                "<GetRoleResponse><GetRoleResult><Role><RoleName>x</RoleName></Role></GetRoleResult></GetRoleResponse>"
            )
        ])
        let missing = await clientError { _ = try await IAMClient(client: client2).getRole(roleName: "x") }
        #expect(missing?.message.contains("<Arn>") == true)
    }

    @Test func jsonTruncatedHTMLAndWrongShape() async throws {
        let cases: [(ScriptedTransport.Step, String)] = [
            (ClientTests.json(200, #"{"cluster": {"name": "demo", "sta"#), "malformed JSON"),
            (ClientTests.raw(200, "text/html", Array("<html>oops</html>".utf8)), "malformed JSON"),
            (ClientTests.json(200, #"{"nodegroup": {"nodegroupName": "x"}}"#), "missing .cluster"),
            (ClientTests.json(200, #"{"cluster": {"name": 5, "status": "ACTIVE"}}"#), "wrong type at .cluster.name"),
        ]
        for (step, expected) in cases {
            let (client, _) = try ClientTests.scripted([step])
            let error = await clientError { _ = try await EKSClient(client: client).describeCluster(name: "demo") }
            #expect(error?.code == .invalidResponse && error?.service == "eks" && error?.operation == "DescribeCluster")
            #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        }
        let (sqs, _) = try ClientTests.scripted([ClientTests.json(200, #"{"QueueUrl": null}"#)])
        let noURL = await clientError { _ = try await SQSClient(client: sqs).getQueueUrl(queueName: "q") }
        #expect(noURL?.code == .invalidResponse && noURL?.service == "sqs" && noURL?.operation == "GetQueueUrl")
        let (events, _) = try ClientTests.scripted([ClientTests.json(200, "[1,2")])
        let bad = await clientError { _ = try await EventBridgeClient(client: events).describeRule(name: "r") }
        #expect(bad?.code == .invalidResponse && bad?.service == "events" && bad?.operation == "DescribeRule")
    }

    @Test func unknownErrorCodesAndHTMLErrorsKeepTheirCode() async throws {
        let (client, _) = try ClientTests.scripted([
            ClientTests.json(400, #"{"__type":"com.amazonaws.sqs#BrandNewError","message":"new"}"#)
        ])
        let error = await ClientTests.error(AWSServiceError.self) {
            _ = try await SQSClient(client: client).getQueueUrl(queueName: "q")
        }
        #expect(error?.code == "BrandNewError" && error?.message == "new" && error?.operation == "GetQueueUrl")
        let (html, _) = try ClientTests.scripted([
            ClientTests.raw(404, "text/html", Array("<html><h1>Not Found</h1></html>".utf8))
        ])
        let page = await ClientTests.error(AWSServiceError.self) { _ = try await EKSClient(client: html).listClusters() }
        #expect(page?.code == "NonAWSResponse" && page?.service == "eks" && page?.operation == "ListClusters")
        #expect(page?.message.contains("Not Found") == true)
    }

    @Test func emulatorFaultsOnTheWire() async throws {
        let (emulator, session) = try await ClientTests.session(region: "sa-east-1")
        for kind in ["truncate", "html", "wrong-content-type"] {
            try await emulator.post(
                "/_emulator/faults",
                body: #"{"rules":[{"service":"ec2","operation":"DescribeAvailabilityZones","kind":"\#(kind)","count":1}]}"#
            )
            do {
                let zones = try await session.ec2.describeAvailabilityZones()
                // A wrong content type alone does not damage the body, so that one decodes.
                #expect(kind == "wrong-content-type" && zones.count >= 3, "\(kind) gave \(zones.count) zones")
            } catch let error as AWSClientError {
                #expect(error.operation == "DescribeAvailabilityZones" || error.code == .transport, "\(kind): \(error)")
            } catch let error as AWSServiceError {
                #expect(error.operation == "DescribeAvailabilityZones" && error.service == "ec2", "\(kind): \(error)")
                #expect(error.code == "NonAWSResponse" || error.statusCode == 500, "\(kind): \(error)")
            }
        }
        #expect(try await session.ec2.describeAvailabilityZones().count >= 3)
    }
}
