import EKSAWS
import Foundation
import KubeFake

/// A local twin of the controllers an EKS platform runs, for tests and the demo: it drives kube-fake (and the AWS
/// emulator) the way Flux's source-, kustomize- and helm-controller and Karpenter would, with the real tools where
/// they exist (`kubectl kustomize`, `helm template`, the real Karpenter chart).
///
/// The twin is level-triggered like a controller: each ``reconcileOnce()`` reads every object it owns and moves it one
/// step; ``run(timeout:until:)`` repeats passes until a condition holds. Nothing here is library API.
///
/// ```swift
/// let twin = ClusterTwin(api: TwinAPI(baseURL: fake.baseURL), options: .init(checkout: tree))
/// try await twin.run(timeout: .seconds(60)) { await $0.isReady("Kustomization", "flux-system", "workloads") }
/// let order = await twin.readyOrder(kind: "Kustomization")   // ["flux-system", "karpenter", "nodepools", …]
/// ```
public actor ClusterTwin {
    /// Where the twin finds what a real cluster would download.
    public struct Options: Sendable {
        /// The checkout every `GitRepository` serves (the repository root, holding the rendered `kube/` tree).
        public var checkout: URL
        /// Unpacked charts by source URL (`oci://…/karpenter` for an `OCIRepository`, `<helm repo url>/<chart>` for a
        /// `HelmRepository` chart); a chart's `Chart.yaml` version must match what the source asks for.
        public var charts: [String: URL]
        /// `kubectl`, for `kubectl kustomize`.
        public var kubectl: String
        /// A real `helm` binary (``ClusterTwin/installHelm()``); without one, HelmReleases fail to render.
        public var helm: String?
        /// Replaces every `spec.timeout` (health checks, Helm waits) so a test need not wait minutes for a failure.
        public var timeout: Duration?
        /// The AWS emulator (its endpoint) Karpenter resolves EC2NodeClasses against and launches instances in; `nil`
        /// leaves Karpenter's objects alone.
        public var awsEndpoint: URL?
        /// The region of the platform in the emulator.
        public var region: String
        /// The cluster name (Karpenter's `settings.clusterName`), used in instance tags.
        public var clusterName: String

        /// Options with a checkout; everything else optional.
        public init(
            checkout: URL,
            charts: [String: URL] = [:],
            kubectl: String = "kubectl",
            helm: String? = nil,
            timeout: Duration? = nil,
            awsEndpoint: URL? = nil,
            region: String = "us-west-2",
            clusterName: String = "demo"
        ) {
            self.checkout = checkout
            self.charts = charts
            self.kubectl = kubectl
            self.helm = helm
            self.timeout = timeout
            self.awsEndpoint = awsEndpoint
            self.region = region
            self.clusterName = clusterName
        }
    }

    /// One change of an object's `Ready` condition, as the twin wrote it.
    public struct ReadyTransition: Sendable, Equatable, CustomStringConvertible {
        public var kind: String
        public var namespace: String?
        public var name: String
        /// `True`, `False` or `Unknown`.
        public var status: String
        public var reason: String
        public var message: String

        /// `Kustomization/flux-system/karpenter Ready=True ReconciliationSucceeded`.
        public var description: String {
            "\(kind)/\(namespace.map { "\($0)/" } ?? "")\(name) Ready=\(status) \(reason)"
        }
    }

    /// The twin's client of the API server.
    public let api: TwinAPI
    let options: Options
    /// Every `Ready` change, oldest first.
    public private(set) var transitions: [ReadyTransition] = []
    /// Health checks in progress, by `Kind/namespace/name` of the Flux object.
    var pendingHealth: [String: PendingHealth] = [:]
    /// Karpenter's launched instances by NodeClaim name.
    var launched: [String: String] = [:]
    /// Failed Kustomizations wait until `until` before the next attempt (Flux's `retryInterval`, compressed), unless
    /// their generation or source revision changes.
    var retryAfter: [String: (until: Date, generation: Int64, revision: String)] = [:]
    /// The session Karpenter's AWS calls use (made on first use).
    var awsSession: AWSSession?
    /// Log lines, one per action, for a test's failure message or the demo.
    public private(set) var log: [String] = []

    struct PendingHealth {
        var started: Date
        var checksum: String
        var generation: Int64
        var objects: [ObjectRef]
    }

    /// Creates a twin; it does nothing until ``reconcileOnce()`` or ``run(timeout:until:)``.
    public init(api: TwinAPI, options: Options) {
        self.api = api
        self.options = options
    }

    /// Runs every controller once: sources, Kustomizations, HelmReleases, Karpenter, then the workload controllers.
    ///
    /// A controller runs only while it is installed, so a finalizer it owns is never removed after it is gone — what
    /// makes a real namespace hang in `Terminating`: Flux's controllers while the `flux-system` namespace exists and is
    /// not being deleted; Karpenter while the chart's `karpenter` Deployment exists and is not being deleted (or
    /// always, when the twin has no chart to install it from: tests that play Karpenter alone). The workload
    /// controllers and the scheduler are the control plane's and always run.
    public func reconcileOnce() async throws {
        if try await isRunning("v1", "Namespace", namespace: nil, name: Self.fluxNamespace) {
            try await reconcileSources()
            try await reconcileKustomizations()
            try await reconcileHelmReleases()
        }
        if options.awsEndpoint != nil {
            let installed =
                options.charts.isEmpty
                ? true : try await isRunning("apps/v1", "Deployment", namespace: Self.karpenterNamespace, name: "karpenter")
            if installed { try await reconcileKarpenter() }
        }
        try await reconcileWorkloads()
    }

    static let fluxNamespace = "flux-system"
    static let karpenterNamespace = "kube-system"

    /// Whether the object exists and is not being deleted.
    private func isRunning(_ apiVersion: String, _ kind: String, namespace: String?, name: String) async throws -> Bool {
        guard let object = try await api.get(apiVersion, kind, namespace: namespace, name: name) else { return false }
        return !object.isDeleting
    }

    /// Repeats passes (every 100 ms) until `done` holds; throws when `timeout` passes first, with the twin's log.
    public func run(
        timeout: Duration = .seconds(60),
        until done: @Sendable (ClusterTwin) async throws -> Bool
    )
        async throws
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            try await reconcileOnce()
            if try await done(self) { return }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError(
                    "the cluster twin did not settle within \(timeout); Ready changes:\n"
                        + transitions.map(\.description).joined(separator: "\n") + "\nlast log lines:\n"
                        + log.suffix(30).joined(separator: "\n")
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Whether the object's `Ready` condition is True for its current generation.
    public func isReady(_ apiVersion: String, _ kind: String, namespace: String? = nil, name: String) async throws -> Bool {
        guard let object = try await api.get(apiVersion, kind, namespace: namespace, name: name) else { return false }
        // Flux records the generation in status.observedGeneration, Karpenter in each condition.
        let observed =
            object[path: ["status", "observedGeneration"]]?.intValue ?? object.condition("Ready")?["observedGeneration"]?.intValue
        return object.condition("Ready")?["status"]?.stringValue == "True" && observed == object.generation
    }

    /// The names of objects of `kind`, in the order their `Ready` first became True.
    public func readyOrder(kind: String) -> [String] {
        var seen: [String] = []
        for transition in transitions where transition.kind == kind && transition.status == "True" {
            if !seen.contains(transition.name) { seen.append(transition.name) }
        }
        return seen
    }

    func note(_ line: String) { log.append(line) }

    /// Writes `conditions` (merged by type into the current ones) and the other `status` fields through `/status`,
    /// recording a ``ReadyTransition`` when `Ready` changes.
    @discardableResult
    func writeStatus(
        _ object: KubeFakeJSON,
        conditions: [(type: String, status: String, reason: String, message: String)],
        removing: [String] = [],
        fields: [String: KubeFakeJSON] = [:],
        observe: Bool = true,
        manager: String
    ) async throws -> KubeFakeJSON {
        var current = object[path: ["status", "conditions"]]?.arrayValue ?? []
        current.removeAll { removing.contains($0["type"]?.stringValue ?? "") }
        for condition in conditions {
            let previous = current.first { $0["type"]?.stringValue == condition.type }
            let next = twinCondition(
                condition.type,
                condition.status,
                reason: condition.reason,
                message: condition.message,
                generation: object.generation,
                previous: previous
            )
            if let index = current.firstIndex(where: { $0["type"]?.stringValue == condition.type }) {
                current[index] = next
            } else {
                current.append(next)
            }
            if condition.type == "Ready",
                previous?["status"]?.stringValue != condition.status || previous?["reason"]?.stringValue != condition.reason
            {
                transitions.append(
                    ReadyTransition(
                        kind: object.kind,
                        namespace: object.namespace,
                        name: object.name,
                        status: condition.status,
                        reason: condition.reason,
                        message: condition.message
                    )
                )
                note(
                    "\(object.kind)/\(object.namespace.map { "\($0)/" } ?? "")\(object.name) Ready=\(condition.status) \(condition.reason): \(condition.message)"
                )
            }
        }
        // Ready first, as Flux's patcher orders them.
        current.sort { ($0["type"]?.stringValue == "Ready" ? 0 : 1) < ($1["type"]?.stringValue == "Ready" ? 0 : 1) }
        var status: [String: KubeFakeJSON] = fields
        status["conditions"] = .array(current)
        if observe { status["observedGeneration"] = .int(object.generation) }
        var written = try await api.mergePatch(
            object.apiVersion,
            object.kind,
            namespace: object.namespace,
            name: object.name,
            patch: ["status": .object(status)],
            status: true,
            fieldManager: manager
        )
        written["apiVersion"] = .string(object.apiVersion)
        written["kind"] = .string(object.kind)
        return written
    }

    /// Adds `finalizer` when missing (controllers do this before anything else, so deletion waits for them).
    func ensureFinalizer(_ object: KubeFakeJSON, _ finalizer: String, manager: String) async throws -> KubeFakeJSON {
        guard !object.finalizers.contains(finalizer) else { return object }
        return try await api.mergePatch(
            object.apiVersion,
            object.kind,
            namespace: object.namespace,
            name: object.name,
            patch: ["metadata": ["finalizers": .array((object.finalizers + [finalizer]).map { .string($0) })]],
            fieldManager: manager
        )
    }

    /// Removes `finalizer`; an object being deleted then goes away.
    func removeFinalizer(_ object: KubeFakeJSON, _ finalizer: String, manager: String) async throws {
        guard object.finalizers.contains(finalizer) else { return }
        let rest = object.finalizers.filter { $0 != finalizer }
        _ = try await api.mergePatch(
            object.apiVersion,
            object.kind,
            namespace: object.namespace,
            name: object.name,
            patch: ["metadata": ["finalizers": rest.isEmpty ? .null : .array(rest.map { .string($0) })]],
            fieldManager: manager
        )
    }

    /// A spec duration (`10m`, `1h30m`, `45s`), or the twin's override.
    func timeout(_ text: String?, default fallback: Duration) -> Duration {
        if let override = options.timeout { return override }
        guard let text, !text.isEmpty else { return fallback }
        var total = 0.0
        var number = ""
        for character in text {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            let value = Double(number) ?? 0
            number = ""
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: break
            }
        }
        return .milliseconds(Int(total * 1000))
    }

    /// Go's `time.Duration.String()` for whole seconds (`5m0s`, `1h0m0s`), as Flux prints timeouts.
    static func goDuration(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        let h = seconds / 3600
        let m = (seconds % 3600) / 60
        let s = seconds % 60
        if h > 0 { return "\(h)h\(m)m\(s)s" }
        if m > 0 { return "\(m)m\(s)s" }
        return "\(s)s"
    }
}

/// An object's identity, as Flux's inventory records it.
struct ObjectRef: Hashable, Sendable, CustomStringConvertible {
    var group: String
    var version: String
    var kind: String
    var namespace: String
    var name: String

    init(_ object: KubeFakeJSON) {
        group = object.group
        version = object.apiVersion.split(separator: "/").last.map(String.init) ?? "v1"
        kind = object.kind
        namespace = object.namespace ?? ""
        name = object.name
    }

    init(group: String, version: String, kind: String, namespace: String, name: String) {
        (self.group, self.version, self.kind, self.namespace, self.name) = (group, version, kind, namespace, name)
    }

    /// `apiVersion` of the recorded version.
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// cli-utils `ObjMetadata.String()`: `<namespace>_<name>_<group>_<kind>`, the inventory entry id.
    var inventoryID: String { "\(namespace)_\(name)_\(group)_\(kind)" }

    /// ssa utils `FmtObjMetadata`: `<kind>/<namespace>/<name>` (no namespace segment for cluster-scoped objects).
    var description: String { namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)" }

    /// Parses an inventory entry back (`id` and `v`).
    static func fromInventory(_ entry: KubeFakeJSON) -> ObjectRef? {
        guard let id = entry["id"]?.stringValue, let version = entry["v"]?.stringValue else { return nil }
        let parts = id.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else { return nil }
        return ObjectRef(group: parts[2], version: version, kind: parts[3], namespace: parts[0], name: parts[1])
    }
}
