import EKSPlatformKit
import Foundation
import Testing

@testable import EKSAWS
@testable import platformctl

@Suite(
    "Engine: platformctl init/validate",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct EngineCLITests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("engine-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("init writes a valid commented example and refuses to overwrite it")
    func initAndValidate() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("platform.yaml").path
        let first = try await CLI.run(["init", "--config", path, "--name", "staging", "--region", "eu-west-1", "--no-flux-pin"])
        #expect(first.status == 0, "\(first.stderr)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("name: staging"))
        #expect(text.contains("# the EKS cluster name"))
        let config = try PlatformConfig.parse(text, file: path)
        #expect(config.name == "staging" && config.spec.region == "eu-west-1")

        let second = try await CLI.run(["init", "--config", path, "--no-flux-pin"])
        #expect(second.status != 0)
        #expect(second.stderr.contains("already exists; not overwriting it"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)

        let valid = try await CLI.run(["validate", "--config", path])
        #expect(valid.status == 0, "\(valid.stderr)")
        #expect(
            valid.stdout
                == "\(path): valid; cluster staging in eu-west-1, 34 AWS resources + Flux sync of kube/clusters/staging\n"
        )
        let json = try await CLI.run(["validate", "--config", path, "--output", "json"])
        #expect(json.stdout == #"{"cluster":"staging","region":"eu-west-1","resources":34,"valid":true}"# + "\n")
    }

    @Test("validate reports file:line:column and the field, exit 1")
    func invalid() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.yaml").path
        let text = PlatformTemplate.yaml().replacingOccurrences(of: "natGateways: single", with: "natGateways: several")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let result = try await CLI.run(["validate", "--config", path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: \(path):"))
        #expect(result.stderr.contains("spec.network.natGateways"))
        let small = PlatformTemplate.yaml().replacingOccurrences(of: "vpcCIDR: 10.42.0.0/16", with: "vpcCIDR: 10.42.0.0/25")
        try Data(small.utf8).write(to: URL(fileURLWithPath: path))
        let tooSmall = try await CLI.run(["validate", "--config", path, "--output", "json"])
        #expect(tooSmall.status == 1)
        // The file's own check states the range the blueprint needs (/16 to /23), so it is caught there first.
        #expect(tooSmall.stdout.contains(#""code":"config.invalid-value""#))
        #expect(tooSmall.stdout.contains("/16 to /23"))
        // Five mistakes: five error lines in one run, and the same list as JSON.
        let five = PlatformTemplate.yaml()
            .replacingOccurrences(of: "kubernetesVersion: \"1.33\"", with: "kubernetesVersion: \"1.99\"")
            .replacingOccurrences(of: "vpcCIDR: 10.42.0.0/16", with: "vpcCIDR: 10.42.0.0/33")
            .replacingOccurrences(of: "natGateways: single", with: "natGateways: several")
            .replacingOccurrences(of: "effect: NoSchedule", with: "effect: Never")
            .replacingOccurrences(of: "consolidateAfter: 1m", with: "consolidateAfter: soon")
        try Data(five.utf8).write(to: URL(fileURLWithPath: path))
        let all = try await CLI.run(["validate", "--config", path])
        #expect(all.status == 1)
        #expect(all.stderr.components(separatedBy: "error: ").count - 1 == 5, "\(all.stderr)")
        #expect(all.stderr.contains("5 problems in \(path)"))
        let allJSON = try await CLI.run(["validate", "--config", path, "--output", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(allJSON.stdout.utf8)) as? [String: Any]
        #expect((object?["errors"] as? [Any])?.count == 5)
        // `plan` and `up` read the same file the same way: all five, before any AWS request (no endpoint is even
        // reachable here), and the exit status of the same mistake is the same in every command.
        for command in ["plan", "up"] {
            let run = try await CLI.run([command, "--config", path, "--endpoint-url", "http://127.0.0.1:9"])
            #expect(run.status == all.status, "\(command): \(run.stderr)")
            #expect(run.stderr.components(separatedBy: "error: ").count - 1 == 5, "\(command): \(run.stderr)")
        }
    }
}

@Suite("Engine: plan and progress rendering")
struct EngineRenderingTests {
    @Test("plan text: + ~ -/+ - with reasons, account id masked, summary")
    func planText() {
        let plan = Plan(
            cluster: "dev",
            changes: [
                .init(id: ResourceID(.vpc, "main"), action: .create, reasons: ["does not exist"]),
                .init(id: ResourceID(.nodeGroup, "system"), action: .update, reasons: ["labels differ: team=a → team=b"]),
                .init(
                    id: ResourceID(.accessEntry, "x"),
                    action: .delete,
                    reasons: ["principal arn:aws:iam::111122223333:role/Old no longer in platform.yaml"]
                ),
                .init(id: ResourceID(.subnet, "public-a"), action: .noop, reasons: []),
            ]
        )
        Console.redactor.register(accountID: "111122223333")
        #expect(
            PlanPrinter.text(plan, colour: false)
                == """
                  + vpc/main
                      does not exist
                  ~ nodeGroup/system
                      labels differ: team=a → team=b
                  - accessEntry/x
                      principal arn:aws:iam::************:role/Old no longer in platform.yaml
                Plan: 1 to create, 1 to update, 0 to replace, 1 to delete, 1 unchanged.
                """
        )
        #expect(PlanPrinter.text(plan, colour: true).contains("\u{1B}[32m  + vpc/main\u{1B}[0m"))
        #expect(PlanPrinter.exitCode(plan, detailed: true) == 2)
        #expect(PlanPrinter.exitCode(plan, detailed: false) == 0)
        let json = PlanPrinter.json(plan)
        #expect(json.hasPrefix(#"{"changes":[{"action":"create","id":"vpc/main","reasons":["does not exist"]}"#))
        #expect(json.contains(#""counts":{"create":1,"delete":1,"noop":1,"replace":0,"update":1}"#))
        #expect(!json.contains("111122223333"))
        let empty = Plan(cluster: "dev", changes: [.init(id: ResourceID(.vpc, "main"), action: .noop, reasons: [])])
        #expect(PlanPrinter.exitCode(empty, detailed: true) == 0)
        #expect(PlanPrinter.text(empty, colour: false).hasPrefix("No changes: the platform dev matches platform.yaml."))
    }

    @Test("progress: plain lines, JSON lines, a live line on a TTY")
    func progress() {
        final class Sink: @unchecked Sendable {
            var text = ""
        }
        let sink = Sink()
        let start = Date(timeIntervalSince1970: 1000)
        let lines = ProgressPrinter(mode: .lines, colour: false, clock: { start }) { sink.text += $0 }
        lines.handle(.phaseStarted("apply"))
        lines.handle(.stepStarted(id: "create vpc/main", title: "create vpc/main"))
        lines.handle(.waiting(id: "create cluster/main", on: "cluster ACTIVE", status: "CREATING"))
        lines.handle(.stepSucceeded(id: "create vpc/main", detail: "created vpc-1"))
        #expect(
            sink.text == "==> apply\n    start   create vpc/main\n    waiting create cluster/main: cluster ACTIVE (CREATING)\n"
                + "    ok      create vpc/main: created vpc-1\n"
        )
        // Issue 16: done/total on finished steps, a heartbeat after 30 s of silence naming what is awaited and the
        // status last seen, and a line for every retry.
        final class Clock: @unchecked Sendable {
            var now = Date(timeIntervalSince1970: 1000)
        }
        let clock = Clock()
        sink.text = ""
        let counted = ProgressPrinter(mode: .lines, colour: false, clock: { clock.now }) { sink.text += $0 }
        counted.expect(steps: 3)
        counted.handle(.stepStarted(id: "create cluster/main", title: "create cluster/main"))
        counted.handle(.waiting(id: "create cluster/main", on: "cluster ACTIVE", status: "CREATING"))
        clock.now += 29
        counted.heartbeat()
        #expect(!sink.text.contains("still running"), "no heartbeat before 30 s of silence")
        clock.now += 61
        counted.heartbeat()
        #expect(sink.text.contains("    ...     1m30s elapsed, still running: create cluster/main (cluster ACTIVE: CREATING)\n"))
        counted.heartbeat()
        #expect(sink.text.components(separatedBy: "still running").count == 2, "once per silence")
        counted.handle(.stepSucceeded(id: "create cluster/main", detail: "ACTIVE"))
        #expect(sink.text.hasSuffix("    [1/3] ok      create cluster/main: ACTIVE\n"))
        var record = AWSAttemptRecord(
            service: "ec2",
            operation: "DescribeVpcs",
            isMutating: false,
            attempt: 1,
            statusCode: 400,
            errorCode: "Throttling",
            duration: .milliseconds(5)
        )
        counted.retrying(record)
        #expect(!sink.text.contains("retry "), "an attempt that is not retried says nothing")
        record.retryingIn = .milliseconds(1500)
        counted.retrying(record)
        #expect(sink.text.hasSuffix("    retry   ec2 DescribeVpcs: Throttling, retrying in 1.5 s (attempt 2)\n"))
        let quiet = ProgressPrinter(mode: .json, colour: false, clock: { clock.now }) { sink.text += $0 }
        sink.text = ""
        quiet.heartbeat()
        #expect(sink.text.isEmpty, "JSON lines carry no heartbeat")
        sink.text = ""
        let json = ProgressPrinter(mode: .json, colour: false, clock: { start }) { sink.text += $0 }
        json.handle(.stepFailed(id: "create vpc/main", message: "boom"))
        #expect(sink.text == #"{"elapsedSeconds":0,"event":"stepFailed","message":"boom","step":"create vpc/main"}"# + "\n")
        sink.text = ""
        let live = ProgressPrinter(mode: .live, colour: false, clock: { start }) { sink.text += $0 }
        live.handle(.phaseStarted("apply"))
        live.handle(.stepStarted(id: "create vpc/main", title: "create vpc/main"))
        #expect(sink.text.hasSuffix("\r\u{1B}[2K    start   create vpc/main\n[apply] 0s, running: create vpc/main"))
        let (mode, colour) = ProgressPrinter.forTerminal(json: true, environment: [:])
        #expect(mode == .json && !colour)
    }
}
