import FuzzTargets

/// libFuzzer's entry point: one input through `FuzzHarness.xml`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.run(.xml, data, size)
}

/// Runs libFuzzer (scripts/fuzz) or, in the normal build, replays the files given as arguments.
@main
enum FuzzXMLMain {
    static func main() { FuzzDriver.main(fuzzXMLTestOneInput) }
}
