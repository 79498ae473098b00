import EKSPlatformKit
import Foundation
import Testing

@Suite("FlatJSONObject")
struct FlatJSONObjectTests {
    static func parse(_ text: String) -> [String: FlatJSONObject.Value]? { FlatJSONObject.parse(Array(text.utf8)) }

    @Test("a token cache entry, whitespace, escapes and surrogate pairs")
    func accepts() {
        #expect(
            Self.parse(#"{"expiresAt":1795571353,"key":"8d05","token":"k8s-aws-v1.aHR0","version":1}"#) == [
                "expiresAt": .integer(1_795_571_353), "key": .string("8d05"), "token": .string("k8s-aws-v1.aHR0"),
                "version": .integer(1),
            ]
        )
        #expect(Self.parse(" { } \n") == [:])
        #expect(
            Self.parse(#"{ "a" : -12 , "b":"x\"y\\z\/\n\t\u00e9\ud83d\ude00" }"#) == [
                "a": .integer(-12), "b": .string("x\"y\\z/\n\té😀"),
            ]
        )
        #expect(Self.parse(#"{"ü":"ö"}"#) == ["ü": .string("ö")])
    }

    @Test("anything but a flat object of strings and integers is nil")
    func rejects() {
        for text in [
            "", "[]", "{", "{}x", #"{"a":1,}"#, #"{"a":1 "b":2}"#, #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":01}"#,
            #"{"a":-}"#, #"{"a":true}"#, #"{"a":null}"#, #"{"a":{}}"#, #"{"a":[]}"#, #"{"a":1,"a":2}"#,
            #"{a:1}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud83d"}"#, #"{"a":"\ud83d\u0041"}"#,
            "{\"a\":\"tab\there\"}", #"{"a":99999999999999999999}"#, #"{"a":"unterminated}"#,
        ] {
            #expect(Self.parse(text) == nil, "\(text)")
        }
        #expect(FlatJSONObject.parse([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) == nil, "invalid UTF-8")
    }

    @Test("agrees with JSONEncoder's output for generated objects")
    func roundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 _-.\"\\/\n\t\u{01}é€😀")
        for _ in 0..<300 {
            var strings: [String: String] = [:]
            var integers: [String: Int] = [:]
            for index in 0..<Int.random(in: 0...6, using: &rng) {
                let text = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
                if Bool.random(using: &rng) {
                    strings["s\(index)\(text)"] = text
                } else {
                    integers["i\(index)"] = Int.random(in: Int.min...Int.max, using: &rng)
                }
            }
            var expected: [String: FlatJSONObject.Value] = [:]
            for (key, value) in strings { expected[key] = .string(value) }
            for (key, value) in integers { expected[key] = .integer(value) }
            var object: [String: AnyEncodable] = [:]
            for (key, value) in strings { object[key] = AnyEncodable(value) }
            for (key, value) in integers { object[key] = AnyEncodable(value) }
            let data = try JSONEncoder().encode(object)
            #expect(FlatJSONObject.parse(Array(data)) == expected, "\(String(decoding: data, as: UTF8.self))")
        }
    }
}

/// A string or integer for encoding a mixed dictionary in the round-trip test.
struct AnyEncodable: Encodable {
    let encodeValue: (inout SingleValueEncodingContainer) throws -> Void
    init(_ value: String) { encodeValue = { try $0.encode(value) } }
    init(_ value: Int) { encodeValue = { try $0.encode(value) } }
    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try encodeValue(&container)
    }
}
