import ArgumentParser
import EKSPlatformKit
import Foundation

/// Loads platform.yaml or exits 1 with every problem in it, one `file:line:column: path: message` line each
/// (nothing else happens).
func loadPlatformConfig(_ path: String) throws -> PlatformConfig {
    do {
        return try PlatformConfig.load(contentsOf: URL(fileURLWithPath: path))
    } catch let error as ConfigError {
        for problem in allConfigProblems(path, first: error) {
            FileHandle.standardError.write(Data("error: \(Console.redactor.redact(problem.description))\n".utf8))
        }
        throw ExitCode(1)
    }
}

/// Every problem in the file at `path`, starting with `first` (what the loader reported).
func allConfigProblems(_ path: String, first: ConfigError) -> [ConfigError] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [first] }
    let all = PlatformConfig.problems(in: text, file: path)
    return all.isEmpty ? [first] : all
}

/// An AWS session for `config`: its region unless `--region` says otherwise.
func platformSession(
    _ aws: AWSOptions,
    config: PlatformConfig,
    role: RoleOptions,
    path: String,
    observer: (@Sendable (AWSAttemptRecord) -> Void)? = nil
) async throws
    -> AWSSession
{
    var options = aws.sessionOptions()
    options.observer = observer
    if let flag = options.region, flag != config.spec.region {
        throw CLIError(
            message: "--region \(flag) differs from spec.region \(config.spec.region) in \(path); the platform lives in "
                + "one region, so drop --region (or change spec.region if the file is wrong)"
        )
    }
    options.region = config.spec.region
    // The platform.yaml names the operator settings only when it has an operator: section.
    return try AWSSession(try await role.apply(to: options, operatorConfig: config.operator == nil ? nil : path))
}

/// `platformctl plan`: what `up` would change, with reasons.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what `up` would create, update or delete (rediscovered by tags; no state file).",
        discussion: "Exit status with --detailed-exitcode: 0 no changes, 2 changes, 1 error."
    )

    @Option(name: .long, help: "Path to platform.yaml.")
    var config: String = "platform.yaml"

    @OptionGroup var aws: AWSOptions
    @OptionGroup var role: RoleOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when there are changes, 0 when there are none.")
    var detailedExitCode = false

    @Flag(help: "Also list unchanged resources.")
    var verbose = false

    @Flag(
        name: .customLong("full-refresh"),
        help: "Read every resource in full, ignoring platformctl's applied records (finds edits made outside it)."
    )
    var fullRefresh = false

    @Flag(
        name: .customLong("refresh-node-ami"),
        help:
            "Plan moving the system node group to the latest AMI release for its Kubernetes version (as `up --refresh-node-ami`)."
    )
    var refreshNodeAMI = false

    func run() async throws {
        let plan: Plan
        let findings: [PreflightFinding]
        do {
            (findings, plan) = try await withEngine(
                config: config,
                aws: aws,
                role: role,
                fullRefresh: fullRefresh,
                nodeAMIReleases: refreshNodeAMI ? .latest : .keep,
                header: "plan"
            ) { engine in
                // Problems that would stop `up` later are findings here; the plan is still shown.
                let findings = await engine.preflight(reachesPrivateEndpoint: runsInsideVPC())
                reportPreflight(findings, json: output.output == .json)
                let planned = try await engine.plan()
                reportInsights(planned.upgradeInsights, json: output.output == .json)
                return (findings, planned.plan)
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(Console.redactor.redact("\(error)"))\n".utf8))
            throw ExitCode(1)
        }
        switch output.output {
        case .json: print(PlanPrinter.json(plan))
        case .text:
            let (_, colour) = ProgressPrinter.forTerminal(json: false)
            print(PlanPrinter.text(plan, colour: colour && isatty(STDOUT_FILENO) == 1, verbose: verbose))
        }
        if !findings.isEmpty {
            FileHandle.standardError.write(
                Data("error: preflight found \(findings.count) problem(s) that would stop `up`; see above\n".utf8)
            )
            throw ExitCode(1)
        }
        let code = PlanPrinter.exitCode(plan, detailed: detailedExitCode)
        if code != 0 { throw ExitCode(code) }
    }
}

/// Prints preflight findings: `preflight: CHECK: MESSAGE` lines on stderr, or JSON lines on stdout.
func reportPreflight(_ findings: [PreflightFinding], json: Bool) {
    for finding in findings {
        if json {
            let object: JSONValue = [
                "event": "preflight", "check": .string(finding.check),
                "message": .string(Console.redactor.redact(finding.message)),
            ]
            print(PolicyDocument.canonicalJSON(object))
        } else {
            FileHandle.standardError.write(Data("preflight: \(Console.redactor.redact(finding.description))\n".utf8))
        }
    }
}

/// Prints EKS's upgrade insights for a planned version change: `upgrade insight: STATUS VERSION NAME…` lines on stderr
/// (or one line saying none fails), or `upgradeInsight` JSON lines on stdout.
func reportInsights(_ insights: UpgradeInsights?, json: Bool) {
    guard let insights else { return }
    if json {
        for (insight, line) in zip(insights.findings, insights.lines) {
            let object: JSONValue = [
                "event": "upgradeInsight", "status": .string(insight.insightStatus?.status ?? "UNKNOWN"),
                "kubernetesVersion": .string(insight.kubernetesVersion ?? ""), "name": .string(insight.name ?? ""),
                "message": .string(Console.redactor.redact(line)),
            ]
            print(PolicyDocument.canonicalJSON(object))
        }
        return
    }
    var text = "upgrade insights for Kubernetes \(insights.from) → \(insights.to) (EKS ListInsights): "
    text += insights.findings.isEmpty ? "all passing\n" : "\(insights.findings.count) not passing\n"
    for line in insights.lines { text += "upgrade insight: \(line)\n" }
    if insights.hasErrors {
        text += "`up` stops before changing anything while an insight is ERROR (--ignore-insights goes on)\n"
    }
    FileHandle.standardError.write(Data(Console.redactor.redact(text).utf8))
}
