import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// The per-kind engine (`Platform/Resources/`): every registered kind is complete, and what the planner compares the
/// observer can see.
@Suite("Engine: resource kinds", .serialized)
struct ResourceKindTests {
    /// `config` with every kind in its blueprint: Spot in the NodePool adds EC2 Spot's service-linked role.
    static func everyKind(_ config: PlatformConfig = EngineFixtures.config()) -> PlatformConfig {
        var config = config
        config.spec.karpenter.nodePool.capacityTypes = ["on-demand", "spot"]
        return config
    }

    @Test("every kind is registered once, parses back, and declares only immutable properties it compares")
    func registry() throws {
        let kinds = ResourceKinds.all.map { $0.kind }
        #expect(Set(kinds).count == kinds.count, "a kind is registered twice: \(kinds)")
        for kind in kinds {
            #expect(ResourceKind(rawValue: kind.rawValue) == kind)
            #expect(ResourceID(parsing: "\(kind.rawValue)/x")?.kind == kind)
        }
        #expect(ResourceKind(rawValue: "kubernetesObject") == .kubernetesObject)
        #expect(ResourceKind(rawValue: "nosuchKind") == nil)
        // Creation order is registration order; in-cluster objects come last.
        #expect(kinds == kinds.sorted())
        #expect(kinds.allSatisfy { $0 < .kubernetesObject })

        let blueprint = try EngineFixtures.blueprint(Self.everyKind())
        let present = Set(blueprint.resources.map(\.id.kind))
        #expect(present == Set(kinds), "the fixture blueprint lacks \(Set(kinds).subtracting(present))")
        for resource in blueprint.resources {
            let compared = Set(resource.spec.properties(in: EngineFixtures.context).keys)
            let immutable = type(of: resource.spec).immutableProperties
            #expect(immutable.isSubset(of: compared), "\(resource.id): immutable \(immutable.subtracting(compared))")
            #expect(type(of: resource.spec).kind == resource.id.kind, "\(resource.id) holds a \(type(of: resource.spec))")
        }
    }

    @Test("after up, a full-refresh observation reports every property the planner compares, for every kind")
    func observerSeesEveryComparedProperty() async throws {
        let emulator = try await AWSEmulator.start()
        defer { emulator.stop() }
        let session = try AWSSession(emulator.sessionOptions(region: "us-west-2"))
        let config = Self.everyKind(EngineFixtures.config(name: "kinds", gitops: false))
        let engine = PlatformEngine(config: config, session: session, parallelism: 8)
        let planned = try await engine.plan()
        let summary = try await engine.apply(planned, events: RecordingEvents())
        #expect(summary.isSuccess, "\(summary.failed)")
        guard summary.isSuccess else { return }

        let observed = try await AWSPlatformObserver(session: session, fullRefresh: true).observe(config)
        var kindsChecked = Set<ResourceKind>()
        for resource in planned.blueprint.resources {
            let found = try #require(observed.resource(resource.id), "\(resource.id) was not observed")
            let compared = resource.spec.properties(in: observed.context)
            let missing = Set(compared.keys).subtracting(found.properties.keys)
            #expect(missing.isEmpty, "\(resource.id): the observer does not report \(missing.map(\.name).sorted())")
            // References were translated back to resource ids: the values match what was applied.
            for (key, value) in compared where key.isReference {
                #expect(found.properties[key] == value, "\(resource.id) \(key): \(found.properties[key] ?? "-") ≠ \(value)")
            }
            kindsChecked.insert(resource.id.kind)
        }
        #expect(kindsChecked == Set(ResourceKinds.all.map { $0.kind }))
        try await session.shutdown()
    }
}
