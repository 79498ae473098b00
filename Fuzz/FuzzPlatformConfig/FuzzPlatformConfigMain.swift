import FuzzTargets

/// libFuzzer's entry point: one input through `FuzzHarness.platformConfig`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlatformConfigTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.run(.platformConfig, data, size)
}

/// Runs libFuzzer (scripts/fuzz) or, in the normal build, replays the files given as arguments.
@main
enum FuzzPlatformConfigMain {
    static func main() { FuzzDriver.main(fuzzPlatformConfigTestOneInput) }
}
