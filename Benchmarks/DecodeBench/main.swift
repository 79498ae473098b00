// DecodeBench: times EC2 DescribeInstances decoding on one document.
//
//   DecodeBench ours FILE [ITERATIONS]   EC2ResponseDecoder into typed shapes (what the platform runs)
//   DecodeBench bare FILE [ITERATIONS]   a bare libxml2 xmlTextReader pass over the same bytes (the floor)
//
// Prints one line of `key=value` pairs: median and best milliseconds per pass, instances found, and memory
// (peak RSS of the process and peak RSS growth after start-up, from getrusage).
import CLibXML2
import EKSPlatformKit
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

func peakRSSKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss)
}

func bareCount(_ bytes: [UInt8]) -> Int {
    bytes.withUnsafeBufferPointer { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        let reader = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
            xmlReaderForMemory($0, Int32(buffer.count), nil, nil, Int32(XML_PARSE_NONET.rawValue))
        }
        guard let reader else { return -1 }
        defer { xmlFreeTextReader(reader) }
        var elements = 0
        while xmlTextReaderRead(reader) == 1 {
            if xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue) { elements += 1 }
        }
        return elements
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, ["ours", "bare"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: DecodeBench ours|bare FILE [ITERATIONS]\n".utf8))
    exit(64)
}
let mode = arguments[1]
let iterations = arguments.count > 3 ? max(1, Int(arguments[3]) ?? 10) : 10
let baseline = peakRSSKiB()
/// Reads a file straight into an array, so the document is in memory once.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    let size = ftell(file)
    fseek(file, 0, SEEK_SET)
    guard size > 0 else { return nil }
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = fread(buffer.baseAddress, 1, size, file)
    }
    return bytes.count == size ? bytes : nil
}

guard let bytes = readFile(arguments[2]) else {
    FileHandle.standardError.write(Data("cannot read \(arguments[2])\n".utf8))
    exit(66)
}
var times: [Double] = []
var count = 0
for _ in 0..<iterations {
    let start = ContinuousClock.now
    if mode == "ours" {
        do {
            let page = try EC2Client.decodeDescribeInstances(bytes)
            count = page.instances.count
        } catch {
            FileHandle.standardError.write(Data("decode failed: \(error)\n".utf8))
            exit(1)
        }
    } else {
        count = bareCount(bytes)
    }
    let elapsed = ContinuousClock.now - start
    times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
}
times.sort()
let median = times[times.count / 2]
let peak = peakRSSKiB()
print(
    "mode=\(mode) bytes=\(bytes.count) iterations=\(iterations) median_ms=\(String(format: "%.2f", median)) "
        + "best_ms=\(String(format: "%.2f", times[0])) count=\(count) peak_rss_kib=\(peak) "
        + "rss_growth_kib=\(peak - baseline)"
)
