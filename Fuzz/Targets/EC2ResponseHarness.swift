import EKSPlatformKit

/// Any `…Set` list of one EC2 shape, as in `DescribeVpcs` (`vpcSet`) or `DescribeSubnets` (`subnetSet`).
struct FuzzEC2List<Item: EC2Decodable>: EC2Decodable {
    var items: [Item] = []
    var nextToken: String?
    init() {}
    mutating func decodeChild(_ name: String, _ decoder: EC2ResponseDecoder) throws {
        if name == "nextToken" {
            nextToken = try decoder.string()
        } else if name.hasSuffix("Set") {
            items += try decoder.list()
        } else {
            try decoder.skip()
        }
    }
}

extension FuzzHarness {
    /// The streaming EC2 response decoder with the shapes the platform reads.
    public static let ec2Response = FuzzHarness(name: "FuzzEC2Response") { bytes in
        let decoders: [(String, ([UInt8], String) throws -> Void)] = [
            ("DescribeVpcs", { _ = try EC2ResponseDecoder.decode(FuzzEC2List<EC2Vpc>.self, from: $0, operation: $1) }),
            ("DescribeSubnets", { _ = try EC2ResponseDecoder.decode(FuzzEC2List<EC2Subnet>.self, from: $0, operation: $1) }),
            ("DescribeInstances", { _ = try EC2ResponseDecoder.decode(EC2DescribeInstancesPage.self, from: $0, operation: $1) }),
            (
                "DescribeSecurityGroups",
                {
                    _ = try EC2ResponseDecoder.decode(FuzzEC2List<EC2SecurityGroup>.self, from: $0, operation: $1)
                }
            ),
            (
                "DescribeRouteTables",
                {
                    _ = try EC2ResponseDecoder.decode(FuzzEC2List<EC2RouteTable>.self, from: $0, operation: $1)
                }
            ),
            (
                "DescribeNatGateways",
                {
                    _ = try EC2ResponseDecoder.decode(FuzzEC2List<EC2NatGateway>.self, from: $0, operation: $1)
                }
            ),
            (
                "DescribeNetworkInterfaces",
                {
                    _ = try EC2ResponseDecoder.decode(FuzzEC2List<EC2NetworkInterface>.self, from: $0, operation: $1)
                }
            ),
            (
                "DescribeLaunchTemplates",
                {
                    _ = try EC2ResponseDecoder.decode(FuzzEC2List<EC2LaunchTemplate>.self, from: $0, operation: $1)
                }
            ),
            ("DescribeAddresses", { _ = try EC2ResponseDecoder.decode(FuzzEC2List<EC2Address>.self, from: $0, operation: $1) }),
        ]
        for (operation, decode) in decoders {
            do {
                try decode(bytes, operation)
            } catch let error as AWSClientError {
                guard error.code == .invalidResponse, error.service == "ec2", error.operation == operation else {
                    throw FuzzInvariantViolation(
                        "FuzzEC2Response",
                        "\(operation): error without service/operation or wrong code: \(error)"
                    )
                }
            } catch {
                throw FuzzInvariantViolation("FuzzEC2Response", "\(operation): untyped error \(type(of: error)): \(error)")
            }
        }
    }
}
