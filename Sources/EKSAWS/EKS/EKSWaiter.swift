import Foundation

/// How an EKS waiter polls: exponential backoff between polls, a total time limit, and injectable time.
public struct EKSWaiterOptions: Sendable {
    /// The first pause between polls.
    public var initialDelay: Duration
    /// The longest pause between polls.
    public var maxDelay: Duration
    /// The factor each pause grows by.
    public var multiplier: Double
    /// How long to wait in total before giving up.
    public var timeout: Duration
    /// Sleeps between polls (tests pass one that advances a fake clock).
    public var sleeper: AWSSleeper
    /// The current time (tests pass a fake clock).
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Called with every status observed (`DELETED` once the resource is gone).
    public var onStatus: (@Sendable (String) -> Void)?

    /// Creates options; the defaults suit EKS (clusters take ~10 minutes, add-ons ~1).
    public init(
        initialDelay: Duration = .seconds(5),
        maxDelay: Duration = .seconds(30),
        multiplier: Double = 1.5,
        timeout: Duration = .seconds(1800),
        sleeper: @escaping AWSSleeper = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        onStatus: (@Sendable (String) -> Void)? = nil
    ) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.timeout = timeout
        self.sleeper = sleeper
        self.now = now
        self.onStatus = onStatus
    }
}

/// A waiter that stopped without reaching the state it waited for.
public struct EKSWaiterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why it stopped.
    public enum Reason: String, Sendable {
        /// The time limit passed.
        case timedOut
        /// The resource reached a state from which the awaited one cannot follow (e.g. `CREATE_FAILED`).
        case failedState
        /// The resource disappeared while waiting for it to become active.
        case vanished
    }

    /// Why it stopped.
    public var reason: Reason
    /// What was awaited, e.g. `cluster demo to become ACTIVE`.
    public var awaited: String
    /// The last status seen (`nil` if no poll answered).
    public var lastStatus: String?
    /// How long it waited.
    public var waited: Duration

    /// A message that says what, where and what to do.
    public var description: String {
        let seen = lastStatus.map { "last status seen: \($0)" } ?? "no status was observed"
        let seconds = Int(waited.components.seconds)
        switch reason {
        case .timedOut:
            return "gave up waiting for \(awaited) after \(seconds)s (\(seen)); check the resource in the EKS console "
                + "or raise the waiter timeout"
        case .failedState:
            return "stopped waiting for \(awaited) after \(seconds)s: it reached \(lastStatus ?? "a failed state"); "
                + "see its health issues with describe"
        case .vanished:
            return "stopped waiting for \(awaited) after \(seconds)s: the resource no longer exists (\(seen))"
        }
    }
}

extension EKSClient {
    /// Waits until a cluster is `ACTIVE`; fails on `FAILED` or `DELETING`.
    public func waitUntilClusterActive(name: String, options: EKSWaiterOptions = EKSWaiterOptions()) async throws {
        try await poll(
            "cluster \(name) to become ACTIVE",
            options: options,
            success: "ACTIVE",
            failure: ["FAILED", "DELETING"]
        ) { try await describeCluster(name: name).status.rawValue }
    }

    /// Waits until a cluster is gone; fails on `FAILED`.
    public func waitUntilClusterDeleted(name: String, options: EKSWaiterOptions = EKSWaiterOptions()) async throws {
        try await poll("cluster \(name) to be deleted", options: options, success: Self.deleted, failure: ["FAILED"]) {
            try await describeCluster(name: name).status.rawValue
        }
    }

    /// Waits until a node group is `ACTIVE`; fails on `CREATE_FAILED` or `DEGRADED`.
    public func waitUntilNodegroupActive(
        clusterName: String,
        nodegroupName: String,
        options: EKSWaiterOptions = EKSWaiterOptions()
    ) async throws {
        try await poll(
            "node group \(nodegroupName) of cluster \(clusterName) to become ACTIVE",
            options: options,
            success: "ACTIVE",
            failure: ["CREATE_FAILED", "DEGRADED", "DELETING"]
        ) {
            try await describeNodegroup(clusterName: clusterName, nodegroupName: nodegroupName).status.rawValue
        }
    }

    /// Waits until a node group is gone; fails on `DELETE_FAILED`.
    public func waitUntilNodegroupDeleted(
        clusterName: String,
        nodegroupName: String,
        options: EKSWaiterOptions = EKSWaiterOptions()
    ) async throws {
        try await poll(
            "node group \(nodegroupName) of cluster \(clusterName) to be deleted",
            options: options,
            success: Self.deleted,
            failure: ["DELETE_FAILED"]
        ) {
            try await describeNodegroup(clusterName: clusterName, nodegroupName: nodegroupName).status.rawValue
        }
    }

    /// Waits until an add-on is `ACTIVE`; fails on `CREATE_FAILED`, `UPDATE_FAILED` or `DEGRADED`.
    public func waitUntilAddonActive(
        clusterName: String,
        addonName: String,
        options: EKSWaiterOptions = EKSWaiterOptions()
    ) async throws {
        try await poll(
            "add-on \(addonName) of cluster \(clusterName) to become ACTIVE",
            options: options,
            success: "ACTIVE",
            failure: ["CREATE_FAILED", "UPDATE_FAILED", "DEGRADED", "DELETING"]
        ) {
            try await describeAddon(clusterName: clusterName, addonName: addonName).status.rawValue
        }
    }

    /// Waits until an add-on is gone; fails on `DELETE_FAILED`.
    public func waitUntilAddonDeleted(
        clusterName: String,
        addonName: String,
        options: EKSWaiterOptions = EKSWaiterOptions()
    ) async throws {
        try await poll(
            "add-on \(addonName) of cluster \(clusterName) to be deleted",
            options: options,
            success: Self.deleted,
            failure: ["DELETE_FAILED"]
        ) {
            try await describeAddon(clusterName: clusterName, addonName: addonName).status.rawValue
        }
    }

    /// The pseudo-status reported once a Describe call answers `ResourceNotFoundException`.
    public static let deleted = "DELETED"

    /// Polls `status` until it equals `success`, one of `failure` is seen, or the time is up.
    func poll(
        _ awaited: String,
        options: EKSWaiterOptions,
        success: String,
        failure: Set<String>,
        status: () async throws -> String
    ) async throws {
        let start = options.now()
        var delay = options.initialDelay
        var last: String?
        while true {
            let current: String
            do {
                current = try await status()
            } catch let error as AWSServiceError where error.code == "ResourceNotFoundException" {
                current = Self.deleted
            }
            last = current
            options.onStatus?(current)
            let waited = options.now() - start
            if current == success { return }
            if failure.contains(current) {
                throw EKSWaiterError(reason: .failedState, awaited: awaited, lastStatus: current, waited: waited)
            }
            if current == Self.deleted {
                throw EKSWaiterError(reason: .vanished, awaited: awaited, lastStatus: current, waited: waited)
            }
            let remaining = options.timeout - waited
            guard remaining > .zero else {
                throw EKSWaiterError(reason: .timedOut, awaited: awaited, lastStatus: last, waited: waited)
            }
            try await options.sleeper(min(delay, remaining))
            delay = min(options.maxDelay, delay * options.multiplier)
        }
    }
}
