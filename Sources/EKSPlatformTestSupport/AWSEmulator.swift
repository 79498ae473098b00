import EKSPlatformKit
import Foundation

/// A running local AWS emulator (`scripts/aws-emulator`: moto plus the project's extensions) on 127.0.0.1.
public final class AWSEmulator: @unchecked Sendable {
    /// The endpoint, e.g. `http://127.0.0.1:51234`.
    public let endpoint: URL
    /// The emulator's log file (stderr), kept for failed tests.
    public let logFile: URL
    private let process: Process

    /// The account id moto uses by default.
    public static let accountID = "123456789012"

    /// Fixed test credentials (moto accepts any unless signature checking is on).
    public static let credentials = AWSCredentials(
        accessKeyID: "AKIAEMULATORTEST0001",
        secretAccessKey: "emulator-test-secret-key",
        source: "test"
    )

    private init(endpoint: URL, logFile: URL, process: Process) {
        self.endpoint = endpoint
        self.logFile = logFile
        self.process = process
    }

    /// Starts an emulator with extra flags (e.g. `["--latency-ms", "50"]`) and waits until it accepts requests.
    public static func start(arguments: [String] = [], timeout: Duration = .seconds(60)) async throws -> AWSEmulator {
        let script = PackagePaths.root.appendingPathComponent("scripts/aws-emulator")
        let logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("aws-emulator-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The emulator exits when this process is gone, so it never outlives the tests that started it.
        process.arguments =
            ["python3", script.path, "--port", "0", "--parent-pid", String(ProcessInfo.processInfo.processIdentifier)]
            + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logFile)
        try process.run()
        let line = try await firstLine(of: stdout.fileHandleForReading, timeout: timeout)
        guard let value = line?.split(separator: "=", maxSplits: 1).last, line?.hasPrefix("AWS_EMULATOR_ENDPOINT=") == true,
            let url = URL(string: String(value))
        else {
            process.terminate()
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw TestSupportError("the AWS emulator did not start; its log:\n\(log.suffix(3000))")
        }
        return AWSEmulator(endpoint: url, logFile: logFile, process: process)
    }

    /// Stops the emulator.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        // Never wait on the caller's thread (it may be one of the few cooperative threads): a GCD thread makes sure the
        // emulator is gone a little later.
        let process = self.process
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    deinit { stop() }

    /// Wipes all state (`POST /moto-api/reset`).
    public func reset() async throws {
        _ = try await post("/moto-api/reset", body: "")
    }

    /// Sends a control request and returns the body.
    @discardableResult
    public func post(_ path: String, body: String, contentType: String = "application/json") async throws -> String {
        try await http("POST", path, body: body, contentType: contentType)
    }

    /// Sends a control GET and returns the body.
    public func get(_ path: String) async throws -> String {
        try await http("GET", path, body: nil, contentType: nil)
    }

    private func http(_ method: String, _ path: String, body: String?, contentType: String?) async throws -> String {
        guard let url = URL(string: endpoint.absoluteString + path) else { throw TestSupportError("bad path \(path)") }
        let result = try await Subprocess.run(
            ["curl", "-sS", "-X", method, "--max-time", "30"]
                + (contentType.map { ["-H", "Content-Type: \($0)"] } ?? [])
                + (body.map { ["--data-binary", $0] } ?? []) + [url.absoluteString],
            environment: ProcessInfo.processInfo.environment
        )
        guard result.status == 0 else {
            throw TestSupportError("\(method) \(path) failed: \(String(decoding: result.stderr, as: UTF8.self))")
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// Session options that point every service at this emulator with the test credentials.
    public func sessionOptions(
        region: String = "us-west-2",
        credentials: AWSCredentials? = AWSEmulator.credentials,
        environment: [String: String] = ["HOME": "/nonexistent"],
        maxAttempts: Int? = nil,
        sleeper: AWSSleeper? = { _ in },
        observer: (@Sendable (AWSAttemptRecord) -> Void)? = nil
    ) -> AWSSessionOptions {
        AWSSessionOptions(
            region: region,
            endpointURL: endpoint,
            maxAttempts: maxAttempts,
            environment: environment,
            credentials: credentials,
            sleeper: sleeper,
            observer: observer
        )
    }

    private static func firstLine(of handle: FileHandle, timeout: Duration) async throws -> String? {
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                // The read blocks, so it runs on a GCD thread rather than the cooperative pool.
                await Subprocess.blocking { () -> String? in
                    var bytes: [UInt8] = []
                    while true {
                        let chunk = handle.availableData
                        if chunk.isEmpty { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
                        for byte in chunk {
                            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
                            bytes.append(byte)
                        }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// One emulator shared by every test in the process that does not need its own; tests keep to their own regions or
/// resource names so they do not see each other.
public actor SharedAWSEmulator {
    /// The shared instance.
    public static let shared = SharedAWSEmulator()
    private var starting: Task<AWSEmulator, any Error>?

    /// The running shared emulator (started once, on first use, even when many tests ask at the same time).
    public func get() async throws -> AWSEmulator {
        if let starting { return try await starting.value }
        let task = Task { try await AWSEmulator.start() }
        starting = task
        return try await task.value
    }
}

/// Paths inside the package checkout.
public enum PackagePaths {
    /// The package root (found from this file's location).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `shared/` folder beside the checkout (`../shared`), if present.
    public static var shared: URL? {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}

/// A failure in test setup.
public struct TestSupportError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
