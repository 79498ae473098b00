import Foundation

/// Turns a non-2xx response into an ``AWSServiceError``, whatever the protocol's error shape.
package enum AWSErrorDecoder {
    /// Decodes the error in `response` for `operation` of `service`.
    ///
    /// Shapes: EC2 `<Response><Errors><Error>`, query `<ErrorResponse><Error>`, JSON `__type` or
    /// `X-Amzn-ErrorType`, rest-json `X-Amzn-ErrorType` with a `message`. Anything else (an HTML page, garbage)
    /// becomes code `NonAWSResponse` with the HTTP status and a short snippet.
    package static func decode(
        _ response: AWSHTTPResponse,
        service: AWSServiceDescriptor,
        operation: String
    ) -> AWSServiceError {
        let requestID = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
        func make(_ code: String, _ message: String, _ id: String?) -> AWSServiceError {
            AWSServiceError(
                service: service.signingName,
                operation: operation,
                statusCode: response.statusCode,
                code: code,
                message: message,
                requestID: id ?? requestID
            )
        }
        let contentType = response.header("content-type")?.lowercased() ?? ""
        let body = response.body
        let first = body.first { !($0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09) }
        // XML errors (EC2/query; moto also sends its auth errors as XML labelled text/html, even on JSON services).
        if first == UInt8(ascii: "<"), let root = try? XMLTree.parse(body),
            ["Response", "ErrorResponse", "Error"].contains(root.name),
            let error = root.name == "Error" ? root : (root["Errors", "Error"] ?? root.child("Error")),
            let code = error.string("Code"), !code.isEmpty
        {
            // EC2: <Response><Errors><Error>; query: <ErrorResponse><Error>; moto's auth errors mix the two.
            let message = error.string("Message") ?? error.string("message") ?? ""
            return make(code, message, root.string("RequestID") ?? root.string("RequestId") ?? error.string("RequestId"))
        }
        // JSON errors.
        if first == UInt8(ascii: "{"),
            let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        {
            let header = response.header("x-amzn-errortype").map(cleanCode).flatMap(nonEmpty)
            let type =
                (object["__type"] as? String).map(cleanCode).flatMap(nonEmpty)
                ?? (object["code"] as? String).map(cleanCode).flatMap(nonEmpty)
                ?? (object["Code"] as? String).map(cleanCode).flatMap(nonEmpty)
            let message = object["message"] as? String ?? object["Message"] as? String ?? ""
            if let code = type ?? header {
                return make(code, message, nil)
            }
        }
        if let header = response.header("x-amzn-errortype").map(cleanCode).flatMap(nonEmpty) {
            return make(header, "", nil)
        }
        return make("NonAWSResponse", nonAWSMessage(response, contentType: contentType), nil)
    }

    /// An error code that is blank (`"__type": "#"`, `<Code> </Code>`) is no code: the body is then treated as not an
    /// AWS error, so callers never see an error without a code.
    static func nonEmpty(_ code: String) -> String? { code.isEmpty ? nil : code }

    /// `com.amazonaws.sqs#QueueDoesNotExist` → `QueueDoesNotExist`; `Code:http://…` → `Code`.
    static func cleanCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return code.trimmingCharacters(in: .whitespaces)
    }

    static func nonAWSMessage(_ response: AWSHTTPResponse, contentType: String) -> String {
        let kind = contentType.isEmpty ? "no content type" : contentType
        return "the endpoint answered HTTP \(response.statusCode) (\(kind)) with a body that is not an AWS error: "
            + "\"\(snippet(response.body))\"; check the endpoint URL and that the service supports this operation"
    }

    /// The first 160 characters of a body with tags and runs of whitespace removed, for messages.
    package static func snippet(_ body: [UInt8], limit: Int = 160) -> String {
        var text = String(decoding: body.prefix(4096), as: UTF8.self)
        if text.contains("<") {
            text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        }
        var collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        // An endpoint may echo an account id; error text never shows one (the redactor only knows the caller's).
        collapsed = collapsed.replacingOccurrences(
            of: "(?<![0-9])[0-9]{12}(?![0-9])",
            with: Redactor.maskedAccountID,
            options: .regularExpression
        )
        return collapsed.count > limit ? String(collapsed.prefix(limit)) + "…" : collapsed
    }
}
