// kube-fake: runs the fake Kubernetes API server until SIGTERM/SIGINT (for kubectl-based checks and demos).
import Foundation
import KubeFake

#if canImport(Glibc)
    import Glibc
#endif

let usage = """
    usage: kube-fake [--port 0] [--endpoint-file F] [--crd-establish-delay SECONDS|never]
                     [--endpoint-lag SECONDS] [--auto-rollout-after SECONDS] [--no-flux-ready]

    Prints KUBE_FAKE_ENDPOINT=http://127.0.0.1:PORT first; stops cleanly on SIGTERM or SIGINT.
    Control endpoints (outside discovery):
      POST /_fake/rollout/NS/NAME[?complete=true|?fail=true]   advance a Deployment's rollout status
      POST /_fake/establish-delay?seconds=N|never               CRD establish delay for new CRDs
      POST /_fake/compact?below=RV                              forget history (watches from older RVs get 410)
      GET  /_fake/watches                                       {"open": N}
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kube-fake: \(message)\n\(usage)\n".utf8))
    exit(2)
}

var options = KubeFakeOptions()
var endpointFile: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let v = arguments.popFirst() else { fail("\(argument) needs a value") }
        return v
    }
    func seconds(_ text: String) -> Double {
        guard let d = Double(text), d >= 0 else { fail("\(argument): \"\(text)\" is not a number of seconds") }
        return d
    }
    switch argument {
    case "--port":
        guard let p = Int(value()), (0...65535).contains(p) else { fail("--port needs a number 0-65535") }
        options.port = p
    case "--endpoint-file": endpointFile = value()
    case "--crd-establish-delay":
        let v = value()
        options.crdEstablishDelay = v == "never" ? nil : seconds(v)
    case "--endpoint-lag": options.endpointLagAfterEstablished = seconds(value())
    case "--auto-rollout-after": options.autoRolloutAfter = seconds(value())
    case "--no-flux-ready": options.markFluxReady = false
    case "-h", "--help":
        print(usage)
        exit(0)
    default: fail("unknown argument \(argument)")
    }
}

signal(SIGTERM, SIG_IGN)
signal(SIGINT, SIG_IGN)
let server: KubeFakeServer
do {
    server = try await KubeFakeServer.start(options)
} catch {
    FileHandle.standardError.write(
        Data("kube-fake: cannot listen on 127.0.0.1:\(options.port): \(error) (pick another --port, or 0)\n".utf8)
    )
    exit(1)
}
let endpoint = "KUBE_FAKE_ENDPOINT=\(server.baseURL)"
FileHandle.standardOutput.write(Data((endpoint + "\n").utf8))
if let endpointFile {
    do {
        try (server.baseURL + "\n").write(toFile: endpointFile, atomically: true, encoding: .utf8)
    } catch {
        fail("cannot write \(endpointFile): \(error)")
    }
}

/// Resumes a continuation exactly once, whichever signal arrives first.
final class StopLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Int32, Never>?

    func arm(_ continuation: CheckedContinuation<Int32, Never>) {
        lock.lock()
        defer { lock.unlock() }
        self.continuation = continuation
    }

    func fire(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        continuation?.resume(returning: signal)
        continuation = nil
    }
}

let latch = StopLatch()
let signalQueue = DispatchQueue(label: "kube-fake.signals")
let signalSources = [SIGTERM, SIGINT].map { sig in
    let source = DispatchSource.makeSignalSource(signal: sig, queue: signalQueue)
    source.setEventHandler { latch.fire(sig) }
    return source
}
let stopSignal: Int32 = await withCheckedContinuation { continuation in
    latch.arm(continuation)
    for source in signalSources { source.resume() }
}
await server.shutdown()
FileHandle.standardError.write(Data("kube-fake: stopped on signal \(stopSignal)\n".utf8))
exit(0)
