import FuzzTargets

/// libFuzzer's entry point: one input through `FuzzHarness.queryEncoding`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQueryEncodingTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.run(.queryEncoding, data, size)
}

/// Runs libFuzzer (scripts/fuzz) or, in the normal build, replays the files given as arguments.
@main
enum FuzzQueryEncodingMain {
    static func main() { FuzzDriver.main(fuzzQueryEncodingTestOneInput) }
}
