import EKSAWS
import Foundation

/// A run lock that lives with the platform, so two `up`/`down` runs (two operators, or CI and a person) never write at
/// once. There is no state file to lock, and calls without idempotency tokens (`CreateVpc`, `AllocateAddress`, …)
/// would otherwise duplicate resources.
///
/// The lock is a Parameter Store parameter, `/platformctl/<cluster>/lock`, in the platform's region. `PutParameter`
/// without `Overwrite` creates it or fails with `ParameterAlreadyExists`: an atomic test-and-set that exists before
/// any of the platform does. The value names the holder (identity, command, host, process) and a lease that the
/// holder renews every quarter of its length; a run that was killed stops renewing, its lease runs out and the next
/// run takes the lock over, saying whose it was. On the machine that took it, a lock whose process is gone is taken
/// over at once. The lease is judged by this machine's clock against the stored
/// expiry, so clocks more than a few minutes apart shift it by that much.
///
/// Known limit: two runs that take over the same *expired* lock in the same few milliseconds could both proceed (the
/// holder is re-read just before the stale lock is deleted, which narrows that window but cannot close it without a
/// compare-and-swap, which Parameter Store lacks).
public struct PlatformLock: Sendable {
    /// Who holds the lock, as stored in the parameter.
    public struct Holder: Sendable, Equatable, Codable {
        /// The holder's AWS identity (an ARN; print it through the redactor).
        public var owner: String
        /// `up` or `down`.
        public var command: String
        /// The machine the run is on.
        public var host: String
        /// The process id on that machine.
        public var pid: Int32
        /// When the lock was taken.
        public var acquired: Date
        /// When the lease runs out unless renewed.
        public var expires: Date
        /// A random token that tells this run's lock from another run's by the same identity.
        public var token: String

        /// "up by arn:… on host (pid 123) since 12:00:00Z, lease until 12:10:00Z".
        public var summary: String {
            "\(command) by \(owner) on \(host) (pid \(pid)) since \(ISO8601.format(acquired)), "
                + "lease until \(ISO8601.format(expires))"
        }
    }

    /// The parameter's name.
    public let parameterName: String
    /// How long a lease lasts without renewal.
    public let lease: Duration
    let session: AWSSession
    let tags: [String: String]
    let now: @Sendable () -> Date
    let processIsGone: @Sendable (Int32) -> Bool

    /// `/platformctl/<cluster>/lock`.
    public static func parameterName(cluster: String) -> String { "/platformctl/\(cluster)/lock" }

    /// Ten minutes: long enough that a renewal every 2.5 minutes survives a slow network, short enough that a
    /// killed run does not block the next one for long.
    public static let defaultLease: Duration = .seconds(600)

    /// A lock for `cluster` in `session`'s region, created with `tags` (the platform's ownership tags).
    public init(
        cluster: String,
        session: AWSSession,
        tags: [String: String] = [:],
        lease: Duration = PlatformLock.defaultLease,
        now: @escaping @Sendable () -> Date = { Date() },
        processIsGone: @escaping @Sendable (Int32) -> Bool = PlatformLock.processIsGone
    ) {
        self.parameterName = Self.parameterName(cluster: cluster)
        self.session = session
        self.tags = tags
        self.lease = lease
        self.now = now
        self.processIsGone = processIsGone
    }

    /// Whether no process `pid` exists on this machine (`kill(pid, 0)` fails with `ESRCH`).
    public static let processIsGone: @Sendable (Int32) -> Bool = { pid in
        pid > 0 && kill(pid, 0) == -1 && errno == ESRCH
    }

    /// A lease is stale when it ran out, or when it was taken on this machine by a process that no longer exists (a
    /// run killed with SIGKILL or by a reboot): the next run then need not wait out the lease.
    func isStale(_ holder: Holder) -> Bool {
        holder.expires < now()
            || (holder.host == ProcessInfo.processInfo.hostName && holder.pid != getpid() && processIsGone(holder.pid))
    }

    /// The current holder, or `nil` when the platform is not locked. An expired lease is still returned (its
    /// ``Holder/expires`` is in the past).
    public func holder() async throws -> Holder? {
        try await read()?.holder
    }

    /// Removes the lock whoever holds it and returns who did (for `--force-unlock`-style recovery when the holder is
    /// known to be gone).
    @discardableResult
    public func forceUnlock() async throws -> Holder? {
        let found = try await read()
        guard found != nil else { return nil }
        try await session.ssm.deleteParameter(name: parameterName)
        return found?.holder
    }

    /// Takes the lock for `command`, runs `body` while renewing the lease, and releases it afterwards (also when
    /// `body` throws or is cancelled). When another run holds a live lease the call waits up to `wait`, calling
    /// `waiting` once with the holder, then throws ``PlatformLockError`` `.held`. A lease found expired is taken
    /// over and reported through `tookOver`. If a renewal finds the lock no longer ours (someone forced it), `body`
    /// is cancelled and ``PlatformLockError`` `.lost` is thrown.
    public func withLock<T: Sendable>(
        command: String,
        wait: Duration = .zero,
        waiting: @Sendable (Holder) -> Void = { _ in },
        tookOver: @Sendable (Holder) -> Void = { _ in },
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let mine = try await acquire(command: command, wait: wait, waiting: waiting, tookOver: tookOver)
        let result: Result<T, any Error> = await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                do {
                    try await self.keepRenewing(mine)
                    return nil
                } catch is CancellationError {
                    return nil
                } catch {
                    return .failure(error)
                }
            }
            var outcome: Result<T, any Error>?
            for await next in group {
                guard let next else { continue }
                outcome = next
                group.cancelAll()
                break
            }
            return outcome ?? .failure(CancellationError())
        }
        // Release even when the run failed: the lock guards concurrent writes, not success.
        // In a task of its own, which a Ctrl-C that cancelled `body` has not cancelled.
        await Task { try? await self.release(mine) }.value
        return try result.get()
    }

    // MARK: - The pieces

    struct Found {
        var holder: Holder
        var version: Int
    }

    func read() async throws -> Found? {
        guard let parameter = try await session.ssm.getParameter(name: parameterName) else { return nil }
        guard let holder = try? Self.decoder.decode(Holder.self, from: Data(parameter.value.utf8)) else {
            throw PlatformLockError(
                kind: .unreadable,
                parameter: parameterName,
                holder: nil,
                detail: "its value is not a platformctl lock"
            )
        }
        return Found(holder: holder, version: parameter.version)
    }

    func acquire(
        command: String,
        wait: Duration,
        waiting: @Sendable (Holder) -> Void,
        tookOver: @Sendable (Holder) -> Void
    ) async throws -> Holder {
        let identity = try await session.callerIdentity()
        let start = ContinuousClock.now
        var told = false
        while true {
            let acquired = now()
            let mine = Holder(
                owner: identity.arn,
                command: command,
                host: ProcessInfo.processInfo.hostName,
                pid: ProcessInfo.processInfo.processIdentifier,
                acquired: acquired,
                expires: acquired.addingTimeInterval(Self.seconds(lease)),
                token: UUID().uuidString
            )
            if try await create(mine) { return mine }
            guard let found = try await read() else { continue }  // released between our two calls: try again
            if isStale(found.holder) {
                // Re-read just before deleting, so a lock someone else took over a moment ago is not removed.
                guard let again = try await read(), again.version == found.version else { continue }
                try await session.ssm.deleteParameter(name: parameterName)
                if try await create(mine) {
                    tookOver(found.holder)
                    return mine
                }
                continue
            }
            if ContinuousClock.now - start >= wait {
                throw PlatformLockError(kind: .held, parameter: parameterName, holder: found.holder, detail: nil)
            }
            if !told {
                waiting(found.holder)
                told = true
            }
            try await Task.sleep(for: min(.seconds(5), wait - (ContinuousClock.now - start)))
        }
    }

    /// `PutParameter` without `Overwrite`: `true` when this call created the lock.
    func create(_ holder: Holder) async throws -> Bool {
        do {
            try await session.ssm.putParameter(
                name: parameterName,
                value: try Self.encode(holder),
                description: "platformctl run lock (\(holder.command)); remove only if that run is gone",
                tags: tags
            )
            return true
        } catch let error as AWSServiceError where error.code == "ParameterAlreadyExists" {
            return false
        }
    }

    /// Renews the lease every quarter of its length until cancelled; throws `.lost` when the stored token is not ours.
    func keepRenewing(_ mine: Holder) async throws {
        var current = mine
        while true {
            try await Task.sleep(for: lease / 4)
            guard let found = try await read(), found.holder.token == mine.token else {
                throw PlatformLockError(kind: .lost, parameter: parameterName, holder: try? await read()?.holder, detail: nil)
            }
            current.expires = now().addingTimeInterval(Self.seconds(lease))
            try await session.ssm.putParameter(name: parameterName, value: try Self.encode(current), overwrite: true)
        }
    }

    /// Deletes the lock if it is still ours.
    func release(_ mine: Holder) async throws {
        guard let found = try await read(), found.holder.token == mine.token else { return }
        try await session.ssm.deleteParameter(name: parameterName)
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    static func encode(_ holder: Holder) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(holder), as: UTF8.self)
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// Why the platform's run lock could not be taken or kept.
public struct PlatformLockError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable {
        /// Another run holds a live lease.
        case held = "lock.held"
        /// The lock was removed or taken by someone else while this run held it.
        case lost = "lock.lost"
        /// The parameter exists but is not a lock platformctl wrote.
        case unreadable = "lock.unreadable"
    }

    /// What went wrong (its raw value is a stable code).
    public var kind: Kind
    /// The parameter that holds the lock.
    public var parameter: String
    /// Who holds it, when known.
    public var holder: PlatformLock.Holder?
    /// More detail, when there is some.
    public var detail: String?

    public var description: String {
        switch kind {
        case .held:
            return "the platform is locked by another run: \(holder?.summary ?? "unknown holder") (parameter "
                + "\(parameter)); wait for it to finish, or remove the lock if that run is gone"
        case .lost:
            return "this run's lock (\(parameter)) was removed or taken over while it ran"
                + (holder.map { " (now held: \($0.summary))" } ?? "")
                + "; it stopped; check who else is changing the platform before running again"
        case .unreadable:
            return "the lock parameter \(parameter) exists but \(detail ?? "cannot be read"); "
                + "delete it if nothing else uses that name"
        }
    }
}
