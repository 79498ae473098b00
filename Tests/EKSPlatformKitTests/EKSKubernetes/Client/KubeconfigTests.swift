import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

@Suite("kubeconfig")
struct KubeconfigTests {
    static let existing = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: kind-dev
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority-data: Zm9v
        users:
        - name: kind-dev
          user:
            client-certificate-data: Y2VydA==
            client-key-data: a2V5
        contexts:
        - name: kind-dev
          context:
            cluster: kind-dev
            user: kind-dev
            namespace: apps
        current-context: kind-dev
        preferences:
          colors: true
        extensions:
        - name: keep-me
          extension: {hello: world}

        """

    static func entry(role: String? = nil) -> Kubeconfig.EKSEntry {
        Kubeconfig.EKSEntry(
            clusterName: "demo",
            region: "us-west-2",
            server: "https://ABCDEF.gr7.us-west-2.eks.amazonaws.com",
            certificateAuthorityData: "LS0tLS1CRUdJTg==",
            roleARN: role
        )
    }

    @Test func mergePreservesOtherEntriesAndNamesByNameAndRegion() throws {
        let path = try makeTemporaryDirectory("kubeconfig") + "/config"
        try Data(Self.existing.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try Kubeconfig.merge(Self.entry(role: "arn:aws:iam::123456789012:role/Admin"), into: path)
        #expect(try permissions(path) == 0o600)
        let config = try Kubeconfig.load(path: path)
        #expect(config.clusters.map(\.name) == ["kind-dev", "demo.us-west-2"])
        #expect(config.users.map(\.name) == ["kind-dev", "demo.us-west-2"])
        #expect(config.contexts.map(\.name) == ["kind-dev", "demo.us-west-2"])
        #expect(config.currentContext == "demo.us-west-2")
        #expect(config.users[0].clientCertificateData == "Y2VydA==")
        #expect(config.contexts[0].namespace == "apps")
        let names = config.clusters.map(\.name) + config.users.map(\.name) + config.contexts.map(\.name)
        #expect(!names.contains { $0.contains("arn:") || $0.contains("123456789012") })
        let exec = try #require(config.users[1].exec)
        #expect(exec.command == "platformctl")
        #expect(exec.apiVersion == "client.authentication.k8s.io/v1beta1")
        #expect(
            exec.args == [
                "token", "--cluster-name", "demo", "--region", "us-west-2", "--role-arn",
                "arn:aws:iam::123456789012:role/Admin",
            ]
        )
        #expect(config.users[1].token == nil)
        #expect(config.clusters[1].server == "https://ABCDEF.gr7.us-west-2.eks.amazonaws.com")
        #expect(config.clusters[1].certificateAuthorityData == "LS0tLS1CRUdJTg==")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("keep-me") && text.contains("colors: true"))
        #expect(!text.contains("k8s-aws-v1"))

        // Merging again replaces in place, without duplicates.
        try Kubeconfig.merge(Self.entry(), into: path)
        let again = try Kubeconfig.load(path: path)
        #expect(again.clusters.count == 2 && again.users.count == 2 && again.contexts.count == 2)
        #expect(again.users[1].exec?.args.contains("--role-arn") == false)
        // No temporary files left beside it.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(siblings == ["config"])
    }

    @Test(
        "kubectl reads the merged file",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl"), "kubectl is not installed")
    )
    func kubectlReadsIt() async throws {
        let path = try makeTemporaryDirectory("kubectl-config") + "/config"
        try Data(Self.existing.utf8).write(to: URL(fileURLWithPath: path))
        try Kubeconfig.merge(Self.entry(), into: path)
        let env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let view = try await Subprocess.run(
            [
                "kubectl", "--kubeconfig", path, "config", "view", "-o",
                #"jsonpath={.users[?(@.name=="demo.us-west-2")].user.exec.args}"#,
            ],
            environment: env
        )
        #expect(view.status == 0, "\(String(decoding: view.stderr, as: UTF8.self))")
        #expect(String(decoding: view.stdout, as: UTF8.self) == #"["token","--cluster-name","demo","--region","us-west-2"]"#)
        let contexts = try await Subprocess.run(
            ["kubectl", "--kubeconfig", path, "config", "get-contexts", "-o", "name"],
            environment: env
        )
        #expect(contexts.status == 0)
        #expect(String(decoding: contexts.stdout, as: UTF8.self).split(separator: "\n") == ["demo.us-west-2", "kind-dev"])
        let current = try await Subprocess.run(
            ["kubectl", "--kubeconfig", path, "config", "current-context"],
            environment: env
        )
        #expect(String(decoding: current.stdout, as: UTF8.self) == "demo.us-west-2\n")
    }

    @Test func malformedKubeconfigsNameTheFileAndField() throws {
        let directory = try makeTemporaryDirectory("bad-kubeconfig")
        let cases: [(String, String, String)] = [
            ("clusters: {a: b}\n", "clusters", "expected a list"),
            ("clusters:\n- name: x\n  cluster: {}\n", "clusters[0].cluster.server", "required"),
            ("users:\n- name: u\n  user:\n    exec: {command: aws}\n", "users[0].user.exec.apiVersion", "required"),
            (
                "users:\n- name: u\n  user:\n    exec: {command: aws, apiVersion: v1, args: [[1]]}\n",
                "users[0].user.exec.args[0]", "not a string"
            ),
            ("contexts:\n- name: c\n", "contexts[0].context", "missing"),
            ("clusters: [\n", "", "not valid YAML"),
        ]
        for (index, (text, field, message)) in cases.enumerated() {
            let path = directory + "/config\(index)"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Kubeconfig.load(path: path)
                Issue.record("case \(index) was accepted")
            } catch let error as KubeconfigError {
                #expect(error.path == path)
                #expect((error.field ?? "") == field, "case \(index): \(error)")
                #expect(error.description.contains(message), "case \(index): \(error)")
                #expect(error.description.contains(path))
            }
        }
        // A context naming an undefined cluster.
        let dangling = try Kubeconfig.parse(
            "contexts:\n- name: c\n  context: {cluster: nope, user: u}\ncurrent-context: c\n",
            path: "/x/config"
        )
        #expect(throws: KubeconfigError.self) { try dangling.resolve() }
        // Merging into a malformed file refuses and leaves it alone.
        let bad = directory + "/config1"
        let before = try Data(contentsOf: URL(fileURLWithPath: bad))
        #expect(throws: KubeconfigError.self) { try Kubeconfig.merge(Self.entry(), into: bad) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: bad)) == before)
    }

    @Test func clientConfigurationFromAKubeconfig() throws {
        let config = try Kubeconfig.parse(
            """
            clusters:
            - name: c
              cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: "LS0tLS1CRUdJTiBDRVJU"}
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: platformctl
                  args: [token, --cluster-name, demo]
                  env: [{name: AWS_PROFILE, value: dev}]
                  interactiveMode: Never
            contexts:
            - name: ctx
              context: {cluster: c, user: u, namespace: team}
            current-context: ctx
            """,
            path: "/tmp/x/config"
        )
        let client = try KubeClientConfiguration.from(config)
        #expect(client.server.absoluteString == "https://10.0.0.1:6443")
        #expect(client.certificateAuthorityPEM == Array("-----BEGIN CERT".utf8))
        #expect(client.defaultNamespace == "team")
        guard case .exec(let exec) = client.authentication else {
            Issue.record("expected exec authentication")
            return
        }
        #expect(exec.env == [Kubeconfig.ExecConfig.Pair(name: "AWS_PROFILE", value: "dev")])
        #expect(exec.interactiveMode == "Never")
        #expect(config.filePath("ca.pem") == "/tmp/x/ca.pem")
    }
}

@Suite(
    "platformctl kubeconfig",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl"),
    .enabled(
        if: Subprocess.locate("aws", path: ProcessInfo.processInfo.environment["PATH"]) != nil,
        "needs the aws CLI to create a cluster in the emulator"
    )
)
struct KubeconfigCommandTests {
    @Test func writesTheClusterFromDescribeCluster() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let endpoint = emulator.endpoint.absoluteString
        var env = ProcessInfo.processInfo.environment
        env["AWS_ACCESS_KEY_ID"] = "AKIAKUBECONFIGTEST01"
        env["AWS_SECRET_ACCESS_KEY"] = "kubeconfig-secret"
        env["AWS_DEFAULT_REGION"] = "eu-west-1"
        env["AWS_CONFIG_FILE"] = "/dev/null"
        env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        func aws(_ args: [String]) async throws -> String {
            let result = try await Subprocess.run(
                ["aws", "--endpoint-url", endpoint, "--output", "text"] + args,
                environment: env
            )
            try #require(result.status == 0, "aws \(args): \(String(decoding: result.stderr, as: UTF8.self))")
            return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let vpc = try await aws(["ec2", "create-vpc", "--cidr-block", "10.9.0.0/16", "--query", "Vpc.VpcId"])
        let subnet = try await aws(
            ["ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.9.1.0/24", "--query", "Subnet.SubnetId"])
        let name = "kc-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await aws(
            [
                "eks", "create-cluster", "--name", name, "--role-arn", "arn:aws:iam::\(AWSEmulator.accountID):role/eks",
                "--resources-vpc-config", "subnetIds=\(subnet)",
            ])
        // The emulator reports CREATING for a while; describe until ACTIVE as a user would.
        for _ in 0..<10 {
            if try await aws(["eks", "describe-cluster", "--name", name, "--query", "cluster.status"]) == "ACTIVE" { break }
        }
        let path = try makeTemporaryDirectory("kubeconfig-cli") + "/kube/config"
        let result = try await CLI.run(
            ["kubeconfig", "--cluster-name", name, "--region", "eu-west-1", "--endpoint-url", endpoint, "--kubeconfig", path],
            environment: ["AWS_ACCESS_KEY_ID": "AKIAKUBECONFIGTEST01", "AWS_SECRET_ACCESS_KEY": "kubeconfig-secret"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(name).eu-west-1"))
        #expect(!result.stdout.contains(AWSEmulator.accountID))
        #expect(try permissions(path) == 0o600)
        let config = try Kubeconfig.load(path: path)
        #expect(config.currentContext == "\(name).eu-west-1")
        let cluster = try #require(config.clusters.first)
        let server = try await aws(["eks", "describe-cluster", "--name", name, "--query", "cluster.endpoint"])
        let ca = try await aws(["eks", "describe-cluster", "--name", name, "--query", "cluster.certificateAuthority.data"])
        #expect(cluster.server == server)
        #expect(cluster.certificateAuthorityData == ca)
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains(AWSEmulator.accountID))

        // KUBECONFIG's first entry is the default target.
        let second = try makeTemporaryDirectory("kubeconfig-env") + "/first"
        let viaEnv = try await CLI.run(
            ["kubeconfig", "--cluster-name", name, "--region", "eu-west-1", "--endpoint-url", endpoint, "--alias", "dev"],
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIAKUBECONFIGTEST01", "AWS_SECRET_ACCESS_KEY": "kubeconfig-secret",
                "KUBECONFIG": "\(second):/nonexistent/other",
            ]
        )
        #expect(viaEnv.status == 0, "\(viaEnv.stderr)")
        #expect(try Kubeconfig.load(path: second).currentContext == "dev")

        // A role ARN in the caller's own account is written by name, so the account id stays out of the file
        // (issue 15 item 13); a role in another account keeps its ARN and the user is told.
        let keys = ["AWS_ACCESS_KEY_ID": "AKIAKUBECONFIGTEST01", "AWS_SECRET_ACCESS_KEY": "kubeconfig-secret"]
        let own = try await CLI.run(
            [
                "kubeconfig", "--cluster-name", name, "--region", "eu-west-1", "--endpoint-url", endpoint,
                "--kubeconfig", path, "--role-arn", "arn:aws:iam::\(AWSEmulator.accountID):role/team/eks-admin",
            ],
            environment: keys
        )
        #expect(own.status == 0, "\(own.stderr)")
        let ownArgs = try #require(try Kubeconfig.load(path: path).users.last?.exec?.args)
        #expect(ownArgs.contains("--role-arn"))
        #expect(ownArgs.contains("team/eks-admin"))
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains(AWSEmulator.accountID))
        let foreign = try await CLI.run(
            [
                "kubeconfig", "--cluster-name", name, "--region", "eu-west-1", "--endpoint-url", endpoint,
                "--kubeconfig", path, "--role-arn", "arn:aws:iam::210987654321:role/eks-admin",
            ],
            environment: keys
        )
        #expect(foreign.status == 0, "\(foreign.stderr)")
        #expect(foreign.stderr.contains("210987654321"))
        #expect(
            try Kubeconfig.load(path: path).users.last?.exec?.args.contains("arn:aws:iam::210987654321:role/eks-admin") == true
        )
        let garbled = try await CLI.run(
            ["kubeconfig", "--cluster-name", name, "--kubeconfig", path, "--role-arn", "--not a role"],
            environment: keys
        )
        #expect(garbled.status != 0)

        // Without --cluster-name the name and region come from platform.yaml (--config); `down` removes the entry.
        let folder = try makeTemporaryDirectory("kubeconfig-platform")
        let platformFile = folder + "/platform.yaml"
        try """
        apiVersion: eksplatform.io/v1alpha1
        kind: Platform
        metadata: { name: \(name) }
        spec: { region: eu-west-1 }
        """.write(toFile: platformFile, atomically: true, encoding: .utf8)
        let fromFile = folder + "/kube/config"
        let byConfig = try await CLI.run(
            ["kubeconfig", "--config", platformFile, "--endpoint-url", endpoint, "--kubeconfig", fromFile],
            environment: keys
        )
        #expect(byConfig.status == 0, "\(byConfig.stderr)")
        #expect(try Kubeconfig.load(path: fromFile).currentContext == "\(name).eu-west-1")
        try Kubeconfig.merge(
            Kubeconfig.EKSEntry(
                clusterName: "other",
                region: "eu-west-1",
                server: "https://o.example",
                certificateAuthorityData: "Q0E="
            ),
            into: fromFile,
            setCurrentContext: false
        )
        let down = try await CLI.run(
            ["down", "--yes", "--config", platformFile, "--endpoint-url", endpoint],
            environment: keys.merging(["KUBECONFIG": fromFile]) { _, new in new }
        )
        #expect(down.status == 0, "\(down.stderr)")
        #expect(down.stdout.contains("Removed context \(name).eu-west-1 from \(fromFile)"))
        let after = try Kubeconfig.load(path: fromFile)
        #expect(after.clusters.map(\.name) == ["other.eu-west-1"], "the other cluster stays")
        #expect(after.currentContext == nil || after.currentContext == "")
        // An entry with the same name that platformctl did not write is left alone.
        #expect(try Kubeconfig.removeEKSEntry(clusterName: "other", region: "eu-west-1", from: fromFile).count == 1)
        #expect(try Kubeconfig.removeEKSEntry(clusterName: "absent", region: "eu-west-1", from: fromFile).isEmpty)

        let missing = try await CLI.run(
            [
                "kubeconfig", "--cluster-name", "nope-\(name)", "--region", "eu-west-1", "--endpoint-url", endpoint,
                "--kubeconfig", path,
            ],
            environment: ["AWS_ACCESS_KEY_ID": "AKIAKUBECONFIGTEST01", "AWS_SECRET_ACCESS_KEY": "kubeconfig-secret"]
        )
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("ResourceNotFoundException"))
    }
}
