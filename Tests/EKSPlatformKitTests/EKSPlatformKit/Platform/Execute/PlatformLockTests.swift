import EKSAWS
import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Synchronization
import Testing

/// The platform's run lock (a Parameter Store parameter) on the AWS emulator: moto's `PutParameter` refuses a second
/// create with `ParameterAlreadyExists` and refuses `Tags` with `Overwrite`, as Parameter Store does.
@Suite("Engine: the platform's run lock on the AWS emulator", .serialized)
struct PlatformLockTests {
    /// A gate a test opens to let a body finish.
    final class Gate: Sendable {
        let opened = Mutex(false)
        func open() { opened.withLock { $0 = true } }
        func wait() async throws {
            while !opened.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    @Test("a second run is refused naming the holder; the lock is gone after the first; tags only on create")
    func heldThenReleased() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let cluster = "lock-\(ClientTests.unique())"
        let first = PlatformLock(cluster: cluster, session: session, tags: ["eksplatform.io/cluster": cluster])
        let second = PlatformLock(cluster: cluster, session: session)
        let gate = Gate()
        let entered = Gate()
        let running = Task {
            try await first.withLock(command: "up") {
                entered.open()
                try await gate.wait()
                return "finished"
            }
        }
        try await entered.wait()
        let holder = try #require(try await second.holder())
        #expect(holder.command == "up" && holder.owner.hasPrefix("arn:aws:") && holder.pid == getpid())
        #expect(holder.expires.timeIntervalSince(holder.acquired) == 600)

        let waited = Mutex<[String]>([])
        let refused = await ClientTests.error(PlatformLockError.self) {
            _ = try await second.withLock(
                command: "down",
                // Long enough that a loaded machine's first PutParameter cannot use it all up (it did at 300 ms).
                wait: .seconds(3),
                waiting: { holder in
                    waited.withLock { $0.append(holder.command) }
                }
            ) { "never" }
        }
        #expect(refused?.kind == .held)
        #expect(refused?.holder?.token == holder.token)
        #expect(refused?.description.contains("locked by another run: up by arn:aws:") == true)
        #expect(waited.withLock { $0 } == ["up"], "told once that it waits, then stopped after the timeout")

        gate.open()
        #expect(try await running.value == "finished")
        #expect(try await session.ssm.getParameter(name: first.parameterName) == nil, "released after the run")
        #expect(try await second.withLock(command: "down") { "second" } == "second")

        // Parameter Store refuses tags together with Overwrite; the client never sends them so.
        let name = "/platformctl/\(cluster)/probe"
        try await session.ssm.putParameter(name: name, value: "1", tags: ["a": "b"])
        try await session.ssm.putParameter(name: name, value: "2", overwrite: true, tags: ["a": "b"])
        #expect(try await session.ssm.getParameter(name: name)?.value == "2")
        #expect(try await session.ssm.deleteParameter(name: name))
        #expect(try await session.ssm.deleteParameter(name: name) == false)
    }

    @Test("a killed run's expired lease is taken over and reported; a foreign value is refused, not overwritten")
    func expiredAndForeign() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let cluster = "lock-\(ClientTests.unique())"
        let lock = PlatformLock(cluster: cluster, session: session)
        // What a SIGKILLed run leaves: its lock, no longer renewed, expired a minute ago.
        let stale =
            #"{"acquired":"2026-01-01T00:00:00Z","command":"up","expires":"2026-01-01T00:10:00Z","#
            + #""host":"gone","owner":"arn:aws:iam::123456789012:user/ci","pid":4242,"token":"dead"}"#
        try await session.ssm.putParameter(name: lock.parameterName, value: stale)
        let tookOver = Mutex<[String]>([])
        let result = try await lock.withLock(command: "up", tookOver: { holder in tookOver.withLock { $0.append(holder.host) } })
        {
            try await lock.holder()?.host
        }
        #expect(result == ProcessInfo.processInfo.hostName)
        #expect(tookOver.withLock { $0 } == ["gone"])

        try await session.ssm.putParameter(name: lock.parameterName, value: "someone else's parameter")
        let refused = await ClientTests.error(PlatformLockError.self) { _ = try await lock.withLock(command: "up") { 1 } }
        #expect(refused?.kind == .unreadable)
        #expect(try await session.ssm.getParameter(name: lock.parameterName)?.value == "someone else's parameter")
        _ = try await session.ssm.deleteParameter(name: lock.parameterName)
    }

    @Test("a lock removed under a running holder cancels its work at the next renewal (lost), and is renewed before")
    func lostLockStopsTheRun() async throws {
        let emulator = try await SharedAWSEmulator.shared.get()
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let cluster = "lock-\(ClientTests.unique())"
        let lock = PlatformLock(cluster: cluster, session: session, lease: .milliseconds(800))
        let other = PlatformLock(cluster: cluster, session: session)
        let versions = Mutex<[Int]>([])
        let error = await ClientTests.error(PlatformLockError.self) {
            _ = try await lock.withLock(command: "up") {
                // Renewals (every 200 ms) bump the version; the lease keeps moving.
                for _ in 0..<3 {
                    try await Task.sleep(for: .milliseconds(250))
                    if let version = try await session.ssm.getParameter(name: lock.parameterName)?.version {
                        versions.withLock { $0.append(version) }
                    }
                }
                try await other.forceUnlock()
                try await Task.sleep(for: .seconds(30))
                return 0
            }
        }
        #expect(error?.kind == .lost)
        let seen = versions.withLock { $0 }
        #expect(seen.count == 3 && seen.last.map { $0 > 1 } == true, "renewed while held: \(seen)")
    }
}

@Suite(
    "platformctl up: two runs at once",
    .enabled(if: FileManager.default.fileExists(atPath: CLI.binary), "needs a built platformctl")
)
struct ConcurrentRunsTests {
    @Test("two ups started together: one proceeds, the other stops naming the holder; a killed holder's lock is forced")
    func twoUpsAtOnce() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("platform.yaml").path
        var text = PlatformTemplate.yaml(name: "twice", region: "us-west-2")
        if let range = text.range(of: "  gitops:"), let tags = text.range(of: "  tags:") {
            text.removeSubrange(range.lowerBound..<tags.lowerBound)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let env = ["AWS_ACCESS_KEY_ID": "AKIALOCKTEST00000001", "AWS_SECRET_ACCESS_KEY": "lock-secret"]
        let common = ["--config", path, "--endpoint-url", emulator.endpoint.absoluteString, "--yes"]

        async let a = CLI.run(["up"] + common, environment: env)
        async let b = CLI.run(["up"] + common, environment: env)
        let runs = try await [a, b]
        let winners = runs.filter { $0.status == 0 }
        let losers = runs.filter { $0.status != 0 }
        #expect(winners.count == 1 && losers.count == 1, "\(runs.map(\.status)) \(runs.map(\.stderr))")
        let refusal = losers.first?.stderr ?? ""
        #expect(refusal.contains("the platform is locked by another run: up by arn:aws:sts::************:user/moto on "))
        #expect(refusal.contains("--lock-timeout") && refusal.contains("--force-unlock"))
        #expect(!refusal.contains(AWSEmulator.accountID))
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let vpcs = try await session.ec2.describeVpcs(filters: [EC2Filter(name: "tag:eksplatform.io/cluster", values: ["twice"])])
        #expect(vpcs.count == 1, "no duplicates: \(vpcs.map(\.vpcId))")
        #expect(try await session.ssm.getParameter(name: PlatformLock.parameterName(cluster: "twice")) == nil)

        // A holder killed with SIGKILL leaves its lock; on the same machine its process is gone, so the next run takes
        // the lock over at once and says whose it was.
        let changed = path.replacingOccurrences(of: "platform.yaml", with: "bigger.yaml")
        try Data(text.replacingOccurrences(of: "max: 3", with: "max: 4").utf8).write(to: URL(fileURLWithPath: changed))
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: CLI.binary)
        holder.arguments = ["up", "--config", changed, "--endpoint-url", emulator.endpoint.absoluteString, "--yes"]
        holder.environment = env.merging(["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"]) {
            $1
        }
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        // Killed by the emulator right after its second write (the lock, then the node group update) is carried out.
        _ = try await emulator.post(
            "/_emulator/kill",
            body: #"{"pid": \#(holder.processIdentifier), "afterMutations": 2, "signal": 9}"#
        )
        holder.waitUntilExit()
        #expect(holder.terminationReason == .uncaughtSignal && holder.terminationStatus == SIGKILL)
        let parameter = PlatformLock.parameterName(cluster: "twice")
        #expect(try await session.ssm.getParameter(name: parameter) != nil, "the killed run's lock is left behind")
        let status = try await CLI.run(
            ["status", "--config", path, "--endpoint-url", emulator.endpoint.absoluteString],
            environment: env
        )
        #expect(status.stdout.contains("run lock: held: up by arn:aws:sts::************:user/moto"), "\(status.stdout)")
        let resumed = try await CLI.run(["up"] + common, environment: env)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("took over a stale run lock"), "\(resumed.stderr)")

        // Another machine's live lock: the run stops naming it; --force-unlock removes it and says whose it was.
        let expires = ISO8601DateFormatter().string(from: Date().addingTimeInterval(600))
        let foreign =
            #"{"acquired":"2026-01-01T00:00:00Z","command":"down","expires":""# + expires
            + #"","host":"ci-runner-7","owner":"arn:aws:iam::\#(AWSEmulator.accountID):user/ci","pid":4242,"token":"t"}"#
        try await session.ssm.putParameter(name: parameter, value: foreign)
        // An up with nothing to change takes no lock (and writes nothing), so these runs have a change to make.
        let bigger = ["--config", changed, "--endpoint-url", emulator.endpoint.absoluteString, "--yes"]
        let idle = try await CLI.run(["up"] + common, environment: env)
        #expect(idle.status == 0 && idle.stdout.contains("No changes"), "\(idle.stderr)")
        let blocked = try await CLI.run(["up"] + bigger, environment: env)
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("locked by another run: down by arn:aws:iam::************:user/ci on ci-runner-7"))
        #expect(!blocked.stderr.contains(AWSEmulator.accountID))
        let forced = try await CLI.run(["up", "--force-unlock"] + bigger, environment: env)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("removed the run lock held by down by arn:aws:iam::************:user/ci"))
        let plan = try await CLI.run(
            ["plan", "--detailed-exitcode", "--config", changed, "--endpoint-url", emulator.endpoint.absoluteString],
            environment: env
        )
        #expect(plan.status == 0, "the forced run finished the platform: \(plan.stdout)")
        let badTimeout = try await CLI.run(["up", "--lock-timeout", "soon"] + common, environment: env)
        #expect(badTimeout.status != 0 && badTimeout.stderr.contains("--lock-timeout \"soon\" is not a duration"))
    }
}
