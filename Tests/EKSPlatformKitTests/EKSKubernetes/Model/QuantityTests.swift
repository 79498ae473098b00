import Foundation
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("Quantity and IntOrString")
struct QuantityTests {
    @Test(arguments: [
        ("1", "1"), ("1000m", "1"), ("0.5", "500m"), ("500m", "500m"), ("1.5", "1500m"), ("100", "100"),
        ("1024Mi", "1Gi"), ("1536Mi", "1536Mi"), ("0.5Gi", "512Mi"), ("1Ki", "1Ki"), ("512Ki", "512Ki"),
        ("2000000", "2M"), ("1500k", "1500k"), ("1e3", "1e3"), ("1E6", "1e6"), ("0", "0"), ("0Gi", "0"),
        ("0.1m", "100u"), ("1n", "1n"), ("0.0000000001", "1n"), ("+5", "5"), ("-1", "-1"), ("12.5Ki", "12800"),
    ])
    func canonicalForm(input: String, expected: String) throws {
        #expect(try Quantity(parsing: input).canonical == expected)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1Qi", "m", "1 Gi", "--1", "1e", "1e1.5", ".", "1Gib", "1ki"])
    func rejectsInvalid(input: String) {
        #expect(throws: Quantity.ParseError.self) { try Quantity(parsing: input) }
    }

    @Test func comparesByValue() throws {
        #expect(try Quantity(parsing: "1000m") == Quantity(parsing: "1"))
        #expect(try Quantity(parsing: "1Gi") > Quantity(parsing: "1G"))
        #expect(try Quantity(parsing: "500m") < Quantity(parsing: "1"))
        #expect(try Quantity(parsing: "1Ki").value == 1024)
    }

    @Test func codableAcceptsNumbersAndWritesCanonicalStrings() throws {
        let decoded = try JSONDecoder().decode([String: Quantity].self, from: Data(#"{"a": 2, "b": "1024Mi", "c": 0.5}"#.utf8))
        #expect(decoded["a"]?.canonical == "2")
        #expect(decoded["b"]?.canonical == "1Gi")
        #expect(decoded["c"]?.canonical == "500m")
        let yaml = try YAML.encode(SortedMap(["cpu": Quantity(100), "memory": try Quantity(parsing: "2048Mi")]))
        #expect(yaml == "cpu: '100'\nmemory: 2Gi\n")
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(Quantity.self, from: Data(#""lots""#.utf8))
        }
    }

    @Test func intOrStringRoundTrips() throws {
        let values: [IntOrString] = [1, "25%", .string("8080")]
        let data = try JSONEncoder().encode(values)
        #expect(String(decoding: data, as: UTF8.self) == #"[1,"25%","8080"]"#)
        #expect(try JSONDecoder().decode([IntOrString].self, from: data) == [.int(1), .string("25%"), .string("8080")])
        #expect(try JSONDecoder().decode([IntOrString].self, from: Data(#"[3, "http"]"#.utf8)) == [.int(3), .string("http")])
        #expect(
            try YAML.encode(["maxUnavailable": IntOrString.int(1), "maxSurge": "25%"] as SortedMap<IntOrString>)
                == "maxSurge: 25%\nmaxUnavailable: 1\n"
        )
    }
}
