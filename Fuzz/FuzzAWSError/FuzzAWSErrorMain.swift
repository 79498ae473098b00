import FuzzTargets

/// libFuzzer's entry point: one input through `FuzzHarness.awsError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAWSErrorTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.run(.awsError, data, size)
}

/// Runs libFuzzer (scripts/fuzz) or, in the normal build, replays the files given as arguments.
@main
enum FuzzAWSErrorMain {
    static func main() { FuzzDriver.main(fuzzAWSErrorTestOneInput) }
}
