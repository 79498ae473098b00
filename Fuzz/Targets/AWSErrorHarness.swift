import EKSPlatformKit
import Foundation

extension FuzzHarness {
    /// `AWSErrorDecoder.decode`: the first three bytes choose the service, status and headers, the rest is the body.
    public static let awsError = FuzzHarness(name: "FuzzAWSError") { bytes in
        let services: [AWSServiceDescriptor] = [.ec2, .iam, .sts, .eks, .sqs, .eventBridge]
        let statuses = [400, 403, 404, 409, 413, 429, 500, 502, 503, 504, 301, 200]
        let contentTypes = ["text/xml", "application/json", "application/x-amz-json-1.0", "text/html", "", "text/plain"]
        let selector = Array(bytes.prefix(3)) + [UInt8](repeating: 0, count: max(0, 3 - bytes.count))
        let service = services[Int(selector[0]) % services.count]
        let status = statuses[Int(selector[1]) % statuses.count]
        var headers: [(name: String, value: String)] = []
        let contentType = contentTypes[Int(selector[2]) % contentTypes.count]
        if !contentType.isEmpty { headers.append(("Content-Type", contentType)) }
        if selector[2] & 0x80 != 0 { headers.append(("X-Amzn-ErrorType", "FuzzHeaderCode:http://internal/")) }
        if selector[2] & 0x40 != 0 { headers.append(("x-amzn-RequestId", "fuzz-request-id")) }
        let response = AWSHTTPResponse(statusCode: status, headers: headers, body: Array(bytes.dropFirst(3)))
        let error = AWSErrorDecoder.decode(response, service: service, operation: "FuzzOperation")
        func fail(_ message: String) -> FuzzInvariantViolation {
            FuzzInvariantViolation("FuzzAWSError", "\(message): \(error)")
        }
        guard error.service == service.signingName, error.operation == "FuzzOperation" else {
            throw fail("the error does not name the service and operation")
        }
        guard error.statusCode == status else { throw fail("the status code changed") }
        guard !error.code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw fail("empty error code") }
        _ = error.description
        let snippet = AWSErrorDecoder.snippet(response.body)
        guard snippet.count <= 161 else { throw fail("a snippet of \(snippet.count) characters") }
    }
}
