import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl kubeconfig`: add (or refresh) an EKS cluster in a kubeconfig, authenticating with `platformctl token`.
struct KubeconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Write an EKS cluster into a kubeconfig (names NAME.REGION; tokens via `platformctl token`)."
    )

    @Option(
        name: .customLong("cluster-name"),
        help: "The EKS cluster name (default: metadata.name of --config, else of ./platform.yaml; its region too)."
    )
    var clusterName: String?

    @Option(
        name: .customLong("role-arn"),
        help: ArgumentHelp(
            "Have `platformctl token` assume this role (an ARN, or NAME / PATH/NAME in your own account).",
            discussion: "A role in your own account is written by name, so the kubeconfig does not carry the account id."
        )
    )
    var roleARN: String?

    @Option(help: "Have `platformctl token` use this operator role (from the operator settings); also used here.")
    var role: String?

    @Option(name: .customLong("config"), help: "Operator settings for --role (written into the exec stanza).")
    var operatorConfig: String?

    @Option(help: "The kubeconfig file (default: the first entry of KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The context name (default: NAME.REGION).")
    var alias: String?

    @OptionGroup var aws: AWSOptions

    func validate() throws {
        if let clusterName, clusterName.isEmpty { throw ValidationError("--cluster-name must not be empty") }
        if let alias, alias.isEmpty { throw ValidationError("--alias must not be empty") }
        if let roleARN, ARN(parsing: roleARN)?.iamRoleNameWithPath == nil, !ARN.isIAMRoleNameWithPath(roleARN) {
            throw ValidationError(
                "--role-arn \"\(roleARN)\" is neither an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME) nor a role name"
            )
        }
    }

    /// The cluster name and region: the flags, else platform.yaml's (`--config`, else the current folder's).
    func target() throws -> (name: String, region: String?) {
        if let clusterName { return (clusterName, aws.region) }
        let path = operatorConfig ?? "platform.yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError(message: "no --cluster-name and no \(path) to take it from; pass --cluster-name NAME")
        }
        let platform = try loadPlatformConfig(path)
        return (platform.name, aws.region ?? platform.spec.region)
    }

    func run() async throws {
        let (clusterName, region) = try target()
        let session: AWSSession
        let cluster: EKSCluster
        do {
            var base = aws.sessionOptions()
            base.region = region
            let options = try await RoleOptions(role: role).apply(to: base, operatorConfig: operatorConfig)
            session = try AWSSession(options)
        } catch {
            throw CLIError(error)
        }
        let execRole: String?
        do {
            cluster = try await session.eks.describeCluster(name: clusterName)
            execRole = try await Self.execRole(roleARN, session: session)
            try? await session.shutdown()
        } catch {
            try? await session.shutdown()
            throw CLIError(error)
        }
        guard let endpoint = cluster.endpoint, !endpoint.isEmpty,
            let caData = cluster.certificateAuthority?.data, !caData.isEmpty
        else {
            throw CLIError(
                message: "cluster \(clusterName) has no endpoint or certificate authority yet (status "
                    + "\(cluster.status)); wait until it is ACTIVE and run this again"
            )
        }
        let path = kubeconfig ?? Kubeconfig.defaultPath(environment: ProcessInfo.processInfo.environment)
        let entry = Kubeconfig.EKSEntry(
            clusterName: clusterName,
            region: session.region.name,
            server: endpoint,
            certificateAuthorityData: caData,
            roleARN: execRole,
            profile: aws.profile,
            operatorRole: role,
            operatorConfig: operatorConfig.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
            alias: alias
        )
        do {
            try Kubeconfig.merge(entry, into: path)
        } catch {
            throw CLIError(error)
        }
        print(Console.redactor.redact("Added context \(entry.contextName) (cluster \(entry.entryName)) to \(path)"))
    }

    /// What `--role-arn` the exec stanza carries: a role in the caller's own account by its name (with path), so no
    /// account id is written to the kubeconfig; a role in another account keeps its ARN, and the user is told.
    static func execRole(_ requested: String?, session: AWSSession) async throws -> String? {
        guard let requested, let arn = ARN(parsing: requested), let name = arn.iamRoleNameWithPath else {
            return requested
        }
        let caller = try await session.sts.getCallerIdentity()
        guard caller.account == arn.account else {
            FileHandle.standardError.write(
                Data(
                    ("note: role \(name) is in account \(arn.account), not the one you are signed in to; the kubeconfig "
                        + "keeps its full ARN\n").utf8
                )
            )
            return requested
        }
        return name
    }
}
