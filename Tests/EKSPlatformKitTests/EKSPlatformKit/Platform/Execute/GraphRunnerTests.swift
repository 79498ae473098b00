import EKSPlatformKit
import Testing

@testable import platformctl

@Suite("Engine: GraphRunner")
struct GraphRunnerTests {
    static func step(_ id: String, _ dependsOn: [String] = [], log: StepLog, fail: (any Error)? = nil) -> ExecutionStep {
        ExecutionStep(id: id, dependsOn: dependsOn) { _ in
            log.enter()
            defer { log.leave() }
            log.append(id)
            try await Task.sleep(for: .milliseconds(5))
            if let fail { throw fail }
            return .done(id)
        }
    }

    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom" }
    }

    @Test("one at a time: the longest remaining chain first, then declaration order; dependencies first")
    func serialOrder() async throws {
        let log = StepLog()
        let steps = [
            Self.step("c", ["b"], log: log), Self.step("a", log: log), Self.step("d", log: log),
            Self.step("b", ["a"], log: log), Self.step("e", ["c", "d"], log: log),
        ]
        let events = RecordingEvents()
        let summary = try await GraphRunner(maxConcurrency: 1).run(steps, events: events)
        // Chains: a→b→c→e (4), b→c→e (3), c→e and d→e (2, c declared first), e (1).
        #expect(GraphRunner.priorityOrder(steps) == ["a", "b", "c", "d", "e"])
        #expect(log.entries == ["a", "b", "c", "d", "e"])
        #expect(summary.isSuccess)
        #expect(summary.succeeded == ["a", "b", "c", "d", "e"])
        #expect(events.started == ["a", "b", "c", "d", "e"])
        #expect(ProgressPrinter.finalMessage(summary, command: "up").hasPrefix("Done: 5 steps completed in "))
    }

    @Test("independent steps run concurrently, never more than the bound")
    func concurrencyBound() async throws {
        let log = StepLog()
        let steps = (1...6).map { Self.step("s\($0)", log: log) }
        let events = RecordingEvents()
        let summary = try await GraphRunner(maxConcurrency: 2).run(steps, events: events)
        #expect(log.maxRunning == 2)
        // The runner starts steps in declaration order; which of two concurrent bodies logs first is the scheduler's.
        #expect(Array(events.started.prefix(2)) == ["s1", "s2"])
        #expect(Set(log.entries.prefix(2)) == ["s1", "s2"])
        #expect(Set(summary.succeeded) == Set((1...6).map { "s\($0)" }))
        let wide = StepLog()
        _ = try await GraphRunner(maxConcurrency: 4).run(
            (1...8).map { Self.step("w\($0)", log: wide) },
            events: NullEventHandler()
        )
        #expect(wide.maxRunning == 4)
    }

    @Test("a failure skips its dependents transitively; independent steps still run")
    func failurePropagation() async throws {
        let log = StepLog()
        let steps = [
            Self.step("a", log: log, fail: Boom()), Self.step("b", ["a"], log: log), Self.step("c", ["b"], log: log),
            Self.step("d", log: log), Self.step("e", ["d"], log: log),
        ]
        let events = RecordingEvents()
        let summary = try await GraphRunner(maxConcurrency: 1).run(steps, events: events)
        #expect(log.entries == ["a", "d", "e"])
        #expect(summary.failed == [.init(id: "a", message: "boom")])
        #expect(summary.skipped == ["b", "c"])
        #expect(summary.succeeded == ["d", "e"])
        #expect(events.events.contains(.stepSkipped(id: "c", reason: "a failed")))
        #expect(
            ProgressPrinter.finalMessage(summary, command: "up")
                == "Failed: 1 step(s) failed, 2 not run.\n  a: boom\n"
                + "Nothing is lost: every step is idempotent. Run `platformctl up` again to resume."
        )
    }

    @Test("AccessDenied stops the run: which action, nothing new starts")
    func accessDenied() async throws {
        let log = StepLog()
        let denied = AWSServiceError(
            service: "ec2",
            operation: "CreateVpc",
            statusCode: 403,
            code: "UnauthorizedOperation",
            message: "You are not authorized to perform this operation.",
            requestID: "req-1"
        )
        let steps = [Self.step("a", log: log, fail: denied), Self.step("b", log: log), Self.step("c", log: log)]
        let summary = try await GraphRunner(maxConcurrency: 1).run(steps, events: NullEventHandler())
        #expect(log.entries == ["a"])
        #expect(summary.notStarted == ["b", "c"])
        #expect(
            summary.stoppedBy
                == "UnauthorizedOperation on ec2:CreateVpc: You are not authorized to perform this operation.; "
                + "grant this action to the identity running platformctl and run again"
        )
    }

    @Test("cancellation: running steps are abandoned at their wait, nothing new starts, resume hint")
    func cancellation() async throws {
        let log = StepLog()
        let waiting = ExecutionStep(id: "wait") { context in
            log.append("wait")
            try await context.wait(for: "cluster ACTIVE", initial: .milliseconds(20)) { .pending("CREATING") }
            return .done("never")
        }
        let steps = [waiting, Self.step("after", ["wait"], log: log), Self.step("other", log: log)]
        let events = RecordingEvents()
        let task = Task { try await GraphRunner(maxConcurrency: 1).run(steps, events: events) }
        while !events.events.contains(where: { if case .waiting = $0 { return true } else { return false } }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        task.cancel()
        let summary = try await task.value
        #expect(log.entries == ["wait"])
        #expect(summary.cancelled)
        #expect(summary.abandoned == ["wait"])
        #expect(summary.notStarted == ["after", "other"])
        #expect(events.events.contains(.waiting(id: "wait", on: "cluster ACTIVE", status: "CREATING")))
        #expect(ProgressPrinter.finalMessage(summary, command: "up").hasSuffix("Run `platformctl up` again to resume."))
        #expect(
            ProgressPrinter.finalMessage(summary, command: "up").hasPrefix(
                "Cancelled: 0 steps completed, 1 abandoned, 2 not started."
            )
        )
    }

    @Test("waits back off and time out with the last status")
    func waitBackoff() async throws {
        let sleeps = StepLog()
        let context = StepContext(stepID: "s", events: NullEventHandler()) { sleeps.append("\($0)") }
        await #expect(throws: WaitTimeoutError.self) {
            try await context.wait(for: "x", timeout: .seconds(10), initial: .seconds(2), maximum: .seconds(4)) {
                .pending("PENDING")
            }
        }
        #expect(sleeps.entries == ["2.0 seconds", "3.0 seconds", "4.0 seconds", "4.0 seconds"])
    }

    @Test("malformed graphs are rejected before anything runs")
    func malformed() async throws {
        let log = StepLog()
        await #expect(throws: GraphRunner.GraphError.self) {
            try await GraphRunner().run(
                [Self.step("a", ["b"], log: log), Self.step("b", ["a"], log: log)],
                events: NullEventHandler()
            )
        }
        await #expect(throws: GraphRunner.GraphError.self) {
            try await GraphRunner().run([Self.step("a", ["zzz"], log: log)], events: NullEventHandler())
        }
        #expect(log.entries.isEmpty)
    }
}

@Suite("Critical path")
struct CriticalPathTests {
    @Test("the longest chain by measured durations")
    func longestChain() {
        let steps: [(id: String, dependsOn: [String])] = [
            ("vpc", []), ("subnet", ["vpc"]), ("role", []), ("cluster", ["subnet", "role"]), ("queue", []),
        ]
        let seconds = ["vpc": 1.0, "subnet": 2.0, "role": 5.0, "cluster": 10.0, "queue": 3.0]
        #expect(ExecutionSummary.criticalPath(steps, seconds: seconds) == 15.0)
        #expect(ExecutionSummary.criticalPath(steps, seconds: [:]) == 0)
    }
}
