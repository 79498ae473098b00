import EKSPlatformTestSupport
import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// Helpers shared by the AWS client tests.
enum ClientTests {
    /// A session on the shared emulator in `region` (each suite keeps to its own region or names).
    static func session(
        region: String,
        observer: (@Sendable (AWSAttemptRecord) -> Void)? = nil
    ) async throws -> (AWSEmulator, AWSSession) {
        let emulator = try await SharedAWSEmulator.shared.get()
        let session = try AWSSession(emulator.sessionOptions(region: region, maxAttempts: 1, observer: observer))
        return (emulator, session)
    }

    /// A client whose transport is scripted (no network), with one attempt per call.
    static func scripted(
        _ steps: [ScriptedTransport.Step],
        region: String = "us-west-2"
    ) throws
        -> (AWSClient, ScriptedTransport)
    {
        let transport = ScriptedTransport(steps)
        let client = AWSClient(
            region: try AWSRegion(region),
            credentialProvider: StaticCredentialProvider(AWSEmulator.credentials),
            endpoints: AWSEndpointResolver(explicitEndpoint: nil, environment: [:], shared: nil),
            retry: AWSRetryStrategy(maxAttempts: 1, sleeper: { _ in }),
            transport: transport
        )
        return (client, transport)
    }

    /// A JSON response.
    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> ScriptedTransport.Step {
        .respond(
            AWSHTTPResponse(
                statusCode: status,
                headers: [("content-type", "application/json")] + headers,
                body: Array(body.utf8)
            )
        )
    }

    /// A raw response.
    static func raw(_ status: Int, _ contentType: String, _ body: [UInt8]) -> ScriptedTransport.Step {
        .respond(AWSHTTPResponse(statusCode: status, headers: [("content-type", contentType)], body: body))
    }

    /// `../shared/fixtures/moto`, if present.
    static var fixtures: URL? { PackagePaths.shared?.appendingPathComponent("fixtures/moto") }

    /// The bytes of a moto fixture.
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(fixtures).appendingPathComponent(name)
        return Array(try Data(contentsOf: url))
    }

    /// A unique suffix for resource names.
    static func unique() -> String { String(UUID().uuidString.prefix(8)).lowercased() }

    /// The error thrown by `body`, as `E`.
    static func error<E: Error>(_ type: E.Type, _ body: () async throws -> Void) async -> E? {
        do {
            try await body()
            return nil
        } catch let error as E {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    /// Sends a raw EC2 query call (for operations the client does not offer, like RunInstances).
    static func ec2Raw(_ session: AWSSession, _ operation: String, _ pairs: [(String, String)]) async throws -> XMLTree {
        var parameters = QueryParameters(.ec2)
        for (name, value) in pairs { parameters.set(name, value) }
        let call = AWSCall.query(operation, parameters, version: AWSServiceDescriptor.ec2.apiVersion, isMutating: true)
        let response = try await session.client.execute(call, service: .ec2)
        return try XMLTree.parse(response.body)
    }
}

/// Collects attempt records (operation, mutating) for checks on `isMutating`.
final class AttemptLog: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [AWSAttemptRecord] = []

    var observer: @Sendable (AWSAttemptRecord) -> Void { { record in self.lock.withLock { self.records.append(record) } } }
    var all: [AWSAttemptRecord] { lock.withLock { records } }
}
