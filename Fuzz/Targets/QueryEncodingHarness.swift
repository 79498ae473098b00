import EKSPlatformKit
import Foundation

extension FuzzHarness {
    /// `QueryParameters` + `AWSURIEncoding`: NUL-separated names and values survive encoding and decoding exactly,
    /// and the encoded body holds only unreserved characters, `%XX`, `=` and `&`.
    public static let queryEncoding = FuzzHarness(name: "FuzzQueryEncoding") { bytes in
        func fail(_ message: String) -> FuzzInvariantViolation { FuzzInvariantViolation("FuzzQueryEncoding", message) }
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let fields = text.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        var parameters = QueryParameters(bytes.first.map { $0 & 1 == 0 } ?? true ? .query : .ec2)
        var expected: [(String, String)] = [("Action", "FuzzAction"), ("Version", "2011-06-15")]
        var index = 0
        while index + 1 < fields.count {
            parameters.set(fields[index], fields[index + 1])
            expected.append((fields[index], fields[index + 1]))
            index += 2
        }
        if index < fields.count {
            parameters.setList(fields[index], [fields[index], text])
            let prefix = parameters.listPrefix(fields[index])
            expected.append(("\(prefix).1", fields[index]))
            expected.append(("\(prefix).2", text))
        }
        let body = parameters.body(action: "FuzzAction", version: "2011-06-15")
        let utf8 = Array(body.utf8)
        var position = 0
        while position < utf8.count {
            let byte = utf8[position]
            if byte == UInt8(ascii: "%") {
                let hex = Set("0123456789ABCDEF".utf8)
                guard position + 2 < utf8.count, hex.contains(utf8[position + 1]), hex.contains(utf8[position + 2]) else {
                    throw fail("a bad percent escape at \(position) in \(body.prefix(200))")
                }
                position += 3
                continue
            }
            let allowed =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || "-_.~=&".utf8.contains(byte)
            guard allowed else { throw fail("an unencoded byte \(byte) in the body") }
            position += 1
        }
        let decoded = body.split(separator: "&", omittingEmptySubsequences: false).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (AWSURIEncoding.decode(String(parts[0])), parts.count > 1 ? AWSURIEncoding.decode(String(parts[1])) : "")
        }
        guard decoded.count == expected.count, zip(decoded, expected).allSatisfy({ $0.0 == $1.0 && $0.1 == $1.1 }) else {
            throw fail("the body does not decode back to its \(expected.count) pairs")
        }
        // keepSlash only spares `/`; decoding undoes both forms; decoding arbitrary text never fails.
        let path = AWSURIEncoding.encode(text, keepSlash: true)
        guard AWSURIEncoding.decode(path) == text else { throw fail("keepSlash encoding does not round-trip") }
        guard path.replacingOccurrences(of: "/", with: "%2F") == AWSURIEncoding.encode(text) else {
            throw fail("keepSlash changed more than slashes")
        }
        let raw = AWSURIEncoding.decode(text)
        if !text.contains("%"), raw != text { throw fail("decoding text without escapes changed it") }
    }
}
