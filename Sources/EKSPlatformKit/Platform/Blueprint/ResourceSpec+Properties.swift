import EKSAWS
import EKSKubernetes

extension ResourceSpec {
    /// The comparable form of the specification: property name → canonical string value.
    ///
    /// References to other platform resources are written as their ``ResourceID`` (`subnet/private-us-west-2a`),
    /// so the observer must translate physical ids back through the `eksplatform.io/resource` tag; ARNs are built
    /// with `context` (and are masked by the redactor on output). Lists are sorted when their order carries no
    /// meaning.
    public func properties(in context: PlatformContext) -> [String: String] {
        func list(_ values: [String]) -> String { values.sorted().joined(separator: ",") }
        func ids(_ values: [ResourceID]) -> String { list(values.map(\.description)) }
        func flag(_ value: Bool) -> String { value ? "true" : "false" }
        switch self {
        case .vpc(let vpc):
            return ["cidr": vpc.cidr, "dnsSupport": flag(vpc.dns), "dnsHostnames": flag(vpc.dns)]
        case .subnet(let subnet):
            return [
                "vpc": subnet.vpc.description, "cidr": subnet.cidr, "zone": subnet.zone,
                "mapPublicIpOnLaunch": flag(subnet.isPublic),
            ]
        case .internetGateway(let gateway):
            return ["vpc": gateway.vpc.description]
        case .elasticIP:
            return ["domain": "vpc"]
        case .natGateway(let nat):
            return ["subnet": nat.subnet.description, "elasticIP": nat.elasticIP.description]
        case .routeTable(let table):
            return [
                "vpc": table.vpc.description,
                "routes": list(table.routes.map { "\($0.destination)->\($0.target)" }),
                "subnets": ids(table.subnets),
            ]
        case .securityGroup(let group):
            return [
                "vpc": group.existingVPCID ?? group.vpc.description, "groupName": group.groupName,
                "description": group.description, "ingress": group.allowSelf ? "self:all" : "",
            ]
        case .iamRole(let role):
            var properties = [
                "roleName": role.roleName,
                "trustPolicy": role.trust.json,
                "managedPolicies": list(role.managedPolicies.map { context.managedPolicyARN($0) }),
                "inlinePolicies": list(Array(role.inlinePolicies.keys)),
            ]
            for (name, template) in role.inlinePolicies {
                properties["inlinePolicy:\(name)"] = template.render(in: context).json
            }
            return properties
        case .cluster(let cluster):
            return [
                "version": cluster.version,
                "role": cluster.role.description,
                "subnets": cluster.existingSubnetIDs.isEmpty ? ids(cluster.subnets) : list(cluster.existingSubnetIDs),
                "securityGroups": ids(cluster.securityGroups),
                "endpointPublic": flag(cluster.endpointPublic),
                "endpointPrivate": flag(cluster.endpointPrivate),
                "publicAccessCIDRs": list(cluster.publicAccessCIDRs),
                "authenticationMode": cluster.authenticationMode,
                "logging": list(cluster.logging),
            ]
        case .accessEntry(let entry):
            return [
                "principalARN": entry.principalARN(in: context),
                "type": entry.type,
                "accessPolicies": list(entry.accessPolicies.map { context.accessPolicyARN($0) }),
            ]
        case .nodeGroup(let group):
            return [
                "role": group.role.description,
                "subnets": group.existingSubnetIDs.isEmpty ? ids(group.subnets) : list(group.existingSubnetIDs),
                "instanceTypes": group.instanceTypes.joined(separator: ","),
                "amiType": group.amiType,
                "minSize": String(group.minSize),
                "desiredSize": String(group.desiredSize),
                "maxSize": String(group.maxSize),
                "taints": list(group.taints.map { "\($0.key)=\($0.value ?? ""):\($0.effect)" }),
                "labels": list(group.labels.map { "\($0.key)=\($0.value)" }),
            ]
        case .addon(let addon):
            return ["configurationValues": addon.configurationValues ?? ""]
        case .podIdentityAssociation(let association):
            return [
                "namespace": association.namespace,
                "serviceAccount": association.serviceAccount,
                "roleARN": context.roleARN(association.roleName),
            ]
        case .sqsQueue(let queue):
            return [
                "MessageRetentionPeriod": String(queue.messageRetentionSeconds),
                "SqsManagedSseEnabled": flag(queue.sqsManagedSSE),
                "Policy": queue.policy.render(in: context).json,
            ]
        case .eventRule(let rule):
            return [
                "eventPattern": rule.eventPattern,
                "target": "\(rule.targetID)->\(context.queueARN(rule.queueName))",
            ]
        }
    }

    /// Properties that AWS cannot change in place; a difference in one of them needs the resource replaced.
    public var immutableProperties: Set<String> {
        switch self {
        case .vpc: return ["cidr"]
        case .subnet: return ["vpc", "cidr", "zone"]
        case .internetGateway, .elasticIP, .eventRule, .sqsQueue, .iamRole: return []
        case .natGateway: return ["subnet", "elasticIP"]
        case .routeTable: return ["vpc"]
        case .securityGroup: return ["vpc", "groupName", "description"]
        case .cluster: return ["role", "subnets", "securityGroups"]
        case .accessEntry: return ["principalARN", "type"]
        case .nodeGroup: return ["role", "subnets", "instanceTypes", "amiType"]
        case .addon: return []
        case .podIdentityAssociation: return ["namespace", "serviceAccount"]
        }
    }

    /// The AWS name of the resource where it has one (role, cluster, queue, rule, node group, add-on names).
    public var awsName: String? {
        switch self {
        case .iamRole(let role): return role.roleName
        case .cluster(let cluster): return cluster.name
        case .nodeGroup(let group): return group.name
        case .addon(let addon): return addon.name
        case .sqsQueue(let queue): return queue.queueName
        case .eventRule(let rule): return rule.ruleName
        case .securityGroup(let group): return group.groupName
        default: return nil
        }
    }
}

extension ResourceSpec.AccessEntry {
    /// The principal's ARN in `context` (role names become `arn:…:iam::<account>:role/<name>`).
    public func principalARN(in context: PlatformContext) -> String {
        switch principal {
        case .roleName(let name): return context.roleARN(name)
        case .arn(let arn): return arn
        case .role(_, let name): return context.roleARN(name)
        }
    }
}
