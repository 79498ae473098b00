import EKSPlatformKit
import Foundation
import KubeFake
import Testing

@testable import EKSPlatformTestSupport

/// The twin's CEL subset on the `karpenter` Kustomization's rendered HelmRelease gate, and its refusal of anything else.
@Suite("Cluster twin: the CEL health checks of the rendered tree")
struct TwinCELTests {
    static let gate = GitOpsRenderer.karpenterReleaseGate

    /// A HelmRelease wanting `wanted`, whose newest history snapshot is `installed` (none when `nil`).
    static func release(
        wanted: String,
        installed: String?,
        snapshotStatus: String = "deployed",
        ready: String = "True",
        stalled: Bool = false,
        observedGeneration: Int64 = 1
    ) -> KubeFakeJSON {
        var conditions: [KubeFakeJSON] = [["type": "Ready", "status": .string(ready), "reason": "x", "message": "y"]]
        if stalled { conditions.append(["type": "Stalled", "status": "True", "reason": "x", "message": "y"]) }
        var status: KubeFakeJSON = ["observedGeneration": .int(observedGeneration), "conditions": .array(conditions)]
        if let installed {
            status["history"] = [["chartVersion": .string(installed), "status": .string(snapshotStatus)]]
        }
        return [
            "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": [
                "name": "karpenter", "namespace": "kube-system", "generation": 1,
                "annotations": [GitOpsRenderer.chartVersionAnnotation: .string(wanted)],
            ],
            "status": status,
        ]
    }

    static func check() throws -> TwinCustomHealthCheck {
        let kustomization: KubeFakeJSON = [
            "spec": [
                "healthCheckExprs": [
                    [
                        "apiVersion": .string(gate.apiVersion), "kind": .string(gate.kind), "current": .string(gate.current),
                        "failed": .string(gate.failed ?? ""),
                    ]
                ]
            ]
        ]
        return try #require(try TwinCustomHealthCheck.all(of: kustomization).first)
    }

    @Test("Current only when the wanted chart version is deployed and Ready")
    func gateVerdicts() throws {
        let check = try Self.check()
        #expect(check.health(of: Self.release(wanted: "1.14.1", installed: "1.14.1")) == .current)
        // The bump: the HelmRelease is still Ready from the old release — the case kstatus calls Current.
        let stale = Self.release(wanted: "1.15.0", installed: "1.14.1")
        #expect(TwinHealth.of(stale) == .current)
        #expect(check.health(of: stale) != .current)
        #expect(check.health(of: Self.release(wanted: "1.15.0", installed: nil)) != .current)
        #expect(
            check.health(of: Self.release(wanted: "1.15.0", installed: "1.15.0", snapshotStatus: "pending-upgrade")) != .current
        )
        #expect(check.health(of: Self.release(wanted: "1.15.0", installed: "1.15.0", ready: "Unknown")) != .current)
        #expect(check.health(of: Self.release(wanted: "1.15.0", installed: "1.15.0")) == .current)
        #expect(
            check.health(of: Self.release(wanted: "1.15.0", installed: "1.14.1", ready: "False", stalled: true)).word == "Failed"
        )
        // observedGeneration behind generation is in progress before any expression.
        #expect(check.health(of: Self.release(wanted: "1.14.1", installed: "1.14.1", observedGeneration: 0)) != .current)
    }

    @Test("expressions outside the subset are refused when parsed, not guessed")
    func refusesOtherExpressions() {
        for source in [
            "status.conditions.map(c, c.type)", "matches(metadata.name, 'x')", "a ? b : c", "1 + 2",
            "status.observedGeneration == metadata.generation && status.x =~ 'y'", "'esc\\'aped'",
        ] {
            #expect(throws: TwinCEL.ParseError.self, "\(source)") { try TwinCEL(source) }
        }
    }

    @Test("a missing field is an evaluation error, which keeps the object in progress")
    func missingFieldsError() throws {
        let expression = try TwinCEL("status.history[0].chartVersion == '1'")
        #expect(throws: TwinCEL.EvaluationError.self) { try expression.isTrue(for: ["status": [:]]) }
        #expect(try TwinCEL("has(status.history)").isTrue(for: ["status": [:]]) == false)
        #expect(try TwinCEL("status.?history.orValue([]).size() == 0").isTrue(for: ["status": [:]]))
        #expect(try TwinCEL("[1, 2].all(x, x > 0) && !false || false").isTrue(for: [:]))
    }
}
