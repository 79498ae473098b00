import Foundation
import KubeFake
import Testing

@Suite("KubeFake JSON and YAML values")
struct KubeFakeJSONValueTests {
    @Test func parsesAndWritesJSONWithSortedKeys() throws {
        let value = try KubeFakeJSON.parse(#"{"b":[1,2.5,true,null],"a":"x\"<y>\n"}"#)
        #expect(value["b"] == [.int(1), .double(2.5), .bool(true), .null])
        #expect(value.jsonString == #"{"a":"x\"\u003cy\u003e\n","b":[1,2.5,true,null]}"#)
    }

    @Test func yamlScalarsResolveLikeKubernetes() throws {
        let value = try KubeFakeJSON.parseYAML(
            """
            port: 80
            quoted: "80"
            ratio: 0.5
            on: true
            nothing: null
            name: web
            list: [a, 1]
            """
        )
        #expect(value["port"] == .int(80))
        #expect(value["quoted"] == .string("80"))
        #expect(value["ratio"] == .double(0.5))
        #expect(value["on"] == .bool(true))
        #expect(value["nothing"] == .null)
        #expect(value["name"] == "web")
        #expect(value["list"] == ["a", 1])
    }

    @Test func invalidInputThrows() {
        #expect(throws: JSONParseError.self) { try KubeFakeJSON.parse("{nope") }
        #expect(throws: YAMLConversionError.self) { try KubeFakeJSON.parseYAML("a: [1, 2") }
    }

    @Test func nestedPathSubscriptCreatesObjects() {
        var value: KubeFakeJSON = [:]
        value[path: ["metadata", "labels", "app"]] = "web"
        #expect(value == ["metadata": ["labels": ["app": "web"]]])
        value[path: ["metadata", "labels"]] = nil
        #expect(value == ["metadata": [:]])
    }
}
