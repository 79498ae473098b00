import FuzzTargets

/// libFuzzer's entry point: one input through `FuzzHarness.kubeconfig`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKubeconfigTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.run(.kubeconfig, data, size)
}

/// Runs libFuzzer (scripts/fuzz) or, in the normal build, replays the files given as arguments.
@main
enum FuzzKubeconfigMain {
    static func main() { FuzzDriver.main(fuzzKubeconfigTestOneInput) }
}
