import EKSAWS
import EKSKubernetes
import Foundation
import Yams

/// Turns `platform.yaml` text into a validated ``PlatformConfig``, with positions for every error.
struct PlatformConfigParser {
    let file: String

    /// The most values a platform.yaml or operator file may hold with its aliases expanded: the commented example
    /// has a few hundred, and the limit stops an alias bomb before anything walks it.
    static let maxNodes = 20_000

    func parse(_ text: String) throws -> PlatformConfig {
        try parse(root: try compose(text, ifEmpty: Self.emptyFileMessage))
    }

    static let emptyFileMessage =
        "the file is empty; `platformctl init` writes a commented example (or start from Examples/platform.yaml)"

    /// Every problem in `text`, not only the first: after each error the offending field is taken out of the YAML
    /// tree (so its default applies) and the rest is checked again. A missing field or broken YAML ends the search,
    /// since nothing after it can be checked meaningfully. Empty when the file is valid.
    func problems(_ text: String, limit: Int = 25) -> [ConfigError] {
        var root: Node
        do {
            root = try compose(text, ifEmpty: Self.emptyFileMessage)
        } catch let error as ConfigError {
            return [error]
        } catch {
            return [ConfigError(code: .invalidYAML, file: file, line: 0, column: 0, path: "", message: "\(error)")]
        }
        var found: [ConfigError] = []
        while found.count < limit {
            do {
                _ = try parse(root: root)
                break
            } catch let error as ConfigError {
                found.append(error)
                guard error.code != .missingField, error.code != .invalidYAML,
                    let smaller = Self.removing(path: error.path, from: root)
                else { break }
                root = smaller
            } catch {
                break
            }
        }
        return found
    }

    /// `node` without the mapping entry that `path` (a field path such as `spec.network.availabilityZones[1]`)
    /// names — the whole entry, so that a bad list item removes its list; `nil` when nothing matches. Keys may
    /// contain dots (label keys), so each level takes the longest key that prefixes what is left of the path.
    static func removing(path: String, from node: Node) -> Node? {
        guard case .mapping(let mapping) = node else { return nil }
        var pairs = mapping.map { ($0.key, $0.value) }
        let candidates = pairs.indices.compactMap { index -> (Int, String)? in
            guard let key = pairs[index].0.string,
                path == key || path.hasPrefix(key + ".") || path.hasPrefix(key + "[")
            else { return nil }
            return (index, key)
        }
        guard let (index, key) = candidates.max(by: { $0.1.count < $1.1.count }) else { return nil }
        let rest = path.dropFirst(key.count)
        if rest.isEmpty || rest.hasPrefix("[") {
            pairs.remove(at: index)
        } else {
            guard let inner = removing(path: String(rest.dropFirst()), from: pairs[index].1) else { return nil }
            pairs[index].1 = inner
        }
        return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
    }

    func parse(root: Node) throws -> PlatformConfig {
        let top = try ConfigMapping(root, path: "", file: file, known: ["apiVersion", "kind", "metadata", "spec", "operator"])

        let apiVersion = try top.requiredString("apiVersion", hint: "add apiVersion: \(PlatformConfig.apiVersion)")
        guard apiVersion == PlatformConfig.apiVersion else {
            throw top.error(
                .invalidValue,
                at: "apiVersion",
                "unsupported apiVersion \"\(apiVersion)\"; use \(PlatformConfig.apiVersion)"
            )
        }
        let kind = try top.requiredString("kind", hint: "add kind: Platform")
        guard kind == PlatformConfig.kind else {
            throw top.error(.invalidValue, at: "kind", "unsupported kind \"\(kind)\"; use Platform")
        }
        guard let metadata = try top.mapping("metadata", known: ["name"]) else {
            throw top.missing("metadata", "add metadata: { name: <cluster name> }")
        }
        let name = try metadata.requiredString("name", hint: "set the cluster name, e.g. name: dev")
        guard ConfigValidation.isRFC1123Label(name, maxLength: 100) else {
            throw metadata.error(
                .invalidValue,
                at: "name",
                "\"\(name)\" is not a valid cluster name: use 1–100 lowercase letters, digits and '-', starting and ending "
                    + "with a letter or digit (RFC 1123), e.g. dev or team-a-prod"
            )
        }
        guard let specMapping = try top.mapping("spec", known: Self.specFields) else {
            throw top.missing("spec", "add a spec section with at least region")
        }
        let spec = try parseSpec(specMapping, name: name)
        var config = PlatformConfig(name: name, spec: spec)
        if let operatorMapping = try top.mapping("operator", known: ["user", "profile", "roles", "sessionDuration"]) {
            config.operator = try parseOperator(operatorMapping)
        }
        return config
    }

    /// The document's root node, its alias expansion bounded; every YAML problem is a positioned ``ConfigError``.
    func compose(_ text: String, ifEmpty: String) throws -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigError(code: .missingField, file: file, line: 1, column: 1, path: "", message: ifEmpty)
            }
            try YAML.limitExpansion(of: node, maxNodes: Self.maxNodes)
            return node
        } catch let error as ConfigError {
            throw error
        } catch let error as YAML.Error {
            throw aliasError(error)
        } catch let error as YamlError {
            throw yamlError(error)
        } catch {
            throw ConfigError(code: .invalidYAML, file: file, line: 0, column: 0, path: "", message: "\(error)")
        }
    }

    /// A refused alias as a positioned config error (the message starts with `line L, column C:`).
    func aliasError(_ error: YAML.Error) -> ConfigError {
        let text = "\(error)"
        let numbers = text.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        let message = text.components(separatedBy: ": ").dropFirst().joined(separator: ": ")
        return ConfigError(
            code: .invalidYAML,
            file: file,
            line: numbers.first ?? 0,
            column: numbers.dropFirst().first ?? 0,
            path: "",
            message: message.isEmpty ? text : message
        )
    }

    /// Parses a user-level operator file (`~/.config/platformctl/config.yaml`) whose only top-level key is `operator:`.
    func parseOperatorFile(_ text: String) throws -> PlatformConfig.Operator {
        let root = try compose(text, ifEmpty: "the file is empty; add an operator: section (see Examples/platform.yaml)")
        let top = try ConfigMapping(root, path: "", file: file, known: ["operator"])
        guard let section = try top.mapping("operator", known: ["user", "profile", "roles", "sessionDuration"]) else {
            throw top.missing("operator", "add an operator: section with user or profile, and roles")
        }
        return try parseOperator(section)
    }

    static let specFields = [
        "region", "kubernetesVersion", "network", "endpointAccess", "systemNodeGroup", "addons", "access", "karpenter",
        "gitops", "tags", "controlPlaneLogs",
    ]

    private func yamlError(_ error: YamlError) -> ConfigError {
        var mark: Mark?
        var problem = "\(error)"
        switch error {
        case .scanner(_, let text, let position, _), .parser(_, let text, let position, _),
            .composer(_, let text, let position, _):
            mark = position
            problem = text
        case .duplicatedKeysInMapping(let duplicates, let context):
            mark = context.mark
            problem = "duplicate keys \(duplicates.joined(separator: ", ")); keep one of each"
        default:
            break
        }
        return ConfigError(
            code: .invalidYAML,
            file: file,
            line: mark?.line ?? 0,
            column: mark?.column ?? 0,
            path: "",
            message: "invalid YAML: \(problem); check indentation and quoting"
        )
    }

    // MARK: - spec

    private func parseSpec(_ spec: ConfigMapping, name: String) throws -> PlatformConfig.Spec {
        let region = try spec.requiredString("region", hint: "set the AWS region, e.g. region: us-west-2")
        guard ConfigValidation.isRegion(region), AWSPartition.all.contains(where: { $0.regions.contains(region) }) else {
            let known = AWSPartition.all.flatMap(\.regions).sorted()
            let suggestion = ConfigMapping.closest(to: region, in: known).map { " (did you mean \($0)?)" } ?? ""
            throw spec.error(
                .invalidValue,
                at: "region",
                "\"\(region)\" is not an AWS region this platformctl knows\(suggestion); use e.g. us-west-2 or eu-central-1"
            )
        }
        var result = PlatformConfig.Spec(region: region)
        if let version = try spec.string("kubernetesVersion") {
            guard ConfigValidation.matches(version, "1\\.[0-9]{2}") else {
                throw spec.error(
                    .invalidValue,
                    at: "kubernetesVersion",
                    "\"\(version)\" is not a Kubernetes minor version: EKS versions have two digits after the dot, "
                        + "written in quotes (unquoted, YAML reads 1.30 as the number 1.3), e.g. kubernetesVersion: \"1.33\""
                )
            }
            guard let minor = Int(version.dropFirst(2)), ConfigValidation.eksMinorVersions.contains(minor) else {
                let range = ConfigValidation.eksMinorVersions
                throw spec.error(
                    .invalidValue,
                    at: "kubernetesVersion",
                    "EKS does not offer Kubernetes \(version): this platformctl knows 1.\(range.lowerBound) to "
                        + "1.\(range.upperBound) (EKS supports a minor for 26 months: 14 standard, 12 extended)"
                )
            }
            result.kubernetesVersion = version
        }
        if let network = try spec.mapping("network", known: ["vpcCIDR", "availabilityZones", "natGateways", "existing"]) {
            result.network = try parseNetwork(network, region: region)
        }
        if let endpoint = try spec.mapping("endpointAccess", known: ["public", "private", "publicCIDRs"]) {
            result.endpointAccess = try parseEndpointAccess(endpoint)
        }
        if let group = try spec.mapping(
            "systemNodeGroup",
            known: ["instanceTypes", "size", "amiType", "taint", "labels"]
        ) {
            result.systemNodeGroup = try parseSystemNodeGroup(group)
        }
        if let (addons, versions) = try parseAddons(spec) {
            result.addonVersions = versions
            for (index, addon) in addons.enumerated() where !ConfigValidation.matches(addon, "[a-z0-9][a-z0-9-]*") {
                throw spec.error(
                    .invalidValue,
                    at: "addons",
                    "addons[\(index)] \"\(addon)\" is not an EKS add-on name (e.g. coredns)"
                )
            }
            if Set(addons).count != addons.count {
                throw spec.error(.invalidValue, at: "addons", "an add-on is listed twice; list each once")
            }
            result.addons = addons
        }
        if !result.addons.contains("eks-pod-identity-agent") {
            throw spec.error(
                .invalidValue,
                at: "addons",
                "Karpenter authenticates with EKS Pod Identity, so the add-ons must include eks-pod-identity-agent"
            )
        }
        if let access = try spec.mapping("access", known: ["admins"]) {
            result.access = try parseAccess(access)
        }
        if let karpenter = try spec.mapping("karpenter", known: ["version", "nodeClass", "nodePool", "interruptionQueue"]) {
            result.karpenter = try parseKarpenter(karpenter)
        }
        if let gitops = try spec.mapping("gitops", known: ["flux", "repository", "credentials"]) {
            result.gitops = try parseGitOps(gitops, name: name)
        }
        if let logs = try spec.mapping("controlPlaneLogs", known: ["types", "retentionDays", "keepOnDown"]) {
            result.controlPlaneLogs = try parseControlPlaneLogs(logs)
        }
        if let tags = try spec.stringMap("tags") {
            for key in tags.keys.sorted() {
                let value = tags[key] ?? ""
                if key.isEmpty || key.count > 128 || key.lowercased().hasPrefix("aws:") || value.count > 256 {
                    throw spec.entryError(
                        .invalidValue,
                        at: "tags",
                        entry: key,
                        "tag \"\(key)\" is not allowed: keys are 1–128 characters and may not start with aws:, values ≤ 256"
                    )
                }
            }
            result.tags = tags
            // The EKS cluster carries the most tags: these, ownership (2) and one applied record per add-on, access
            // entry (admins + the Karpenter node role), the Karpenter Pod Identity association and each resource the
            // platform adds tags to (the cluster security group, existing subnets) (AppliedRecord).
            let existingSubnets =
                (result.network.existing?.privateSubnetIDs.count ?? 0)
                + (result.network.existing?.publicSubnetIDs.count ?? 0)
            let own = 2 + result.addons.count + result.access.admins.count + 1 + 1 + 1 + existingSubnets
            if tags.count + own > 50 {
                throw spec.error(
                    .invalidValue,
                    at: "tags",
                    "\(tags.count) tags plus the \(own) platformctl puts on the EKS cluster (ownership and one applied "
                        + "record per add-on, access entry and Pod Identity association) exceed the 50 tags AWS allows "
                        + "per resource; remove at least \(tags.count + own - 50)"
                )
            }
        }
        return result
    }

    private func parseControlPlaneLogs(_ logs: ConfigMapping) throws -> PlatformConfig.ControlPlaneLogs {
        var result = PlatformConfig.ControlPlaneLogs()
        if let types = try logs.strings("types") {
            let allowed = PlatformConfig.ControlPlaneLogs.allTypes
            for type in types where !allowed.contains(type) {
                let suggestion = ConfigMapping.closest(to: type, in: allowed).map { " (did you mean \($0)?)" } ?? ""
                throw logs.error(
                    .invalidValue,
                    at: "types",
                    "\"\(type)\" is not an EKS control-plane log type\(suggestion); use any of \(allowed.joined(separator: ", "))"
                )
            }
            if Set(types).count != types.count {
                throw logs.error(.invalidValue, at: "types", "a log type is listed twice; list each once")
            }
            result.types = types
        }
        if let days = try logs.int("retentionDays") {
            guard CloudWatchLogsClient.retentionDays.contains(days) else {
                let allowed = CloudWatchLogsClient.retentionDays.sorted().map(String.init).joined(separator: ", ")
                throw logs.error(
                    .invalidValue,
                    at: "retentionDays",
                    "CloudWatch Logs keeps events for one of \(allowed) days, not \(days)"
                )
            }
            result.retentionDays = days
        }
        if let keep = try logs.bool("keepOnDown") { result.keepOnDown = keep }
        return result
    }

    private func parseNetwork(_ network: ConfigMapping, region: String) throws -> PlatformConfig.Network {
        var result = PlatformConfig.Network()
        if let cidr = try network.string("vpcCIDR") {
            guard ConfigValidation.isIPv4CIDR(cidr, prefixRange: 16...23) else {
                throw network.error(
                    .invalidValue,
                    at: "vpcCIDR",
                    "\"\(cidr)\" is not a valid VPC CIDR: use an IPv4 network address with a /16 to /23 prefix (the six private and "
                        + "six public subnets are carved from it), e.g. 10.42.0.0/16"
                )
            }
            result.vpcCIDR = cidr
        }
        if let zones = network.value("availabilityZones") {
            if case .sequence = zones {
                let names = try network.strings("availabilityZones") ?? []
                for zone in names
                where !(zone.hasPrefix(region) && ConfigValidation.matches(String(zone.dropFirst(region.count)), "[a-z]")) {
                    throw network.error(
                        .invalidValue,
                        at: "availabilityZones",
                        "zone \"\(zone)\" is not in region \(region); use names like \(region)a"
                    )
                }
                if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
                    throw network.error(
                        .invalidValue,
                        at: "availabilityZones",
                        "zone \"\(twice)\" is listed more than once; list each zone once"
                    )
                }
                guard names.count >= 2 else {
                    throw network.error(
                        .invalidValue,
                        at: "availabilityZones",
                        "list at least two different zones (EKS requires two)"
                    )
                }
                result.availabilityZones = .names(names)
            } else {
                guard let count = try network.int("availabilityZones"), (2...6).contains(count) else {
                    throw network.error(
                        .invalidValue,
                        at: "availabilityZones",
                        "use a zone count from 2 to 6, or a list of zone names"
                    )
                }
                result.availabilityZones = .count(count)
            }
        }
        if let nat = try network.string("natGateways") {
            guard let value = PlatformConfig.NATGateways(rawValue: nat) else {
                throw network.error(.invalidValue, at: "natGateways", "unsupported value \"\(nat)\"; use single or perZone")
            }
            // Without a NAT gateway, nodes in the private subnets reach nothing outside the VPC: no image pulls
            // (ECR), no tokens (STS), no Karpenter (EC2, SQS), no joining (EKS). A private cluster needs the VPC
            // endpoints EKS's "private clusters" page lists, which this platform does not create (yet).
            guard value != .none else {
                throw network.error(
                    .invalidValue,
                    at: "natGateways",
                    "none would leave the nodes without any route to ECR, STS, EC2, SQS or EKS: this platform does not "
                        + "create the VPC endpoints a private cluster needs; use single (one shared NAT gateway) or perZone"
                )
            }
            result.natGateways = value
        }
        if let existing = try network.mapping("existing", known: ["vpcID", "privateSubnetIDs", "publicSubnetIDs"]) {
            let vpcID = try existing.requiredString("vpcID", hint: "give the VPC id, e.g. vpcID: vpc-0abc…")
            guard ConfigValidation.matches(vpcID, "vpc-[0-9a-f]{8,17}") else {
                throw existing.error(
                    .invalidValue,
                    at: "vpcID",
                    "\"\(vpcID)\" is not a VPC id (vpc- followed by 8 or 17 hex digits)"
                )
            }
            guard let privateIDs = try existing.strings("privateSubnetIDs") else {
                throw existing.missing("privateSubnetIDs", "list at least two private subnet ids in different zones")
            }
            let publicIDs = try existing.strings("publicSubnetIDs") ?? []
            guard privateIDs.count >= 2 else {
                throw existing.error(
                    .invalidValue,
                    at: "privateSubnetIDs",
                    "list at least two private subnets (EKS requires two zones)"
                )
            }
            for (key, ids) in [("privateSubnetIDs", privateIDs), ("publicSubnetIDs", publicIDs)] {
                for id in ids where !ConfigValidation.matches(id, "subnet-[0-9a-f]{8,17}") {
                    throw existing.error(
                        .invalidValue,
                        at: key,
                        "\"\(id)\" is not a subnet id (subnet- followed by 8 or 17 hex digits)"
                    )
                }
            }
            result.existing = PlatformConfig.ExistingNetwork(
                vpcID: vpcID,
                privateSubnetIDs: privateIDs,
                publicSubnetIDs: publicIDs
            )
        }
        return result
    }

    private func parseEndpointAccess(_ endpoint: ConfigMapping) throws -> PlatformConfig.EndpointAccess {
        var result = PlatformConfig.EndpointAccess()
        if let value = try endpoint.bool("public") { result.public = value }
        if let value = try endpoint.bool("private") { result.private = value }
        if let cidrs = try endpoint.strings("publicCIDRs") {
            for cidr in cidrs where !ConfigValidation.isIPv4CIDR(cidr) {
                throw endpoint.error(.invalidValue, at: "publicCIDRs", "\"\(cidr)\" is not an IPv4 CIDR such as 203.0.113.0/24")
            }
            guard !cidrs.isEmpty else {
                throw endpoint.error(.invalidValue, at: "publicCIDRs", "list at least one CIDR, or set public: false")
            }
            result.publicCIDRs = cidrs
        }
        guard result.public || result.private else {
            throw endpoint.error(.invalidValue, at: "public", "at least one of public and private must be true")
        }
        return result
    }

    private func parseSystemNodeGroup(_ group: ConfigMapping) throws -> PlatformConfig.SystemNodeGroup {
        var result = PlatformConfig.SystemNodeGroup()
        if let types = try group.strings("instanceTypes") {
            guard !types.isEmpty else {
                throw group.error(.invalidValue, at: "instanceTypes", "list at least one instance type, e.g. [m6i.large]")
            }
            for type in types where !ConfigValidation.matches(type, "[a-z][a-z0-9-]*\\.[a-z0-9-]+") {
                throw group.error(.invalidValue, at: "instanceTypes", "\"\(type)\" is not an EC2 instance type such as m6i.large")
            }
            result.instanceTypes = types
        }
        if let size = try group.mapping("size", known: ["min", "desired", "max"]) {
            let min = try size.int("min") ?? result.size.min
            let max = try size.int("max") ?? Swift.max(result.size.max, min)
            let desired = try size.int("desired") ?? Swift.min(Swift.max(min, result.size.desired), max)
            guard min >= 0 else { throw size.error(.invalidValue, at: "min", "min must be 0 or more") }
            guard max >= 1 else { throw size.error(.invalidValue, at: "max", "max must be at least 1") }
            guard min <= desired, desired <= max else {
                throw size.error(
                    .invalidValue,
                    at: size.has("desired") ? "desired" : "min",
                    "sizes must satisfy min ≤ desired ≤ max (got min \(min), desired \(desired), max \(max))"
                )
            }
            result.size = PlatformConfig.Size(min: min, desired: desired, max: max)
        }
        if let amiType = try group.string("amiType") {
            guard ConfigValidation.eksAMITypes.contains(amiType) else {
                var message = "unsupported EKS AMI type \"\(amiType)\""
                if let suggestion = ConfigMapping.closest(to: amiType, in: ConfigValidation.eksAMITypes) {
                    message += "; did you mean \(suggestion)?"
                }
                throw group.error(.invalidValue, at: "amiType", message)
            }
            result.amiType = amiType
        }
        if let taint = try group.mapping("taint", known: ["key", "value", "effect"]) {
            let key = try taint.requiredString("key", hint: "set the taint key, e.g. key: CriticalAddonsOnly")
            guard ConfigValidation.isLabelKey(key) else {
                throw taint.error(
                    .invalidValue,
                    at: "key",
                    "\"\(key)\" is not a valid taint key (label-key syntax, e.g. CriticalAddonsOnly)"
                )
            }
            let value = try taint.string("value")
            if let value, !ConfigValidation.isLabelValue(value) {
                throw taint.error(
                    .invalidValue,
                    at: "value",
                    "\"\(value)\" is not a valid taint value (≤ 63 letters, digits, '-', '_', '.')"
                )
            }
            let effectText = try taint.string("effect") ?? SystemTaint.Effect.noSchedule.rawValue
            guard let effect = SystemTaint.Effect(rawValue: effectText) else {
                let allowed = SystemTaint.Effect.allCases.map(\.rawValue)
                var message = "unsupported taint effect \"\(effectText)\"; use one of \(allowed.joined(separator: ", "))"
                if let suggestion = ConfigMapping.closest(to: effectText, in: allowed) {
                    message += " (did you mean \(suggestion)?)"
                }
                throw taint.error(.invalidValue, at: "effect", message)
            }
            result.taint = SystemTaint(key: key, value: value, effect: effect)
        }
        if let labels = try group.stringMap("labels") {
            for key in labels.keys.sorted() {
                guard ConfigValidation.isLabelKey(key), ConfigValidation.isLabelValue(labels[key] ?? "") else {
                    throw group.entryError(
                        .invalidValue,
                        at: "labels",
                        entry: key,
                        "label \"\(key)\" has an invalid key or value: keys are [prefix/]name, values ≤ 63 letters, digits, "
                            + "'-', '_', '.'"
                    )
                }
            }
            result.labels = labels
        }
        return result
    }

    /// `spec.addons`: names, or `{ name, version }` entries that pin a version (`v1.11.4-eksbuild.2`).
    func parseAddons(_ spec: ConfigMapping) throws -> ([String], [String: String])? {
        guard let node = spec.value("addons") else { return nil }
        guard case .sequence(let sequence) = node else {
            throw spec.error(
                .wrongType,
                at: "addons",
                "expected a list of add-on names or { name, version } entries, found \(ConfigMapping.describe(node))"
            )
        }
        var names: [String] = []
        var versions: [String: String] = [:]
        for (index, item) in sequence.enumerated() {
            let path = "\(spec.fieldPath("addons"))[\(index)]"
            if case .mapping = item {
                let entry = try ConfigMapping(item, path: path, file: spec.file, known: ["name", "version"])
                let name = try entry.requiredString("name", hint: "give the add-on's name, e.g. name: coredns")
                if let version = try entry.string("version") {
                    guard ConfigValidation.matches(version, "v[0-9]+\\.[0-9]+\\.[0-9]+(-eksbuild\\.[0-9]+)?") else {
                        throw entry.error(
                            .invalidValue,
                            at: "version",
                            "\"\(version)\" is not an EKS add-on version; use the form EKS lists, e.g. "
                                + "v1.11.4-eksbuild.2 (aws eks describe-addon-versions --addon-name \(name))"
                        )
                    }
                    versions[name] = version
                }
                names.append(name)
            } else {
                names.append(try ConfigMapping.scalarString(item, file: spec.file, path: path))
            }
        }
        return (names, versions)
    }

    private func parseAccess(_ access: ConfigMapping) throws -> PlatformConfig.Access {
        guard let node = access.value("admins") else { return PlatformConfig.Access() }
        guard case .sequence(let items) = node else {
            throw access.error(.wrongType, at: "admins", "expected a list such as [{role: PlatformAdmin}]")
        }
        var admins: [PlatformConfig.Principal] = []
        for (index, item) in items.enumerated() {
            let entry = try ConfigMapping(
                item,
                path: "\(access.fieldPath("admins"))[\(index)]",
                file: file,
                known: ["role", "arn"]
            )
            switch (try entry.string("role"), try entry.string("arn")) {
            case (let role?, nil):
                guard ConfigValidation.isIAMRoleName(role) else {
                    throw entry.error(
                        .invalidValue,
                        at: "role",
                        "\"\(role)\" is not an IAM role name (give the name, not the ARN)"
                    )
                }
                admins.append(.role(role))
            case (nil, let arn?):
                guard ConfigValidation.isIAMPrincipalARN(arn) else {
                    throw entry.error(.invalidValue, at: "arn", "\"\(arn)\" is not an IAM role or user ARN")
                }
                admins.append(.arn(arn))
            default:
                throw entry.error(.invalidValue, at: "role", "give exactly one of role (a role name) or arn")
            }
        }
        return PlatformConfig.Access(admins: admins)
    }

    private func parseKarpenter(_ karpenter: ConfigMapping) throws -> PlatformConfig.Karpenter {
        var result = PlatformConfig.Karpenter()
        if let version = try karpenter.string("version") {
            guard ConfigValidation.matches(version, "[0-9]+\\.[0-9]+\\.[0-9]+") else {
                throw karpenter.error(
                    .invalidValue,
                    at: "version",
                    "\"\(version)\" is not a Karpenter chart version such as 1.14.1 (no leading v)"
                )
            }
            result.version = version
        }
        if let nodeClass = try karpenter.mapping("nodeClass", known: ["amiAlias"]) {
            if let alias = try nodeClass.string("amiAlias") {
                if let problem = ConfigValidation.amiAliasProblem(alias) {
                    throw nodeClass.error(.invalidValue, at: "amiAlias", "\"\(alias)\": \(problem)")
                }
                result.nodeClass.amiAlias = alias
            }
        }
        if let pool = try karpenter.mapping(
            "nodePool",
            known: ["capacityTypes", "instanceCategories", "cpuLimit", "consolidateAfter"]
        ) {
            if let types = try pool.strings("capacityTypes") {
                let allowed = ["on-demand", "spot", "reserved"]
                guard !types.isEmpty, types.allSatisfy(allowed.contains) else {
                    throw pool.error(.invalidValue, at: "capacityTypes", "use one or more of \(allowed.joined(separator: ", "))")
                }
                result.nodePool.capacityTypes = types
            }
            if let categories = try pool.strings("instanceCategories") {
                guard !categories.isEmpty, categories.allSatisfy({ ConfigValidation.matches($0, "[a-z]{1,3}") }) else {
                    throw pool.error(.invalidValue, at: "instanceCategories", "use EC2 instance categories such as [c, m, r]")
                }
                result.nodePool.instanceCategories = categories
            }
            if let cpu = try pool.string("cpuLimit") {
                do {
                    let quantity = try Quantity(parsing: cpu)
                    guard quantity.value > 0 else {
                        throw pool.error(.invalidValue, at: "cpuLimit", "cpuLimit must be greater than 0")
                    }
                    result.nodePool.cpuLimit = quantity
                } catch let error as Quantity.ParseError {
                    throw pool.error(.invalidValue, at: "cpuLimit", error.description)
                }
            }
            if let after = try pool.string("consolidateAfter") {
                guard after == "Never" || ConfigValidation.isDuration(after) else {
                    throw pool.error(
                        .invalidValue,
                        at: "consolidateAfter",
                        "\"\(after)\" is not a duration such as 30s, 1m, 1h, or Never"
                    )
                }
                result.nodePool.consolidateAfter = after
            }
        }
        if let queue = try karpenter.bool("interruptionQueue") { result.interruptionQueue = queue }
        return result
    }

    private func parseGitOps(_ gitops: ConfigMapping, name: String) throws -> PlatformConfig.GitOps {
        var flux = PlatformConfig.Flux()
        if let fluxMapping = try gitops.mapping("flux", known: ["version", "manifestURL", "sha256", "insecureAllowUnpinned"]) {
            if let version = try fluxMapping.string("version") {
                guard ConfigValidation.matches(version, "v[0-9]+\\.[0-9]+\\.[0-9]+") else {
                    throw fluxMapping.error(.invalidValue, at: "version", "\"\(version)\" is not a Flux release such as v2.9.4")
                }
                flux.version = version
            }
            if let url = try fluxMapping.string("manifestURL") {
                guard url.hasPrefix("https://") || url.hasPrefix("file://") || url.hasPrefix("/") else {
                    throw fluxMapping.error(.invalidValue, at: "manifestURL", "use an https:// URL or a local file path")
                }
                flux.manifestURL = url
            }
            if let sha = try fluxMapping.string("sha256") {
                guard ConfigValidation.matches(sha, "[0-9a-f]{64}") else {
                    throw fluxMapping.error(.invalidValue, at: "sha256", "expected 64 lowercase hex digits")
                }
                flux.sha256 = sha
            }
            flux.insecureAllowUnpinned = try fluxMapping.bool("insecureAllowUnpinned") ?? false
        }
        guard let repo = try gitops.mapping("repository", known: ["url", "branch", "path"]) else {
            throw gitops.missing("repository", "add repository: { url: ssh://git@github.com/acme/platform.git }")
        }
        let url = try repo.requiredString("url", hint: "give the Git URL Flux pulls, e.g. ssh://git@github.com/acme/platform.git")
        guard url.hasPrefix("ssh://") || url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw repo.error(
                .invalidValue,
                at: "url",
                "\"\(url)\" is not a URL Flux accepts; use ssh://git@host/owner/repo.git (not git@host:owner/repo) or https://"
            )
        }
        let branch = try repo.string("branch") ?? "main"
        guard !branch.isEmpty, !branch.contains(" ") else {
            throw repo.error(.invalidValue, at: "branch", "give a branch name such as main")
        }
        let path = try repo.string("path") ?? "kube/clusters/\(name)"
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts.suffix(2) == ["clusters", name], !path.hasPrefix("/"), !parts.contains("..") else {
            throw repo.error(
                .invalidValue,
                at: "path",
                "\"\(path)\" must be a relative path ending in clusters/\(name) (where platformctl render writes this cluster's "
                    + "Flux objects), e.g. kube/clusters/\(name)"
            )
        }
        var credentials: PlatformConfig.Credentials?
        if let creds = try gitops.mapping("credentials", known: ["sshPrivateKey", "file"]) {
            switch (try creds.string("sshPrivateKey"), try creds.string("file")) {
            case (let key?, nil):
                // platform.yaml is meant for git: a key written into it would be committed.
                guard key.hasPrefix("op://") else {
                    throw creds.error(
                        .invalidValue,
                        at: "sshPrivateKey",
                        "a private key written into platform.yaml would end up in git; give an op:// reference "
                            + "(op://vault/item/private key) or use file: with a path to the key"
                    )
                }
                guard OnePasswordReference(key) != nil else {
                    throw creds.error(
                        .invalidValue,
                        at: "sshPrivateKey",
                        "\"\(key)\" is not a complete 1Password reference: write op://vault/item/field "
                            + "(or op://vault/item/section/field)"
                    )
                }
                credentials = .sshPrivateKey(key)
            case (nil, let path?): credentials = .file(path)
            default:
                throw creds.error(
                    .invalidValue,
                    at: "sshPrivateKey",
                    "give exactly one of sshPrivateKey (e.g. an op:// reference) or file"
                )
            }
            if url.hasPrefix("http"), case .sshPrivateKey = credentials {
                throw gitops.error(.invalidValue, at: "credentials", "an SSH key needs an ssh:// repository URL")
            }
        }
        return PlatformConfig.GitOps(
            flux: flux,
            repository: PlatformConfig.Repository(url: url, branch: branch, path: path),
            credentials: credentials
        )
    }

    // MARK: - operator

    /// A secret field that must be a 1Password reference: a literal secret in a file meant for git is refused.
    private func opReference(_ mapping: ConfigMapping, _ key: String) throws -> String {
        let value = try mapping.requiredString(key, hint: "an op:// reference")
        guard value.hasPrefix("op://") else {
            throw mapping.error(
                .invalidValue,
                at: key,
                "a secret written into this file would end up in git or a backup; give an op:// reference "
                    + "(op://vault/item/field) to where 1Password keeps it"
            )
        }
        guard OnePasswordReference(value) != nil else {
            throw mapping.error(
                .invalidValue,
                at: key,
                "\"\(value)\" is not a complete 1Password reference: write op://vault/item/field"
            )
        }
        return value
    }

    private func parseOperator(_ section: ConfigMapping) throws -> PlatformConfig.Operator {
        let source: PlatformConfig.CredentialSource
        let user = try section.mapping("user", known: ["accessKeyID", "secretAccessKey", "mfaSerial", "totp"])
        let profile = try section.string("profile")
        switch (user, profile) {
        case (let user?, nil):
            source = .user(
                PlatformConfig.UserCredentials(
                    accessKeyID: try user.requiredString("accessKeyID", hint: "usually an op:// reference to the access key id"),
                    secretAccessKey: try opReference(user, "secretAccessKey"),
                    mfaSerial: try user.string("mfaSerial"),
                    totp: try user.string("totp")
                )
            )
        case (nil, let profile?):
            guard !profile.isEmpty else { throw section.error(.invalidValue, at: "profile", "give an AWS CLI profile name") }
            source = .profile(profile)
        default:
            throw section.error(
                .invalidValue,
                at: "user",
                "give exactly one of user (IAM user keys) or profile (an AWS CLI profile)"
            )
        }
        var result = PlatformConfig.Operator(source: source)
        if let roles = try section.stringMap("roles") {
            for name in roles.keys.sorted() {
                let role = roles[name] ?? ""
                guard ConfigValidation.isIAMRoleName(role) || ConfigValidation.isIAMPrincipalARN(role) else {
                    throw section.entryError(
                        .invalidValue,
                        at: "roles",
                        entry: name,
                        "\"\(role)\" is not an IAM role name or role ARN"
                    )
                }
            }
            result.roles = roles
        }
        if let duration = try section.string("sessionDuration") {
            guard let seconds = ConfigValidation.durationSeconds(duration), (900...43200).contains(seconds) else {
                throw section.error(
                    .invalidValue,
                    at: "sessionDuration",
                    "\"\(duration)\" must be a duration from 15m to 12h, e.g. 1h"
                )
            }
            result.sessionDuration = duration
        }
        return result
    }
}
