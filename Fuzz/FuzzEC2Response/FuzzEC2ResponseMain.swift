import FuzzTargets

/// libFuzzer's entry point: one input through `FuzzHarness.ec2Response`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEC2ResponseTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.run(.ec2Response, data, size)
}

/// Runs libFuzzer (scripts/fuzz) or, in the normal build, replays the files given as arguments.
@main
enum FuzzEC2ResponseMain {
    static func main() { FuzzDriver.main(fuzzEC2ResponseTestOneInput) }
}
