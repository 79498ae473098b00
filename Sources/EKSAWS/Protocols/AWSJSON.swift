import Foundation

/// JSON coding as AWS's JSON protocols use it: epoch-second timestamps (floats), `null` for absent members.
package enum AWSJSON {
    /// A decoder for AWS JSON responses (timestamps as epoch seconds, or ISO 8601 strings as some emulators send).
    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            let string = try container.decode(String.self)
            if let seconds = Double(string) { return Date(timeIntervalSince1970: seconds) }
            if let date = ISO8601.parse(string) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a timestamp: \(string)")
        }
        return decoder
    }

    /// An encoder for AWS JSON requests: sorted keys (stable bytes), epoch-second timestamps, nil members omitted.
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }

    /// Decodes a response body, turning failures into an error that names the service and operation with a snippet.
    package static func decode<T: Decodable>(
        _ type: T.Type,
        from body: [UInt8],
        service: String,
        operation: String
    ) throws -> T {
        let bytes = body.isEmpty ? Array("{}".utf8) : body
        do {
            return try decoder().decode(T.self, from: Data(bytes))
        } catch {
            throw AWSClientError(
                .invalidResponse,
                "the response is not the JSON this operation returns (\(describe(error))): "
                    + "\"\(AWSErrorDecoder.snippet(body))\"",
                service: service,
                operation: operation
            )
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "bad value at \(path(context.codingPath))"
        default:
            return "\(error)"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
