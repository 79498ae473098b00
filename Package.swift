// swift-tools-version:6.1
// EKSPlatformKit: build and tear down an opinionated Amazon EKS platform from one platform.yaml.
import PackageDescription

/// `EKSPLATFORM_FUZZ=1` (set by scripts/fuzz) builds the fuzz targets, their harnesses and the library they exercise
/// with libFuzzer's coverage instrumentation and AddressSanitizer. Dependencies stay uninstrumented, so the products of
/// the normal debug build are reused instead of rebuilding swift-nio, AsyncHTTPClient and BoringSSL with sanitizers.
let fuzzing = Context.environment["EKSPLATFORM_FUZZ"] == "1"
let fuzzSwiftSettings: [SwiftSetting] = fuzzing ? [.define("FUZZING"), .unsafeFlags(["-sanitize=fuzzer,address"])] : []
let fuzzLinkerSettings: [LinkerSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []

/// The libFuzzer targets under Fuzz/ (scripts/fuzz runs each one).
let fuzzExecutables = [
    "FuzzXML", "FuzzEC2Response", "FuzzAWSError", "FuzzPlatformConfig", "FuzzKubeconfig", "FuzzQueryEncoding",
]

let package = Package(
    name: "EKSPlatformKit",
    platforms: [.macOS(.v15)],
    products: [
        // The whole library; `EKSAWS` (the AWS client) and `EKSKubernetes` (the Kubernetes client, models, EKS token)
        // can also be used on their own.
        .library(name: "EKSPlatformKit", targets: ["EKSPlatformKit", "EKSKubernetes", "EKSAWS"]),
        .library(name: "KubeFake", targets: ["KubeFake"]),
        .executable(name: "platformctl", targets: ["platformctl"]),
        .executable(name: "kube-fake", targets: ["kube-fake"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libxml2 from the system (apt: pkg-config libxml2-dev); see Sources/CLibXML2/shim.h.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // prctl/setrlimit wrappers: platformctl turns core dumps off before it handles a secret.
        .target(name: "CProcessHardening"),
        // The AWS layer: request core (signing, credentials, endpoints, retries), protocols, service clients.
        .target(
            name: "EKSAWS",
            dependencies: [
                "CLibXML2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: fuzzSwiftSettings
        ),
        // The Kubernetes layer: typed models, the API client, kubeconfig and the EKS token.
        .target(
            name: "EKSKubernetes",
            dependencies: [
                "EKSAWS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: fuzzSwiftSettings
        ),
        // The platform engine: config, blueprint, plan, execute, teardown, GitOps render, operator credentials.
        .target(
            name: "EKSPlatformKit",
            dependencies: [
                "EKSAWS",
                "EKSKubernetes",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: fuzzSwiftSettings
        ),
        .executableTarget(
            name: "platformctl",
            dependencies: [
                "EKSPlatformKit",
                "CProcessHardening",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test support: a faithful fake Kubernetes API server (shared/reference/kube-fake-spec.md).
        .target(
            name: "KubeFake",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "kube-fake",
            dependencies: ["KubeFake"]
        ),
        // Test support: starts the local AWS emulator, fake `op`, temporary HOMEs; the cluster twin (Flux, Helm,
        // Karpenter and the workload controllers played against kube-fake and the emulator).
        .target(
            name: "EKSPlatformTestSupport",
            dependencies: [
                "EKSPlatformKit",
                "KubeFake",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The cluster twin as a process, for scripts/demo (see docs/cluster-twin.md).
        .executableTarget(
            name: "cluster-twin",
            dependencies: ["EKSPlatformTestSupport"]
        ),
        .executableTarget(
            name: "Whoami",
            dependencies: ["EKSAWS"],
            path: "Examples/Whoami"
        ),
        .executableTarget(
            name: "RenderGitOps",
            dependencies: ["EKSPlatformKit"],
            path: "Examples/RenderGitOps"
        ),
        .executableTarget(
            name: "BuildPlatform",
            dependencies: ["EKSPlatformKit"],
            path: "Examples/BuildPlatform"
        ),
        .executableTarget(name: "DecodeBench", dependencies: ["EKSPlatformKit"], path: "Benchmarks/DecodeBench"),
        // Fuzzing (docs/reliability.md): the harnesses live in a library that the tests also use to replay saved
        // crash inputs; each Fuzz/<Name> executable is a libFuzzer target when built by scripts/fuzz (with
        // `-sanitize=fuzzer,address -DFUZZING`), and a plain replayer of input files in the normal build.
        .target(
            name: "FuzzTargets",
            dependencies: ["EKSPlatformKit"],
            path: "Fuzz/Targets",
            swiftSettings: fuzzSwiftSettings
        ),
    ]
        + fuzzExecutables.map { name -> Target in
            .executableTarget(
                name: name,
                dependencies: ["FuzzTargets"],
                path: "Fuzz/\(name)",
                swiftSettings: fuzzSwiftSettings,
                linkerSettings: fuzzLinkerSettings
            )
        }
        + [
            // Kills itself mid-write on request: Tests/EKSPlatformKitTests/Reliability/AtomicWriteKillTests.swift.
            .executableTarget(
                name: "AtomicWriteHelper",
                dependencies: ["EKSPlatformKit"],
                path: "Tests/Helpers/AtomicWriteHelper"
            ),
            .testTarget(
                name: "EKSPlatformKitTests",
                dependencies: [
                    "EKSPlatformKit",
                    "CProcessHardening",
                    "EKSPlatformTestSupport",
                    "FuzzTargets",
                    "KubeFake",
                    "platformctl",
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "Yams", package: "Yams"),
                ]
            ),
        ]
)
