import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// botocore's service models, read once from the installed botocore (`python3 -c "import botocore…"`).
enum BotocoreModels {
    static let directory: URL? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let url = URL(fileURLWithPath: path).appendingPathComponent("data")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// The model of `service` at `version` (plain or gzip-compressed JSON).
    static func load(_ service: String, _ version: String) throws -> [String: Any] {
        let base = try #require(directory).appendingPathComponent("\(service)/\(version)/service-2.json")
        let data: Data
        if FileManager.default.fileExists(atPath: base.path) {
            data = try Data(contentsOf: base)
        } else {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gzip", "-dc", base.path + ".gz"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
        }
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// Checks captured requests against a botocore model.
struct ModelChecker {
    let model: [String: Any]
    var shapes: [String: Any] { model["shapes"] as? [String: Any] ?? [:] }
    var metadata: [String: Any] { model["metadata"] as? [String: Any] ?? [:] }

    func shape(_ name: String) -> [String: Any] { shapes[name] as? [String: Any] ?? [:] }
    func operation(_ name: String) -> [String: Any]? { (model["operations"] as? [String: Any])?[name] as? [String: Any] }
    func inputShape(_ op: String) -> String? { (operation(op)?["input"] as? [String: Any])?["shape"] as? String }
    func members(_ shape: [String: Any]) -> [String: [String: Any]] { shape["members"] as? [String: [String: Any]] ?? [:] }

    /// The name a member has on the wire in a query protocol.
    func wireName(_ name: String, _ member: [String: Any], ec2: Bool) -> String {
        if ec2 {
            if let query = member["queryName"] as? String { return query }
            if let location = member["locationName"] as? String { return location.prefix(1).uppercased() + location.dropFirst() }
            return name
        }
        return member["locationName"] as? String ?? name
    }

    /// Problems with one query parameter name against the input shape.
    func checkQueryKey(_ key: String, shapeName: String, ec2: Bool) -> String? {
        var segments = key.split(separator: ".").map(String.init)[...]
        var current = shape(shapeName)
        while true {
            switch current["type"] as? String {
            case "structure":
                guard let segment = segments.popFirst() else { return "\(key): ends at a structure" }
                guard let (_, member) = members(current).first(where: { wireName($0.key, $0.value, ec2: ec2) == segment })
                else { return "\(key): \(segment) is not a member of \(shapeName)" }
                current = shape(member["shape"] as? String ?? "")
            case "list":
                let member = current["member"] as? [String: Any] ?? [:]
                if !ec2 && current["flattened"] as? Bool != true {
                    let itemName = member["locationName"] as? String ?? "member"
                    guard segments.popFirst() == itemName else { return "\(key): list items must be under .\(itemName)." }
                }
                guard let index = segments.popFirst(), let number = Int(index), number >= 1 else {
                    return "\(key): a list needs a 1-based index"
                }
                current = shape(member["shape"] as? String ?? "")
            case "map":
                guard segments.popFirst() == "entry", let index = segments.popFirst(), Int(index) != nil,
                    let part = segments.popFirst(), ["key", "value"].contains(part)
                else { return "\(key): map entries must be .entry.N.key/.value" }
                let target = current[part] as? [String: Any] ?? [:]
                current = shape(target["shape"] as? String ?? "")
            default:
                return segments.isEmpty ? nil : "\(key): \(segments.joined(separator: ".")) goes below a scalar"
            }
        }
    }

    /// Problems with a query request (EC2 or IAM).
    func checkQuery(_ request: AWSHTTPRequest, operation op: String, ec2: Bool) -> [String] {
        let body = String(decoding: request.body, as: UTF8.self)
        let pairs = body.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (AWSURIEncoding.decode(parts[0]), parts.count > 1 ? AWSURIEncoding.decode(parts[1]) : "")
        }
        var problems: [String] = []
        guard pairs.first?.0 == "Action", pairs.first?.1 == op else { return ["\(op): Action is \(pairs.first?.1 ?? "missing")"] }
        guard let input = inputShape(op) else { return ["\(op) is not in the model"] }
        for (key, _) in pairs.dropFirst(2) {
            if let problem = checkQueryKey(key, shapeName: input, ec2: ec2) { problems.append("\(op): \(problem)") }
        }
        let top = Set(pairs.map { String($0.0.split(separator: ".").first ?? "") })
        let inputShape = shape(input)
        for required in inputShape["required"] as? [String] ?? [] {
            let member = members(inputShape)[required] ?? [:]
            if !top.contains(wireName(required, member, ec2: ec2)) { problems.append("\(op): required \(required) not sent") }
        }
        return problems
    }

    /// Problems with a JSON value against a shape (member names, nesting).
    func checkJSON(_ value: Any, shapeName: String, path: String) -> [String] {
        let current = shape(shapeName)
        switch current["type"] as? String {
        case "structure":
            guard let object = value as? [String: Any] else { return ["\(path): expected an object"] }
            var problems: [String] = []
            let known = members(current).filter { $0.value["location"] == nil }
            for (key, child) in object {
                guard let member = known[key] else {
                    problems.append("\(path).\(key) is not a body member of \(shapeName)")
                    continue
                }
                problems += checkJSON(child, shapeName: member["shape"] as? String ?? "", path: "\(path).\(key)")
            }
            for required in current["required"] as? [String] ?? [] where known[required] != nil && object[required] == nil {
                problems.append("\(path): required \(required) not sent")
            }
            return problems
        case "list":
            guard let array = value as? [Any] else { return ["\(path): expected an array"] }
            let member = (current["member"] as? [String: Any])?["shape"] as? String ?? ""
            return array.enumerated().flatMap { checkJSON($0.element, shapeName: member, path: "\(path)[\($0.offset)]") }
        case "map":
            guard let object = value as? [String: Any] else { return ["\(path): expected an object (map)"] }
            let target = (current["value"] as? [String: Any])?["shape"] as? String ?? ""
            return object.flatMap { checkJSON($0.value, shapeName: target, path: "\(path)[\($0.key)]") }
        case "string": return value is String ? [] : ["\(path): expected a string"]
        case "boolean": return value is Bool ? [] : ["\(path): expected a boolean"]
        case "integer", "long", "double", "timestamp": return value is NSNumber ? [] : ["\(path): expected a number"]
        default: return []
        }
    }

    func body(_ request: AWSHTTPRequest) -> Any {
        request.body.isEmpty ? [String: Any]() : ((try? JSONSerialization.jsonObject(with: Data(request.body))) ?? "not JSON")
    }

    /// Problems with a JSON-protocol request (SQS, EventBridge).
    func checkJSONProtocol(_ request: AWSHTTPRequest, operation op: String) -> [String] {
        let target = request.headers.first { $0.name.lowercased() == "x-amz-target" }?.value
        let contentType = request.headers.first { $0.name.lowercased() == "content-type" }?.value
        var problems: [String] = []
        if target != "\(metadata["targetPrefix"] as? String ?? "").\(op)" { problems.append("\(op): target \(target ?? "-")") }
        if contentType != "application/x-amz-json-\(metadata["jsonVersion"] as? String ?? "")" {
            problems.append("\(op): content type \(contentType ?? "-")")
        }
        guard let input = inputShape(op) else { return ["\(op) is not in the model"] }
        return problems + checkJSON(body(request), shapeName: input, path: op)
    }

    /// Problems with a rest-json request (EKS): method, path template, query names and body members.
    func checkRestJSON(_ request: AWSHTTPRequest, operation op: String) -> [String] {
        guard let operation = operation(op), let http = operation["http"] as? [String: Any],
            let input = inputShape(op)
        else { return ["\(op) is not in the model"] }
        var problems: [String] = []
        if request.method != http["method"] as? String { problems.append("\(op): method \(request.method)") }
        let template = (http["requestUri"] as? String ?? "").split(separator: "?").first.map(String.init) ?? ""
        let pattern =
            "^"
            + template.replacingOccurrences(of: #"\{[^}+]+\+\}"#, with: ".+", options: .regularExpression)
            .replacingOccurrences(of: #"\{[^}]+\}"#, with: "[^/]+", options: .regularExpression) + "$"
        let path = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? ""
        if path.range(of: pattern, options: .regularExpression) == nil {
            problems.append("\(op): path \(path) does not match \(template)")
        }
        let queryNames = Set(
            members(shape(input)).values.filter { $0["location"] as? String == "querystring" }
                .compactMap { $0["locationName"] as? String }
        )
        for item in URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        where !queryNames.contains(item.name) {
            problems.append("\(op): query parameter \(item.name) is not in the model")
        }
        return problems + checkJSON(body(request), shapeName: input, path: op)
    }
}

@Suite(
    "Requests conform to botocore's models",
    .enabled(if: BotocoreModels.directory != nil, "botocore is not installed (python3 -c 'import botocore' failed)")
)
struct ModelConformanceTests {
    typealias Call = (String, () async throws -> Void)

    /// Runs each call against a transport that records the request and answers with an error, and returns the
    /// operation with its request and whether it was counted as mutating.
    func capture(_ calls: (AWSClient) -> [Call]) async throws -> [(String, AWSHTTPRequest, Bool)] {
        let log = AttemptLog()
        let transport = ScriptedTransport([ClientTests.json(400, #"{"__type":"ValidationException","message":"captured"}"#)])
        let client = AWSClient(
            region: try AWSRegion("us-west-2"),
            credentialProvider: StaticCredentialProvider(AWSEmulator.credentials),
            endpoints: AWSEndpointResolver(explicitEndpoint: nil, environment: [:], shared: nil),
            retry: AWSRetryStrategy(maxAttempts: 1, sleeper: { _ in }),
            transport: transport,
            observer: log.observer
        )
        var out: [(String, AWSHTTPRequest, Bool)] = []
        for (operation, call) in calls(client) {
            let before = transport.requests.count
            do { try await call() } catch {}
            let requests = transport.requests
            guard requests.count == before + 1, let request = requests.last, let record = log.all.last else {
                Issue.record("\(operation) sent \(requests.count - before) requests")
                continue
            }
            #expect(record.operation == operation)
            out.append((operation, request, record.isMutating))
        }
        return out
    }

    func expectMutating(_ captured: [(String, AWSHTTPRequest, Bool)]) {
        for (operation, _, mutating) in captured {
            let isRead = ["Describe", "List", "Get"].contains { operation.hasPrefix($0) }
            #expect(mutating == !isRead, "\(operation) isMutating=\(mutating)")
        }
    }

    @Test func ec2() async throws {
        let checker = ModelChecker(model: try BotocoreModels.load("ec2", "2016-11-15"))
        let tags = [EC2Tag(key: "eksplatform.io/cluster", value: "demo"), EC2Tag(key: "Name", value: "n")]
        let filters = [
            EC2Filter(name: "tag:eksplatform.io/cluster", values: ["demo", "other"]),
            EC2Filter(name: "state", values: ["available"]),
        ]
        let rule = EC2IpPermission(
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            ipRanges: [EC2IpRange(cidrIp: "10.0.0.0/16", description: "vpc")],
            userIdGroupPairs: [EC2UserIdGroupPair(groupId: "sg-1", description: "self")]
        )
        let captured = try await capture { client in
            let ec2 = EC2Client(client: client)
            return [
                ("DescribeAvailabilityZones", { _ = try await ec2.describeAvailabilityZones(filters: filters) }),
                ("CreateVpc", { _ = try await ec2.createVpc(cidrBlock: "10.0.0.0/16", tags: tags) }),
                ("DescribeVpcs", { _ = try await ec2.describeVpcs(vpcIds: ["vpc-1", "vpc-2"], filters: filters) }),
                ("DeleteVpc", { try await ec2.deleteVpc(vpcId: "vpc-1") }),
                ("ModifyVpcAttribute", { try await ec2.modifyVpcAttribute(vpcId: "vpc-1", enableDnsHostnames: true) }),
                (
                    "CreateSubnet",
                    {
                        _ = try await ec2.createSubnet(
                            vpcId: "vpc-1",
                            cidrBlock: "10.0.0.0/20",
                            availabilityZone: "us-west-2a",
                            tags: tags
                        )
                    }
                ),
                (
                    "DescribeSubnets",
                    {
                        _ = try await ec2.describeSubnetsPages(
                            subnetIds: ["subnet-1"],
                            filters: filters,
                            maxResults: 50
                        ).allItems()
                    }
                ),
                ("DeleteSubnet", { try await ec2.deleteSubnet(subnetId: "subnet-1") }),
                (
                    "ModifySubnetAttribute",
                    { try await ec2.modifySubnetAttribute(subnetId: "subnet-1", mapPublicIpOnLaunch: true) }
                ),
                ("CreateInternetGateway", { _ = try await ec2.createInternetGateway(tags: tags) }),
                ("AttachInternetGateway", { try await ec2.attachInternetGateway(internetGatewayId: "igw-1", vpcId: "vpc-1") }),
                ("DetachInternetGateway", { try await ec2.detachInternetGateway(internetGatewayId: "igw-1", vpcId: "vpc-1") }),
                (
                    "DescribeInternetGateways",
                    { _ = try await ec2.describeInternetGateways(internetGatewayIds: ["igw-1"], filters: filters) }
                ),
                ("DeleteInternetGateway", { try await ec2.deleteInternetGateway(internetGatewayId: "igw-1") }),
                ("AllocateAddress", { _ = try await ec2.allocateAddress(tags: tags) }),
                ("ReleaseAddress", { try await ec2.releaseAddress(allocationId: "eipalloc-1") }),
                ("DescribeAddresses", { _ = try await ec2.describeAddresses(allocationIds: ["eipalloc-1"], filters: filters) }),
                (
                    "CreateNatGateway",
                    { _ = try await ec2.createNatGateway(subnetId: "subnet-1", allocationId: "eipalloc-1", tags: tags) }
                ),
                ("DescribeNatGateways", { _ = try await ec2.describeNatGateways(natGatewayIds: ["nat-1"], filters: filters) }),
                ("DeleteNatGateway", { try await ec2.deleteNatGateway(natGatewayId: "nat-1") }),
                ("CreateRouteTable", { _ = try await ec2.createRouteTable(vpcId: "vpc-1", tags: tags) }),
                ("DescribeRouteTables", { _ = try await ec2.describeRouteTables(routeTableIds: ["rtb-1"], filters: filters) }),
                ("DeleteRouteTable", { try await ec2.deleteRouteTable(routeTableId: "rtb-1") }),
                (
                    "CreateRoute",
                    { try await ec2.createRoute(routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1") }
                ),
                ("DeleteRoute", { try await ec2.deleteRoute(routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0") }),
                ("AssociateRouteTable", { _ = try await ec2.associateRouteTable(routeTableId: "rtb-1", subnetId: "subnet-1") }),
                ("DisassociateRouteTable", { try await ec2.disassociateRouteTable(associationId: "rtbassoc-1") }),
                (
                    "CreateSecurityGroup",
                    { _ = try await ec2.createSecurityGroup(groupName: "g", description: "d", vpcId: "vpc-1", tags: tags) }
                ),
                ("DescribeSecurityGroups", { _ = try await ec2.describeSecurityGroups(groupIds: ["sg-1"], filters: filters) }),
                ("DeleteSecurityGroup", { try await ec2.deleteSecurityGroup(groupId: "sg-1") }),
                (
                    "AuthorizeSecurityGroupIngress",
                    { try await ec2.authorizeSecurityGroupIngress(groupId: "sg-1", permissions: [rule, rule]) }
                ),
                (
                    "AuthorizeSecurityGroupEgress",
                    { try await ec2.authorizeSecurityGroupEgress(groupId: "sg-1", permissions: [rule]) }
                ),
                ("CreateTags", { try await ec2.createTags(resourceIds: ["vpc-1", "subnet-1"], tags: tags) }),
                ("DeleteTags", { try await ec2.deleteTags(resourceIds: ["vpc-1"], tags: tags) }),
                ("DescribeInstances", { _ = try await ec2.describeInstancesPages(filters: filters, maxResults: 100).allItems() }),
                ("TerminateInstances", { _ = try await ec2.terminateInstances(instanceIds: ["i-1", "i-2"]) }),
                (
                    "DescribeLaunchTemplates",
                    { _ = try await ec2.describeLaunchTemplates(launchTemplateNames: ["lt"], filters: filters) }
                ),
                ("DeleteLaunchTemplate", { try await ec2.deleteLaunchTemplate(launchTemplateId: "lt-1") }),
                (
                    "DescribeNetworkInterfaces",
                    { _ = try await ec2.describeNetworkInterfaces(networkInterfaceIds: ["eni-1"], filters: filters) }
                ),
                ("DeleteNetworkInterface", { try await ec2.deleteNetworkInterface(networkInterfaceId: "eni-1") }),
            ]
        }
        #expect(captured.count == 40)
        for (operation, request, _) in captured {
            let problems = checker.checkQuery(request, operation: operation, ec2: true)
            #expect(problems.isEmpty, "\(problems)")
        }
        expectMutating(captured)
        // Flattening as the EC2 protocol wants it.
        let describe = try #require(captured.first { $0.0 == "DescribeVpcs" }?.1)
        let body = String(decoding: describe.body, as: UTF8.self)
        #expect(body.contains("Filter.1.Name=tag%3Aeksplatform.io%2Fcluster&Filter.1.Value.1=demo&Filter.1.Value.2=other"))
        #expect(body.contains("Filter.2.Name=state&Filter.2.Value.1=available") && body.contains("VpcId.1=vpc-1&VpcId.2=vpc-2"))
        let vpc = String(decoding: try #require(captured.first { $0.0 == "CreateVpc" }?.1).body, as: UTF8.self)
        #expect(vpc.contains("TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=eksplatform.io%2Fcluster"))
        let ingress = String(
            decoding: try #require(captured.first { $0.0 == "AuthorizeSecurityGroupIngress" }?.1).body,
            as: UTF8.self
        )
        #expect(
            ingress.contains("IpPermissions.2.IpRanges.1.CidrIp=10.0.0.0%2F16")
                && ingress.contains("IpPermissions.1.Groups.1.GroupId=sg-1")
        )
        let nat = String(decoding: try #require(captured.first { $0.0 == "CreateNatGateway" }?.1).body, as: UTF8.self)
        #expect(nat.contains("ClientToken="))
    }

    @Test func iam() async throws {
        let checker = ModelChecker(model: try BotocoreModels.load("iam", "2010-05-08"))
        let tags = [IAMTag(key: "eksplatform.io/cluster", value: "demo"), IAMTag(key: "team", value: "p")]
        let doc = #"{"Version":"2012-10-17","Statement":[]}"#
        let policy = "arn:aws:iam::123456789012:policy/p"
        let captured = try await capture { client in
            let iam = IAMClient(client: client)
            return [
                (
                    "CreateRole",
                    {
                        _ = try await iam.createRole(
                            roleName: "r",
                            assumeRolePolicyDocument: doc,
                            path: "/eks/",
                            description: "d",
                            maxSessionDuration: 3600,
                            permissionsBoundary: policy,
                            tags: tags
                        )
                    }
                ),
                ("GetRole", { _ = try await iam.getRole(roleName: "r") }),
                ("DeleteRole", { try await iam.deleteRole(roleName: "r") }),
                ("TagRole", { try await iam.tagRole(roleName: "r", tags: tags) }),
                ("UpdateAssumeRolePolicy", { try await iam.updateAssumeRolePolicy(roleName: "r", policyDocument: doc) }),
                ("AttachRolePolicy", { try await iam.attachRolePolicy(roleName: "r", policyArn: policy) }),
                ("DetachRolePolicy", { try await iam.detachRolePolicy(roleName: "r", policyArn: policy) }),
                (
                    "ListAttachedRolePolicies",
                    { _ = try await iam.listAttachedRolePoliciesPages(roleName: "r", maxItems: 10).allItems() }
                ),
                ("PutRolePolicy", { try await iam.putRolePolicy(roleName: "r", policyName: "p", policyDocument: doc) }),
                ("GetRolePolicy", { _ = try await iam.getRolePolicy(roleName: "r", policyName: "p") }),
                ("DeleteRolePolicy", { try await iam.deleteRolePolicy(roleName: "r", policyName: "p") }),
                ("ListRolePolicies", { _ = try await iam.listRolePolicies(roleName: "r") }),
                (
                    "CreatePolicy",
                    {
                        _ = try await iam.createPolicy(
                            policyName: "p",
                            policyDocument: doc,
                            path: "/",
                            description: "d",
                            tags: tags
                        )
                    }
                ),
                ("GetPolicy", { _ = try await iam.getPolicy(policyArn: policy) }),
                ("DeletePolicy", { try await iam.deletePolicy(policyArn: policy) }),
                (
                    "CreatePolicyVersion",
                    { _ = try await iam.createPolicyVersion(policyArn: policy, policyDocument: doc, setAsDefault: true) }
                ),
                ("DeletePolicyVersion", { try await iam.deletePolicyVersion(policyArn: policy, versionId: "v1") }),
                ("ListPolicyVersions", { _ = try await iam.listPolicyVersions(policyArn: policy) }),
                (
                    "CreateInstanceProfile",
                    { _ = try await iam.createInstanceProfile(instanceProfileName: "ip", path: "/", tags: tags) }
                ),
                ("GetInstanceProfile", { _ = try await iam.getInstanceProfile(instanceProfileName: "ip") }),
                ("DeleteInstanceProfile", { try await iam.deleteInstanceProfile(instanceProfileName: "ip") }),
                (
                    "AddRoleToInstanceProfile",
                    { try await iam.addRoleToInstanceProfile(instanceProfileName: "ip", roleName: "r") }
                ),
                (
                    "RemoveRoleFromInstanceProfile",
                    { try await iam.removeRoleFromInstanceProfile(instanceProfileName: "ip", roleName: "r") }
                ),
                ("ListInstanceProfilesForRole", { _ = try await iam.listInstanceProfilesForRole(roleName: "r") }),
                (
                    "ListInstanceProfiles",
                    { _ = try await iam.listInstanceProfilesPages(pathPrefix: "/", maxItems: 100).allItems() }
                ),
                (
                    "CreateOpenIDConnectProvider",
                    {
                        _ = try await iam.createOpenIDConnectProvider(
                            url: "https://oidc.example",
                            clientIDList: ["sts.amazonaws.com"],
                            thumbprintList: ["aa", "bb"],
                            tags: tags
                        )
                    }
                ),
                (
                    "GetOpenIDConnectProvider",
                    { _ = try await iam.getOpenIDConnectProvider(arn: "arn:aws:iam::1:oidc-provider/x") }
                ),
                (
                    "DeleteOpenIDConnectProvider",
                    { try await iam.deleteOpenIDConnectProvider(arn: "arn:aws:iam::1:oidc-provider/x") }
                ),
            ]
        }
        #expect(captured.count == 28)
        for (operation, request, _) in captured {
            let problems = checker.checkQuery(request, operation: operation, ec2: false)
            #expect(problems.isEmpty, "\(problems)")
        }
        expectMutating(captured)
        let role = String(decoding: try #require(captured.first { $0.0 == "CreateRole" }?.1).body, as: UTF8.self)
        #expect(role.contains("Tags.member.1.Key=eksplatform.io%2Fcluster&Tags.member.1.Value=demo&Tags.member.2.Key=team"))
        let oidc = String(decoding: try #require(captured.first { $0.0 == "CreateOpenIDConnectProvider" }?.1).body, as: UTF8.self)
        #expect(oidc.contains("ClientIDList.member.1=sts.amazonaws.com&ThumbprintList.member.1=aa&ThumbprintList.member.2=bb"))
    }

    @Test func eks() async throws {
        let checker = ModelChecker(model: try BotocoreModels.load("eks", "2017-11-01"))
        let principal = "arn:aws:iam::123456789012:role/admin"
        let captured = try await capture { client in
            let eks = EKSClient(client: client)
            return [
                (
                    "CreateCluster",
                    {
                        _ = try await eks.createCluster(
                            EKSCreateClusterRequest(
                                name: "c",
                                version: "1.31",
                                roleArn: "arn:aws:iam::1:role/c",
                                resourcesVpcConfig: EKSVpcConfigRequest(
                                    subnetIds: ["s-1"],
                                    securityGroupIds: ["sg-1"],
                                    endpointPublicAccess: true,
                                    endpointPrivateAccess: true,
                                    publicAccessCidrs: ["0.0.0.0/0"]
                                ),
                                kubernetesNetworkConfig: EKSKubernetesNetworkConfig(
                                    serviceIpv4Cidr: "172.20.0.0/16",
                                    ipFamily: "ipv4"
                                ),
                                logging: EKSLogging(clusterLogging: [EKSLogSetup(types: ["api"], enabled: true)]),
                                tags: ["a": "b"],
                                accessConfig: EKSAccessConfig(
                                    authenticationMode: "API",
                                    bootstrapClusterCreatorAdminPermissions: true
                                ),
                                bootstrapSelfManagedAddons: false
                            )
                        )
                    }
                ),
                ("DescribeCluster", { _ = try await eks.describeCluster(name: "c") }),
                ("ListClusters", { _ = try await eks.listClustersPages(maxResults: 10).allItems() }),
                ("DeleteCluster", { try await eks.deleteCluster(name: "c") }),
                (
                    "UpdateClusterConfig",
                    {
                        try await eks.updateClusterConfig(
                            name: "c",
                            accessConfig: EKSAccessConfig(
                                authenticationMode: "API",
                                bootstrapClusterCreatorAdminPermissions: true
                            )
                        )
                    }
                ),
                ("UpdateClusterVersion", { _ = try await eks.updateClusterVersion(name: "c", version: "1.32") }),
                ("DescribeUpdate", { _ = try await eks.describeUpdate(name: "c", updateId: "u-1", nodegroupName: "system") }),
                (
                    "CreateNodegroup",
                    {
                        _ = try await eks.createNodegroup(
                            clusterName: "c",
                            EKSCreateNodegroupRequest(
                                nodegroupName: "system",
                                scalingConfig: EKSScalingConfig(minSize: 1, maxSize: 2, desiredSize: 1),
                                diskSize: 20,
                                subnets: ["s-1"],
                                instanceTypes: ["m5.large"],
                                amiType: "AL2023_x86_64_STANDARD",
                                nodeRole: "arn:aws:iam::1:role/n",
                                labels: ["a": "b"],
                                taints: [EKSTaint(key: "k", value: "v", effect: "NO_SCHEDULE")],
                                tags: ["a": "b"],
                                launchTemplate: EKSLaunchTemplateSpecification(name: "lt", version: "1"),
                                capacityType: "ON_DEMAND",
                                version: "1.31"
                            )
                        )
                    }
                ),
                ("DescribeNodegroup", { _ = try await eks.describeNodegroup(clusterName: "c", nodegroupName: "system") }),
                ("ListNodegroups", { _ = try await eks.listNodegroupsPages(clusterName: "c", maxResults: 5).allItems() }),
                ("DeleteNodegroup", { try await eks.deleteNodegroup(clusterName: "c", nodegroupName: "system") }),
                (
                    "UpdateNodegroupConfig",
                    {
                        _ = try await eks.updateNodegroupConfig(
                            clusterName: "c",
                            nodegroupName: "system",
                            EKSNodegroupConfigUpdate(
                                labels: .init(addOrUpdateLabels: ["a": "b"], removeLabels: ["c"]),
                                taints: .init(
                                    addOrUpdateTaints: [EKSTaint(key: "k", effect: "NO_EXECUTE")],
                                    removeTaints: [EKSTaint(key: "x", effect: "NO_SCHEDULE")]
                                ),
                                scalingConfig: EKSScalingConfig(minSize: 1, maxSize: 3, desiredSize: 2)
                            )
                        )
                    }
                ),
                (
                    "CreateAddon",
                    {
                        _ = try await eks.createAddon(
                            clusterName: "c",
                            EKSAddonRequest(
                                addonName: "vpc-cni",
                                addonVersion: "v1",
                                serviceAccountRoleArn: "arn:aws:iam::1:role/cni",
                                resolveConflicts: "OVERWRITE",
                                tags: ["a": "b"],
                                configurationValues: "{}",
                                podIdentityAssociations: [
                                    EKSAddonPodIdentityAssociation(serviceAccount: "aws-node", roleArn: "arn:aws:iam::1:role/cni")
                                ]
                            )
                        )
                    }
                ),
                ("DescribeAddon", { _ = try await eks.describeAddon(clusterName: "c", addonName: "vpc-cni") }),
                ("ListAddons", { _ = try await eks.listAddons(clusterName: "c") }),
                (
                    "UpdateAddon",
                    {
                        _ = try await eks.updateAddon(
                            clusterName: "c",
                            addonName: "vpc-cni",
                            EKSAddonRequest(
                                addonName: "ignored",
                                addonVersion: "v2",
                                resolveConflicts: "PRESERVE",
                                tags: ["ignored": "x"]
                            )
                        )
                    }
                ),
                ("DeleteAddon", { try await eks.deleteAddon(clusterName: "c", addonName: "vpc-cni", preserve: true) }),
                (
                    "DescribeAddonVersions",
                    {
                        _ = try await eks.describeAddonVersionsPages(
                            addonName: "vpc-cni",
                            kubernetesVersion: "1.31",
                            maxResults: 10
                        ).allItems()
                    }
                ),
                (
                    "CreatePodIdentityAssociation",
                    {
                        _ = try await eks.createPodIdentityAssociation(
                            clusterName: "c",
                            namespace: "kube-system",
                            serviceAccount: "karpenter",
                            roleArn: "arn:aws:iam::1:role/k",
                            tags: ["a": "b"]
                        )
                    }
                ),
                (
                    "ListPodIdentityAssociations",
                    {
                        _ = try await eks.listPodIdentityAssociations(
                            clusterName: "c",
                            namespace: "kube-system",
                            serviceAccount: "karpenter"
                        )
                    }
                ),
                (
                    "DescribePodIdentityAssociation",
                    { _ = try await eks.describePodIdentityAssociation(clusterName: "c", associationId: "a-1") }
                ),
                (
                    "DeletePodIdentityAssociation",
                    { try await eks.deletePodIdentityAssociation(clusterName: "c", associationId: "a-1") }
                ),
                (
                    "CreateAccessEntry",
                    {
                        _ = try await eks.createAccessEntry(
                            clusterName: "c",
                            principalArn: principal,
                            kubernetesGroups: ["g"],
                            username: "u",
                            type: "STANDARD",
                            tags: ["a": "b"]
                        )
                    }
                ),
                ("DescribeAccessEntry", { _ = try await eks.describeAccessEntry(clusterName: "c", principalArn: principal) }),
                ("ListAccessEntries", { _ = try await eks.listAccessEntries(clusterName: "c") }),
                ("DeleteAccessEntry", { try await eks.deleteAccessEntry(clusterName: "c", principalArn: principal) }),
                (
                    "AssociateAccessPolicy",
                    {
                        try await eks.associateAccessPolicy(
                            clusterName: "c",
                            principalArn: principal,
                            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                            accessScope: EKSAccessScope(type: "namespace", namespaces: ["a"])
                        )
                    }
                ),
                (
                    "DisassociateAccessPolicy",
                    {
                        try await eks.disassociateAccessPolicy(
                            clusterName: "c",
                            principalArn: principal,
                            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
                        )
                    }
                ),
                (
                    "ListAssociatedAccessPolicies",
                    { _ = try await eks.listAssociatedAccessPolicies(clusterName: "c", principalArn: principal) }
                ),
                (
                    "TagResource",
                    { try await eks.tagResource(resourceArn: "arn:aws:eks:us-west-2:1:cluster/c", tags: ["a": "b"]) }
                ),
            ]
        }
        #expect(captured.count == 30)
        for (operation, request, _) in captured {
            let problems = checker.checkRestJSON(request, operation: operation)
            #expect(problems.isEmpty, "\(problems)")
        }
        expectMutating(captured)
        let access = try #require(captured.first { $0.0 == "DescribeAccessEntry" }?.1)
        #expect(
            access.url.absoluteString.hasSuffix("/clusters/c/access-entries/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin")
        )
        let update = String(decoding: try #require(captured.first { $0.0 == "UpdateClusterConfig" }?.1).body, as: UTF8.self)
        #expect(update.contains(#""accessConfig":{"authenticationMode":"API"}"#))
    }

    @Test func sqsAndEventBridge() async throws {
        let sqsModel = ModelChecker(model: try BotocoreModels.load("sqs", "2012-11-05"))
        let eventsModel = ModelChecker(model: try BotocoreModels.load("events", "2015-10-07"))
        let url = "https://sqs.us-west-2.amazonaws.com/1/q"
        let sqs = try await capture { client in
            let sqs = SQSClient(client: client)
            return [
                (
                    "CreateQueue",
                    {
                        _ = try await sqs.createQueue(
                            queueName: "q",
                            attributes: ["MessageRetentionPeriod": "300", "SqsManagedSseEnabled": "true"],
                            tags: ["a": "b"]
                        )
                    }
                ),
                ("GetQueueUrl", { _ = try await sqs.getQueueUrl(queueName: "q") }),
                ("GetQueueAttributes", { _ = try await sqs.getQueueAttributes(queueUrl: url) }),
                ("SetQueueAttributes", { try await sqs.setQueueAttributes(queueUrl: url, attributes: ["Policy": "{}"]) }),
                ("TagQueue", { try await sqs.tagQueue(queueUrl: url, tags: ["a": "b"]) }),
                ("UntagQueue", { try await sqs.untagQueue(queueUrl: url, tagKeys: ["a"]) }),
                ("ListQueueTags", { _ = try await sqs.listQueueTags(queueUrl: url) }),
                ("DeleteQueue", { try await sqs.deleteQueue(queueUrl: url) }),
            ]
        }
        #expect(sqs.count == 8)
        for (operation, request, _) in sqs {
            let problems = sqsModel.checkJSONProtocol(request, operation: operation)
            #expect(problems.isEmpty, "\(problems)")
        }
        expectMutating(sqs)
        let create = String(decoding: try #require(sqs.first?.1).body, as: UTF8.self)
        #expect(
            create
                == #"{"Attributes":{"MessageRetentionPeriod":"300","SqsManagedSseEnabled":"true"},"#
                + #""QueueName":"q","tags":{"a":"b"}}"#
        )

        let events = try await capture { client in
            let events = EventBridgeClient(client: client)
            return [
                (
                    "PutRule",
                    {
                        _ = try await events.putRule(
                            name: "r",
                            eventPattern: #"{"source":["aws.ec2"]}"#,
                            state: "ENABLED",
                            description: "d",
                            tags: ["a": "b"]
                        )
                    }
                ),
                ("DescribeRule", { _ = try await events.describeRule(name: "r") }),
                ("ListRules", { _ = try await events.listRulesPages(namePrefix: "Karpenter", limit: 10).allItems() }),
                (
                    "PutTargets",
                    {
                        _ = try await events.putTargets(
                            rule: "r",
                            targets: [EventBridgeTarget(id: "1", arn: "arn:aws:sqs:us-west-2:1:q")]
                        )
                    }
                ),
                ("ListTargetsByRule", { _ = try await events.listTargetsByRulePages(rule: "r", limit: 10).allItems() }),
                ("RemoveTargets", { try await events.removeTargets(rule: "r", ids: ["1"]) }),
                ("DeleteRule", { try await events.deleteRule(name: "r") }),
                (
                    "TagResource",
                    { try await events.tagResource(resourceARN: "arn:aws:events:us-west-2:1:rule/r", tags: ["a": "b"]) }
                ),
                (
                    "UntagResource",
                    { try await events.untagResource(resourceARN: "arn:aws:events:us-west-2:1:rule/r", tagKeys: ["a"]) }
                ),
                (
                    "ListTagsForResource",
                    { _ = try await events.listTagsForResource(resourceARN: "arn:aws:events:us-west-2:1:rule/r") }
                ),
            ]
        }
        #expect(events.count == 10)
        for (operation, request, _) in events {
            let problems = eventsModel.checkJSONProtocol(request, operation: operation)
            #expect(problems.isEmpty, "\(problems)")
        }
        expectMutating(events)
        let rule = String(decoding: try #require(events.first?.1).body, as: UTF8.self)
        #expect(rule.contains(#""Tags":[{"Key":"a","Value":"b"}]"#))
    }

    @Test func checkerCatchesMistakes() throws {
        // The checker itself must fail on wrong names and wrong flattening, or the tests above prove nothing.
        let ec2 = ModelChecker(model: try BotocoreModels.load("ec2", "2016-11-15"))
        let input = try #require(ec2.inputShape("DescribeVpcs"))
        #expect(ec2.checkQueryKey("Filter.1.Value.1", shapeName: input, ec2: true) == nil)
        #expect(ec2.checkQueryKey("Filters.1.Value.1", shapeName: input, ec2: true) != nil)
        #expect(ec2.checkQueryKey("Filter.member.1.Name", shapeName: input, ec2: true) != nil)
        #expect(ec2.checkQueryKey("Filter.1.Values.1", shapeName: input, ec2: true) != nil)
        let iam = ModelChecker(model: try BotocoreModels.load("iam", "2010-05-08"))
        let role = try #require(iam.inputShape("CreateRole"))
        #expect(iam.checkQueryKey("Tags.member.1.Key", shapeName: role, ec2: false) == nil)
        #expect(iam.checkQueryKey("Tags.1.Key", shapeName: role, ec2: false) != nil)
        let eks = ModelChecker(model: try BotocoreModels.load("eks", "2017-11-01"))
        let cluster = try #require(eks.inputShape("CreateCluster"))
        #expect(eks.checkJSON(["name": "c", "roleArn": "r", "resourcesVpcConfig": [:]], shapeName: cluster, path: "x").isEmpty)
        #expect(!eks.checkJSON(["name": "c", "roleArn": "r"], shapeName: cluster, path: "x").isEmpty)
        #expect(
            !eks.checkJSON(
                ["name": "c", "roleArn": "r", "resourcesVpcConfig": ["subnets": ["s"]]],
                shapeName: cluster,
                path: "x"
            ).isEmpty
        )
    }
}
