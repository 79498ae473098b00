import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl kubeconfig`: add (or refresh) an EKS cluster in a kubeconfig, authenticating with `platformctl token`.
struct KubeconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Write an EKS cluster into a kubeconfig (names NAME.REGION; tokens via `platformctl token`)."
    )

    @Option(name: .customLong("cluster-name"), help: "The EKS cluster name.")
    var clusterName: String

    @Option(name: .customLong("role-arn"), help: "Have `platformctl token` assume this role.")
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
        if clusterName.isEmpty { throw ValidationError("--cluster-name must not be empty") }
        if let alias, alias.isEmpty { throw ValidationError("--alias must not be empty") }
    }

    func run() async throws {
        let session: AWSSession
        let cluster: EKSCluster
        do {
            let options = try await RoleOptions(role: role).apply(to: aws.sessionOptions(), operatorConfig: operatorConfig)
            session = try AWSSession(options)
        } catch {
            throw CLIError(error)
        }
        do {
            cluster = try await session.eks.describeCluster(name: clusterName)
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
            roleARN: roleARN,
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
}
