import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// A fake clock that the fake sleeper advances.
final class FakeTime: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Duration = .zero
    private var slept: [Duration] = []
    private let base = ContinuousClock.now

    var now: @Sendable () -> ContinuousClock.Instant { { self.lock.withLock { self.base + self.offset } } }
    var sleeper: AWSSleeper {
        { duration in
            self.lock.withLock {
                self.offset += duration; self.slept.append(duration)
            }
        }
    }
    var sleeps: [Duration] { lock.withLock { slept } }
}

@Suite("EKS waiters")
struct EKSWaiterTests {
    static func cluster(_ status: String) -> ScriptedTransport.Step {
        ClientTests.json(200, #"{"cluster":{"name":"demo","status":"\#(status)"}}"#)
    }

    func options(_ time: FakeTime, _ statuses: StatusLog, timeout: Duration = .seconds(60)) -> EKSWaiterOptions {
        EKSWaiterOptions(
            initialDelay: .seconds(2),
            maxDelay: .seconds(5),
            multiplier: 2,
            timeout: timeout,
            sleeper: time.sleeper,
            now: time.now,
            onStatus: statuses.record
        )
    }

    @Test func pollsWithBackoffAndReportsEveryStatus() async throws {
        let (client, transport) = try ClientTests.scripted(
            [Self.cluster("CREATING"), Self.cluster("CREATING"), Self.cluster("CREATING"), Self.cluster("ACTIVE")])
        let time = FakeTime()
        let statuses = StatusLog()
        try await EKSClient(client: client).waitUntilClusterActive(name: "demo", options: options(time, statuses))
        #expect(statuses.all == ["CREATING", "CREATING", "CREATING", "ACTIVE"])
        #expect(time.sleeps == [.seconds(2), .seconds(4), .seconds(5)])
        #expect(transport.requests.count == 4)
        #expect(transport.requests.allSatisfy { $0.method == "GET" && $0.url.path == "/clusters/demo" })
    }

    @Test func timesOutNamingWhatAndLastStatus() async throws {
        let (client, _) = try ClientTests.scripted([Self.cluster("CREATING")])
        let time = FakeTime()
        let statuses = StatusLog()
        let error = await ClientTests.error(EKSWaiterError.self) {
            try await EKSClient(client: client).waitUntilClusterActive(
                name: "demo",
                options: options(time, statuses, timeout: .seconds(20))
            )
        }
        #expect(error?.reason == .timedOut)
        #expect(error?.lastStatus == "CREATING")
        #expect(error?.awaited == "cluster demo to become ACTIVE")
        #expect(error?.waited == .seconds(20))
        #expect(error?.description.contains("after 20s (last status seen: CREATING)") == true)
        // 2 + 4 + 5 + 5 = 16, then the remaining 4 s, then one last poll.
        #expect(time.sleeps == [.seconds(2), .seconds(4), .seconds(5), .seconds(5), .seconds(4)])
        #expect(statuses.all.count == 6)
    }

    @Test func failedStateStopsAtOnce() async throws {
        let (client, _) = try ClientTests.scripted([
            ClientTests.json(200, #"{"nodegroup":{"nodegroupName":"system","status":"CREATING"}}"#),
            ClientTests.json(200, #"{"nodegroup":{"nodegroupName":"system","status":"CREATE_FAILED"}}"#),
        ])
        let time = FakeTime()
        let error = await ClientTests.error(EKSWaiterError.self) {
            try await EKSClient(client: client).waitUntilNodegroupActive(
                clusterName: "demo",
                nodegroupName: "system",
                options: options(time, StatusLog())
            )
        }
        #expect(error?.reason == .failedState && error?.lastStatus == "CREATE_FAILED")
        #expect(error?.description.contains("node group system of cluster demo") == true)
    }

    @Test func deletedWaiterSucceedsOnNotFound() async throws {
        let (client, _) = try ClientTests.scripted([
            ClientTests.json(200, #"{"addon":{"addonName":"coredns","status":"DELETING"}}"#),
            ClientTests.json(
                404,
                #"{"message":"No addon: coredns found in cluster: demo","addonName":null}"#,
                headers: [("X-Amzn-ErrorType", "ResourceNotFoundException")]
            ),
        ])
        let time = FakeTime()
        let statuses = StatusLog()
        try await EKSClient(client: client).waitUntilAddonDeleted(
            clusterName: "demo",
            addonName: "coredns",
            options: options(time, statuses)
        )
        #expect(statuses.all == ["DELETING", "DELETED"])
        // An active waiter whose resource disappears stops with a clear reason instead of waiting out the clock.
        let (gone, _) = try ClientTests.scripted([
            ClientTests.json(
                404,
                #"{"message":"gone"}"#,
                headers: [("X-Amzn-ErrorType", "ResourceNotFoundException")]
            )
        ])
        let error = await ClientTests.error(EKSWaiterError.self) {
            try await EKSClient(client: gone).waitUntilAddonActive(
                clusterName: "demo",
                addonName: "coredns",
                options: options(FakeTime(), StatusLog())
            )
        }
        #expect(error?.reason == .vanished)
    }

    @Test func otherErrorsPropagate() async throws {
        let (client, _) = try ClientTests.scripted([
            ClientTests.json(
                403,
                #"{"message":"denied"}"#,
                headers: [("X-Amzn-ErrorType", "AccessDeniedException")]
            )
        ])
        let error = await ClientTests.error(AWSServiceError.self) {
            try await EKSClient(client: client).waitUntilClusterDeleted(name: "demo", options: options(FakeTime(), StatusLog()))
        }
        #expect(error?.code == "AccessDeniedException")
    }
}
