import CLibXML2
import Foundation

/// A pull reader over libxml2's `xmlTextReader`: the fastest way through large EC2 responses.
///
/// Use ``next()`` to step through events; element names are local names (namespaces ignored, as AWS uses one
/// default namespace). Errors carry libxml2's message and line.
package final class XMLReader {
    /// What the reader is positioned on.
    package enum Event: Equatable {
        /// An opening tag (`isEmpty` for `<a/>`).
        case start(name: String, isEmpty: Bool)
        /// A closing tag.
        case end(name: String)
        /// Text or CDATA.
        case text(String)
    }

    private let reader: OpaquePointer
    /// The copy of the document the reader owns, or `nil` when it borrows the caller's bytes.
    private let buffer: UnsafeMutableBufferPointer<UInt8>?
    /// Set when ``skipElement(isEmpty:)`` has already moved libxml2 to the next node.
    private var positioned = false
    private static let initialise: Void = { xmlInitParser() }()
    private static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue
    )

    /// Creates a reader over a copy of `bytes`.
    /// - Throws: ``XMLError`` when libxml2 cannot start (empty input).
    package init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        _ = Self.initialise
        guard !bytes.isEmpty else { throw XMLError(message: "the document is empty", line: 0) }
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = storage.initialize(from: bytes)
        let created = storage.baseAddress.flatMap { base in
            base.withMemoryRebound(to: CChar.self, capacity: storage.count) {
                xmlReaderForMemory($0, Int32(storage.count), nil, nil, Self.options)
            }
        }
        guard let reader = created else {
            storage.deallocate()
            throw XMLError(message: "libxml2 could not create a reader", line: 0)
        }
        self.buffer = storage
        self.reader = reader
    }

    /// A reader over `bytes` in place, without a copy: `bytes` must outlive the reader.
    private init(borrowing bytes: UnsafeBufferPointer<UInt8>) throws {
        _ = Self.initialise
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw XMLError(message: "the document is empty", line: 0)
        }
        let created = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            xmlReaderForMemory($0, Int32(bytes.count), nil, nil, Self.options)
        }
        guard let created else { throw XMLError(message: "libxml2 could not create a reader", line: 0) }
        self.buffer = nil
        self.reader = created
    }

    /// Runs `body` with a reader over `bytes` without copying them (large responses: the document is in memory
    /// once). The reader must not be used after `body` returns.
    package static func withReader<R>(over bytes: [UInt8], _ body: (XMLReader) throws -> R) throws -> R {
        try bytes.withUnsafeBufferPointer { buffer in
            let reader = try XMLReader(borrowing: buffer)
            return try body(reader)
        }
    }

    deinit {
        xmlFreeTextReader(reader)
        buffer?.deallocate()
    }

    /// The next event, or `nil` at the end of the document.
    /// - Throws: ``XMLError`` for malformed or truncated XML.
    package func next() throws -> Event? {
        while true {
            let status = positioned ? 1 : xmlTextReaderRead(reader)
            positioned = false
            if status == 0 { return nil }
            if status < 0 { throw lastError() }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                return .start(name: localName(), isEmpty: xmlTextReaderIsEmptyElement(reader) == 1)
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                return .end(name: localName())
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                guard let value = xmlTextReaderConstValue(reader) else { continue }
                return .text(String(cString: value))
            default:
                continue
            }
        }
    }

    /// Reads the text content of the element just started (after a `.start` event), up to its end tag; nested
    /// elements' text is ignored.
    package func readText(isEmpty: Bool) throws -> String {
        if isEmpty { return "" }
        var text = ""
        var depth = 0
        while let event = try next() {
            switch event {
            case .text(let t): if depth == 0 { text += t }
            case .start(_, let empty): if !empty { depth += 1 }
            case .end: if depth == 0 { return text } else { depth -= 1 }
            }
        }
        throw XMLError(message: "the document ends inside an element", line: currentLine)
    }

    /// Skips the rest of the element just started (after a `.start` event).
    package func skipElement(isEmpty: Bool) throws {
        if isEmpty { return }
        // libxml2 skips the subtree itself, without handing out its nodes.
        let status = xmlTextReaderNext(reader)
        if status < 0 { throw lastError() }
        if status == 0 { throw XMLError(message: "the document ends inside an element", line: currentLine) }
        positioned = true
    }

    /// The current line in the document.
    package var currentLine: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    private func localName() -> String {
        guard let name = xmlTextReaderConstLocalName(reader) else { return "" }
        return String(cString: name)
    }

    private func lastError() -> XMLError {
        if let error = xmlGetLastError() {
            let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
            return XMLError(
                message: message.trimmingCharacters(in: .whitespacesAndNewlines),
                line: Int(error.pointee.line)
            )
        }
        return XMLError(message: "malformed XML", line: currentLine)
    }
}

/// Malformed XML.
package struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libxml2's message.
    package var message: String
    /// The line, 0 when unknown.
    package var line: Int
    /// `line N: message`.
    package var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// A small XML tree for small responses (STS, IAM, errors). Large ones use ``XMLReader`` directly.
package struct XMLTree: Sendable, Equatable {
    /// The local name.
    package var name: String
    /// The element's own text (concatenated text nodes).
    package var text: String
    /// Child elements, in order.
    package var children: [XMLTree]

    /// Parses a document into its root element.
    /// - Throws: ``XMLError`` for malformed XML or a document without a root element.
    package static func parse<Bytes: Collection>(_ bytes: Bytes) throws -> XMLTree where Bytes.Element == UInt8 {
        let reader = try XMLReader(bytes: bytes)
        var stack: [XMLTree] = []
        var root: XMLTree?
        while let event = try reader.next() {
            switch event {
            case .start(let name, let isEmpty):
                let element = XMLTree(name: name, text: "", children: [])
                if isEmpty {
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                } else {
                    stack.append(element)
                }
            case .end:
                guard let done = stack.popLast() else { continue }
                if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
            case .text(let text):
                if !stack.isEmpty { stack[stack.count - 1].text += text }
            }
        }
        guard let root, stack.isEmpty else {
            throw XMLError(message: "the document has no complete root element", line: reader.currentLine)
        }
        return root
    }

    /// The first child with this name.
    package func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// All children with this name.
    package func children(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    /// Follows a path of child names: `root["GetCallerIdentityResult", "Arn"]`.
    package subscript(_ path: String...) -> XMLTree? {
        var current: XMLTree? = self
        for name in path { current = current?.child(name) }
        return current
    }

    /// The text of the child at a path, trimmed; `nil` if the child is missing.
    package func string(_ path: String...) -> String? {
        var current: XMLTree? = self
        for name in path { current = current?.child(name) }
        return current?.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The items of an AWS list: `member` children (query) or `item` children (EC2).
    package var items: [XMLTree] { children.filter { $0.name == "member" || $0.name == "item" } }
}
