import Foundation

/// A shape that the EC2 streaming decoder fills one child element at a time.
///
/// `decodeChild` is called for every child element of the shape's element and must consume that child completely:
/// read it with one of the decoder's value methods, or call ``EC2ResponseDecoder/skip()`` for names it does not
/// know (unknown elements are always skipped, so new fields from AWS never break decoding).
package protocol EC2Decodable: Sendable {
    /// An empty value, filled by ``decodeChild(_:_:)``.
    init()
    /// Reads the child element `name` from `decoder`.
    mutating func decodeChild(_ name: String, _ decoder: EC2ResponseDecoder) throws
    /// Members EC2 always returns (ids, names): a response without one is refused instead of yielding `""`.
    static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { get }
}

extension EC2Decodable {
    /// Nothing is required by default.
    package static var requiredMembers: [(element: String, value: KeyPath<Self, String>)] { [] }
}

/// Decodes EC2 query-protocol responses straight from libxml2's pull reader (``XMLReader``), without a tree.
///
/// The decoder is positioned on an element after its start tag; each value method consumes the element up to and
/// including its end tag.
package final class EC2ResponseDecoder {
    private let reader: XMLReader
    private var currentIsEmpty = false
    /// The operation being decoded, for messages.
    package let operation: String

    private init(reader: XMLReader, operation: String) {
        self.reader = reader
        self.operation = operation
    }

    /// Decodes a whole response body whose root must be `<{operation}Response>`.
    /// - Throws: ``AWSClientError`` `.invalidResponse` (naming `ec2` and the operation, with a snippet) for empty,
    ///   malformed or truncated XML, a different root element, or a value of the wrong type.
    package static func decode<T: EC2Decodable>(_ type: T.Type, from body: [UInt8], operation: String) throws -> T {
        func failure(_ reason: String) -> AWSClientError {
            AWSClientError(
                .invalidResponse,
                "\(reason): \"\(AWSErrorDecoder.snippet(body))\"",
                service: "ec2",
                operation: operation
            )
        }
        do {
            return try XMLReader.withReader(over: body) { reader in
                try decode(T.self, reader: reader, operation: operation, failure)
            }
        } catch let error as XMLError {
            throw failure("malformed XML (\(error))")
        } catch let error as EC2DecodingError {
            throw failure(error.message)
        }
    }

    private static func decode<T: EC2Decodable>(
        _ type: T.Type,
        reader: XMLReader,
        operation: String,
        _ failure: (String) -> AWSClientError
    ) throws -> T {
        let decoder = EC2ResponseDecoder(reader: reader, operation: operation)
        var root: String?
        while let event = try reader.next() {
            if case .start(let name, let isEmpty) = event {
                root = name
                decoder.currentIsEmpty = isEmpty
                break
            }
        }
        guard let root else { throw failure("the response has no XML root element") }
        guard root == "\(operation)Response" else {
            throw failure("expected <\(operation)Response>, got <\(root)>")
        }
        let value: T = try decoder.decode()
        // Read to the end so damage after the root's end tag is reported too.
        while try reader.next() != nil {}
        return value
    }

    /// Decodes the current element as a structure.
    package func decode<T: EC2Decodable>() throws -> T {
        var value = T()
        if currentIsEmpty {
            if let (element, _) = T.requiredMembers.first {
                throw EC2DecodingError(message: "a \(Self.shapeName(T.self)) without <\(element)>")
            }
            return value
        }
        while let event = try reader.next() {
            switch event {
            case .start(let name, let isEmpty):
                currentIsEmpty = isEmpty
                try value.decodeChild(name, self)
            case .end:
                for (element, member) in T.requiredMembers where value[keyPath: member].isEmpty {
                    throw EC2DecodingError(message: "a \(Self.shapeName(T.self)) without <\(element)>")
                }
                return value
            case .text:
                continue
            }
        }
        throw XMLError(message: "the document ends inside an element", line: reader.currentLine)
    }

    /// `Vpc` for `EC2Vpc`: the shape's name in EC2's documentation.
    static func shapeName<T>(_ type: T.Type) -> String {
        let name = String(describing: type)
        return name.hasPrefix("EC2") ? String(name.dropFirst(3)) : name
    }

    /// Decodes the current element as a list of `<item>` structures.
    package func list<T: EC2Decodable>() throws -> [T] {
        var items: [T] = []
        try forEachItem { items.append(try decode()) }
        return items
    }

    /// Decodes the current element as a list of `<item>` strings.
    package func stringList() throws -> [String] {
        var items: [String] = []
        try forEachItem { items.append(try string()) }
        return items
    }

    /// Decodes a `tagSet` into key/value tags.
    package func tags() throws -> [EC2Tag] { try list() }

    private func forEachItem(_ body: () throws -> Void) throws {
        if currentIsEmpty { return }
        while let event = try reader.next() {
            switch event {
            case .start(let name, let isEmpty):
                currentIsEmpty = isEmpty
                if name == "item" || name == "member" { try body() } else { try reader.skipElement(isEmpty: isEmpty) }
            case .end:
                return
            case .text:
                continue
            }
        }
        throw XMLError(message: "the document ends inside a list", line: reader.currentLine)
    }

    /// The text of the current element.
    package func string() throws -> String {
        let isEmpty = currentIsEmpty
        currentIsEmpty = false
        return try reader.readText(isEmpty: isEmpty)
    }

    /// The current element as an integer.
    package func int() throws -> Int {
        let text = try string()
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw EC2DecodingError(message: "\"\(text)\" is not an integer")
        }
        return value
    }

    /// The current element as a boolean (`true`/`false`).
    package func bool() throws -> Bool {
        switch try string().trimmingCharacters(in: .whitespaces) {
        case "true": return true
        case "false": return false
        case let other: throw EC2DecodingError(message: "\"\(other)\" is not a boolean")
        }
    }

    /// The current element as an ISO 8601 timestamp (with or without fractional seconds).
    package func date() throws -> Date {
        let text = try string()
        guard let date = EC2Timestamp.parse(text) else {
            throw EC2DecodingError(message: "\"\(text)\" is not an ISO 8601 timestamp")
        }
        return date
    }

    /// Skips the current element and everything in it.
    package func skip() throws {
        let isEmpty = currentIsEmpty
        currentIsEmpty = false
        try reader.skipElement(isEmpty: isEmpty)
    }
}

/// A value in an EC2 response that does not have the expected type.
struct EC2DecodingError: Error {
    var message: String
}

/// Fast parsing of the timestamps EC2 sends (`2026-11-24T21:55:07.000Z`), falling back to ``ISO8601/parse(_:)``.
enum EC2Timestamp {
    static func parse(_ text: String) -> Date? {
        var utf8 = text.utf8[...]
        while let first = utf8.first, first == 0x20 || first == 0x0a || first == 0x09 { utf8 = utf8.dropFirst() }
        let bytes = Array(utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 0x2d, bytes[7] == 0x2d, bytes[10] == 0x54, bytes[13] == 0x3a,
            bytes[16] == 0x3a, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return ISO8601.parse(text) }
        var index = 19
        var fraction = 0.0
        if bytes[index] == 0x2e {
            index += 1
            var scale = 0.1
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        guard index == bytes.count - 1, bytes[index] == 0x5a else { return ISO8601.parse(text) }
        // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        return Date(timeIntervalSince1970: seconds)
    }
}
