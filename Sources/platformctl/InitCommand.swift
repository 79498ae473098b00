import ArgumentParser
import EKSPlatformKit
import Foundation

/// `platformctl init`: writes a commented example platform.yaml; never overwrites.
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented example platform.yaml (refuses to overwrite an existing file)."
    )

    @Option(name: .long, help: "Where to write the file.")
    var config: String = "platform.yaml"

    @Option(help: "The cluster name to put in the file.")
    var name: String = "dev"

    @Option(help: "The AWS region to put in the file.")
    var region: String = "us-west-2"

    @Option(
        name: .customLong("flux-manifest"),
        help: "Where to download the Flux install manifest to pin (default: the v2.9.4 release asset on GitHub)."
    )
    var fluxManifest: String?

    @Flag(name: .customLong("no-flux-pin"), help: "Do not download the Flux manifest; leave it unpinned for now.")
    var noFluxPin = false

    func run() async throws {
        let url = URL(fileURLWithPath: config)
        var fluxPin: String?
        if !noFluxPin {
            let release = FluxRelease(flux: PlatformConfig.Flux(manifestURL: fluxManifest))
            do {
                fluxPin = release.pinLine(for: try await FluxRelease.download(release.url))
            } catch {
                FileHandle.standardError.write(
                    Data(
                        ("warning: could not download \(release.url) (\(error)); the Flux manifest is left unpinned. "
                            + "Run `platformctl pin-flux --config \(config)` before `up`, which refuses an unpinned "
                            + "manifest.\n").utf8
                    )
                )
            }
        }
        let text = PlatformTemplate.yaml(name: name, region: region, fluxPin: fluxPin)
        // Validate what we are about to write, so `init` never produces a file `validate` rejects.
        _ = try PlatformConfig.parse(text, file: config)
        do {
            try Data(text.utf8).write(to: url, options: .withoutOverwriting)
        } catch {
            throw CLIError(message: "cannot write \(config): \(error.localizedDescription) (it must not exist yet)")
        }
        print(
            "wrote \(config)" + (fluxPin == nil ? "" : " (Flux manifest pinned by its SHA-256 as downloaded now)")
                + "; edit it, then run `platformctl validate --config \(config)`"
        )
    }

    func validate() throws {
        if FileManager.default.fileExists(atPath: config) {
            throw ValidationError("\(config) already exists; not overwriting it (choose another path with --config)")
        }
    }
}

/// `platformctl validate`: parses and validates platform.yaml and derives the blueprint, without any API call.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check platform.yaml (schema, values, the derived network layout) without calling AWS."
    )

    @Option(name: .long, help: "Path to platform.yaml.")
    var config: String = "platform.yaml"

    @OptionGroup var output: OutputOptions

    func run() throws {
        let platform: PlatformConfig
        do {
            platform = try PlatformConfig.load(contentsOf: URL(fileURLWithPath: config))
            let zones = Self.nominalZones(platform)
            let blueprint = try Blueprint(config: platform, zones: zones)
            let findings = Preflight.offline(platform)
            if !findings.isEmpty {
                for finding in findings { report(finding.message, code: finding.check) }
                throw ExitCode(1)
            }
            if let flux = platform.spec.gitops?.flux, !FluxRelease(flux: flux).isPinned, !flux.insecureAllowUnpinned {
                FileHandle.standardError.write(
                    Data(
                        ("warning: spec.gitops.flux has no sha256, so `up` will refuse to install Flux; "
                            + "`platformctl pin-flux --config \(config)` prints the line that pins it\n").utf8
                    )
                )
            }
            if output.output == .json {
                let object: JSONValue = [
                    "valid": true, "cluster": .string(platform.name), "region": .string(platform.spec.region),
                    "resources": .integer(blueprint.resources.count),
                ]
                print(PolicyDocument.canonicalJSON(object))
            } else {
                print(
                    "\(config): valid; cluster \(platform.name) in \(platform.spec.region), "
                        + "\(blueprint.resources.count) AWS resources"
                        + (blueprint.cluster == nil ? "" : " + Flux sync of \(platform.spec.gitops?.repository.path ?? "")")
                )
            }
        } catch let error as ConfigError {
            let problems = allConfigProblems(config, first: error)
            if output.output == .json {
                let list: [JSONValue] = problems.map {
                    ["code": .string($0.code.rawValue), "error": .string(Console.redactor.redact($0.description))]
                }
                let object: JSONValue = [
                    "valid": false, "code": .string(error.code.rawValue), "error": .string(error.description),
                    "errors": .array(list),
                ]
                print(PolicyDocument.canonicalJSON(object))
            } else {
                for problem in problems { report(problem.description, code: problem.code.rawValue) }
                if problems.count > 1 {
                    FileHandle.standardError.write(Data("\(problems.count) problems in \(config)\n".utf8))
                }
            }
            throw ExitCode(1)
        } catch let error as BlueprintError {
            report(error.message, code: error.code.rawValue)
            throw ExitCode(1)
        }
    }

    private func report(_ message: String, code: String) {
        if output.output == .json {
            let object: JSONValue = ["valid": false, "code": .string(code), "error": .string(message)]
            print(PolicyDocument.canonicalJSON(object))
        } else {
            FileHandle.standardError.write(Data("error: \(Console.redactor.redact(message))\n".utf8))
        }
    }

    /// Zone names for an offline check: the named ones, or `<region>a`, `<region>b`, … for a count.
    static func nominalZones(_ config: PlatformConfig) -> [String] {
        switch config.spec.network.availabilityZones {
        case .names(let names): return names
        case .count(let count):
            return "abcdef".prefix(count).map { "\(config.spec.region)\($0)" }
        }
    }
}
