// cluster-twin: runs the cluster twin (Flux, Helm, Karpenter and the workload controllers, played against kube-fake
// and the AWS emulator) until SIGTERM/SIGINT, printing every Ready change — for scripts/demo.
import EKSPlatformTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

let usage = """
    usage: cluster-twin --kube URL --checkout DIR [--chart SOURCE_URL=DIR]... [--helm PATH]
                        [--aws-endpoint URL] [--region R] [--cluster-name NAME]
                        [--system-nodes N] [--system-label K=V]... [--system-taint K=V:EFFECT]...

    Reconciles every 200 ms; prints one line per Ready change (and per action with --verbose).
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("cluster-twin: \(message)\n\(usage)\n".utf8))
    exit(2)
}

var kube: String?
var checkout: String?
var charts: [String: URL] = [:]
var helm: String?
var endpoint: URL?
var region = "us-west-2"
var clusterName = "demo"
var systemNodes = 0
var systemLabels: [String: String] = [:]
var systemTaints: [(key: String, value: String, effect: String)] = []
var verbose = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let v = arguments.popFirst() else { fail("\(argument) needs a value") }
        return v
    }
    func pair(_ text: String) -> (String, String) {
        guard let index = text.firstIndex(of: "=") else { fail("\(argument): \"\(text)\" is not KEY=VALUE") }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }
    switch argument {
    case "--kube": kube = value()
    case "--checkout": checkout = value()
    case "--chart":
        let (url, directory) = pair(value())
        charts[url] = URL(fileURLWithPath: directory)
    case "--helm": helm = value()
    case "--aws-endpoint": endpoint = URL(string: value())
    case "--region": region = value()
    case "--cluster-name": clusterName = value()
    case "--system-nodes": systemNodes = Int(value()) ?? 0
    case "--system-label":
        let (key, label) = pair(value())
        systemLabels[key] = label
    case "--system-taint":
        let (key, rest) = pair(value())
        let parts = rest.split(separator: ":").map(String.init)
        guard parts.count == 2 else { fail("--system-taint needs KEY=VALUE:EFFECT") }
        systemTaints.append((key, parts[0], parts[1]))
    case "--verbose": verbose = true
    case "-h", "--help":
        print(usage)
        exit(0)
    default: fail("unknown argument \(argument)")
    }
}
/// One line on stdout, unbuffered (the demo reads it through a pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

guard let kube, let checkout else { fail("--kube and --checkout are required") }

signal(SIGTERM) { _ in exit(0) }
signal(SIGINT) { _ in exit(0) }

let twin = ClusterTwin(
    api: TwinAPI(baseURL: kube),
    options: .init(
        checkout: URL(fileURLWithPath: checkout),
        charts: charts,
        helm: helm,
        awsEndpoint: endpoint,
        region: region,
        clusterName: clusterName
    )
)
if systemNodes > 0 {
    let names = (0..<systemNodes).map { "ip-10-42-0-\(10 + $0).\(region).compute.internal" }
    try await twin.registerNodes(names: names, labels: systemLabels, taints: systemTaints)
}
var printedTransitions = 0
var printedLog = 0
while true {
    do {
        try await twin.reconcileOnce()
    } catch {
        FileHandle.standardError.write(Data("cluster-twin: \(error)\n".utf8))
    }
    if verbose {
        let log = await twin.log
        for line in log.dropFirst(printedLog) { say("twin: \(line)") }
        printedLog = log.count
    } else {
        let transitions = await twin.transitions
        for transition in transitions.dropFirst(printedTransitions) {
            say("twin: \(transition)\(transition.message.isEmpty ? "" : ": \(transition.message)")")
        }
        printedTransitions = transitions.count
    }
    try await Task.sleep(for: .milliseconds(200))
}
