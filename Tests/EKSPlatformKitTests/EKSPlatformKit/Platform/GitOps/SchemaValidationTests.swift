import Foundation
import KubeFake
import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

/// Loads the upstream CRDs from ../shared/crds (never copied into the project).
enum SharedCRDs {
    static func schemas() throws -> [String: Any] {
        var result: [String: Any] = [:]
        let directory = RenderPaths.shared.appendingPathComponent("crds")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            for document in try YAML.decodeDocuments(text) where document["kind"] == "CustomResourceDefinition" {
                let crd = try document.decode(as: apiextensions.v1.CustomResourceDefinition.self)
                for version in crd.spec.versions where version.served {
                    guard let schema = version.schema?.openAPIV3Schema else { continue }
                    result["\(crd.spec.group)/\(version.name)/\(crd.spec.names.kind)"] = schema.foundationValue
                }
            }
        }
        return result
    }

    static func schema(for object: JSONValue, in schemas: [String: Any]) -> Any? {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else { return nil }
        return schemas["\(apiVersion)/\(kind)"]
    }
}

@Suite("Schema validation of the rendered tree", .enabled(if: RenderPaths.hasSharedCRDs, "../shared/crds is missing"))
struct SchemaValidationTests {
    static let sampleVariables = [
        "CLUSTER_NAME": "demo", "CLUSTER_ENDPOINT": "https://0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com",
        "KARPENTER_NODE_ROLE_NAME": "demo-karpenter-node", "KARPENTER_QUEUE_NAME": "demo-karpenter",
    ]

    static func renderedObjects(substituted: Bool) throws -> [(String, JSONValue)] {
        let files = try GitOpsRenderer.render(try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform))
        var objects: [(String, JSONValue)] = []
        for file in files where !file.path.hasSuffix("kustomization.yaml") && !file.path.hasSuffix("values.yaml") {
            var text = file.contents
            if substituted {
                for (name, value) in sampleVariables { text = text.replacingOccurrences(of: "${\(name)}", with: value) }
            }
            for document in try YAML.decodeDocuments(text) { objects.append((file.path, document)) }
        }
        return objects
    }

    @Test(arguments: [false, true])
    func everyRenderedCustomResourceIsValid(substituted: Bool) throws {
        let schemas = try SharedCRDs.schemas()
        var customResources = 0
        for (path, object) in try Self.renderedObjects(substituted: substituted) {
            guard let schema = SharedCRDs.schema(for: object, in: schemas) else {
                // Only built-in kinds may lack a CRD.
                #expect(["v1", "apps/v1"].contains(object["apiVersion"]?.stringValue ?? ""), "no CRD for \(path)")
                continue
            }
            customResources += 1
            let result = OpenAPISchemaValidator.validateWithDetails(object.foundationValue, against: schema)
            #expect(result.violations == [], "\(path)")
            // Only transition rules (which the apiserver skips on create) may be left unevaluated.
            for rule in result.unevaluatedRules {
                #expect(rule.reason.hasPrefix("transition rule"), "\(path): \(rule.field): \(rule.rule): \(rule.reason)")
            }
        }
        #expect(customResources == 7)
    }

    static func nodePool() throws -> [String: Any] {
        let files = try GitOpsRenderer.render(try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform))
        let text = try #require(files.first { $0.path == "platform/nodepools/nodepool.yaml" }).contents
        return try #require(try YAML.decodeDocuments(text).first?.foundationValue as? [String: Any])
    }

    static func nodeClass() throws -> [String: Any] {
        let files = try GitOpsRenderer.render(try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform))
        let text = try #require(files.first { $0.path == "platform/nodepools/ec2nodeclass.yaml" }).contents
        return try #require(try YAML.decodeDocuments(text).first?.foundationValue as? [String: Any])
    }

    static func schema(_ key: String) throws -> Any { try #require(try SharedCRDs.schemas()[key]) }

    static func mutate(_ object: [String: Any], _ path: [String], _ change: (inout [String: Any]) -> Void) -> [String: Any] {
        var copy = object
        guard let first = path.first else {
            change(&copy)
            return copy
        }
        let child = copy[first] as? [String: Any] ?? [:]
        copy[first] = mutate(child, Array(path.dropFirst()), change)
        return copy
    }

    @Test func nodePoolDisruptionWithoutConsolidateAfterIsRequired() throws {
        let bad = Self.mutate(try Self.nodePool(), ["spec", "disruption"]) { $0.removeValue(forKey: "consolidateAfter") }
        let violations = OpenAPISchemaValidator.validate(bad, against: try Self.schema("karpenter.sh/v1/NodePool"))
        #expect(
            violations == [
                SchemaViolation(
                    field: "spec.disruption.consolidateAfter",
                    reason: "FieldValueRequired",
                    message: "spec.disruption.consolidateAfter: Required value"
                )
            ]
        )
    }

    @Test func nodeClassWithRoleAndInstanceProfileFailsTheCELRule() throws {
        let bad = Self.mutate(try Self.nodeClass(), ["spec"]) { $0["instanceProfile"] = "demo-profile" }
        let violations = OpenAPISchemaValidator.validate(bad, against: try Self.schema("karpenter.k8s.aws/v1/EC2NodeClass"))
        #expect(
            violations == [
                SchemaViolation(
                    field: "spec",
                    reason: "FieldValueInvalid",
                    message: "spec: Invalid value: \"object\": must specify exactly one of ['role', 'instanceProfile']"
                )
            ]
        )
        let neither = Self.mutate(try Self.nodeClass(), ["spec"]) { $0.removeValue(forKey: "role") }
        #expect(
            OpenAPISchemaValidator.validate(neither, against: try Self.schema("karpenter.k8s.aws/v1/EC2NodeClass")).map(\.field)
                == ["spec"]
        )
    }

    @Test func nodeClassAliasRulesAreEvaluated() throws {
        let bad = Self.mutate(try Self.nodeClass(), ["spec"]) { $0["amiSelectorTerms"] = [["alias": "ubuntu@latest"]] }
        let messages = OpenAPISchemaValidator.validate(bad, against: try Self.schema("karpenter.k8s.aws/v1/EC2NodeClass")).map(
            \.message
        )
        #expect(messages.contains { $0.hasPrefix("spec.amiSelectorTerms[0].alias: Invalid value: \"ubuntu@latest\":") })
        let mixed = Self.mutate(try Self.nodeClass(), ["spec"]) {
            $0["amiSelectorTerms"] = [["alias": "al2023@latest"], ["id": "ami-0123456789abcdef0"]]
        }
        #expect(!OpenAPISchemaValidator.validate(mixed, against: try Self.schema("karpenter.k8s.aws/v1/EC2NodeClass")).isEmpty)
    }

    @Test func badEnumUnknownFieldAndWrongType() throws {
        let schema = try Self.schema("karpenter.sh/v1/NodePool")
        let badEnum = Self.mutate(try Self.nodePool(), ["spec", "disruption"]) { $0["consolidationPolicy"] = "Sometimes" }
        #expect(
            OpenAPISchemaValidator.validate(badEnum, against: schema).map(\.message) == [
                "spec.disruption.consolidationPolicy: Unsupported value: \"Sometimes\": supported values: \"WhenEmpty\", "
                    + "\"WhenEmptyOrUnderutilized\", \"Balanced\""
            ]
        )
        let unknown = Self.mutate(try Self.nodePool(), ["spec"]) { $0["foo"] = "bar" }
        #expect(
            OpenAPISchemaValidator.validate(unknown, against: schema)
                == [SchemaViolation(field: "spec.foo", reason: "FieldValueUnknown", message: "unknown field \"spec.foo\"")]
        )
        let metadataTypo = Self.mutate(try Self.nodePool(), ["metadata"]) { $0["label"] = ["a": "b"] }
        #expect(
            OpenAPISchemaValidator.validate(metadataTypo, against: schema)
                == [
                    SchemaViolation(
                        field: "metadata.label",
                        reason: "FieldValueUnknown",
                        message: "unknown field \"metadata.label\""
                    )
                ]
        )
        let wrongType = Self.mutate(try Self.nodePool(), ["spec"]) { $0["weight"] = "heavy" }
        #expect(
            OpenAPISchemaValidator.validate(wrongType, against: schema).map(\.message)
                == ["spec.weight: Invalid value: \"string\": spec.weight in body must be of type integer: \"string\""]
        )
        let tooHeavy = Self.mutate(try Self.nodePool(), ["spec"]) { $0["weight"] = 1000 }
        #expect(
            OpenAPISchemaValidator.validate(tooHeavy, against: schema).map(\.message)
                == ["spec.weight: Invalid value: 1000: spec.weight in body should be less than or equal to 100"]
        )
        let badDuration = Self.mutate(try Self.nodePool(), ["spec", "disruption"]) { $0["consolidateAfter"] = "soon" }
        let messages = OpenAPISchemaValidator.validate(badDuration, against: schema).map(\.message)
        #expect(messages.count == 1)
        #expect(
            messages.first?.hasPrefix(
                "spec.disruption.consolidateAfter: Invalid value: \"soon\": "
                    + "spec.disruption.consolidateAfter in body should match '"
            ) == true
        )
    }

    @Test func fluxObjectsAreChecked() throws {
        let schemas = try SharedCRDs.schemas()
        let kustomization = try #require(schemas["kustomize.toolkit.fluxcd.io/v1/Kustomization"])
        let object: [String: Any] = [
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": ["name": "x", "namespace": "flux-system"],
            "spec": ["interval": "10 minutes", "sourceRef": ["kind": "HelmRepository", "name": "s"], "wait": "yes"],
        ]
        let messages = OpenAPISchemaValidator.validate(object, against: kustomization).map(\.message)
        #expect(messages.contains("spec.prune: Required value"))
        #expect(
            messages.contains { $0.hasPrefix("spec.interval: Invalid value: \"10 minutes\": spec.interval in body should match") }
        )
        #expect(
            messages.contains {
                $0.hasPrefix("spec.sourceRef.kind: Unsupported value: \"HelmRepository\": supported values: \"OCIRepository\"")
            }
        )
        #expect(messages.contains("spec.wait: Invalid value: \"string\": spec.wait in body must be of type boolean: \"string\""))
        #expect(messages.count == 4)
    }
}

@Suite("OpenAPI schema validator")
struct OpenAPISchemaValidatorTests {
    nonisolated(unsafe) static let schema: [String: Any] = [
        "type": "object",
        "properties": [
            "spec": [
                "type": "object",
                "required": ["name"],
                "properties": [
                    "name": ["type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"],
                    "color": ["type": "string", "enum": ["red", "blue"]],
                    "size": ["type": "integer", "minimum": 1, "maximum": 10],
                    "ratio": ["type": "number"],
                    "port": ["x-kubernetes-int-or-string": true],
                    "tags": ["type": "array", "maxItems": 2, "minItems": 1, "items": ["type": "string"]],
                    "labels": ["type": "object", "additionalProperties": ["type": "string"]],
                    "free": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                    "set": ["type": "array", "x-kubernetes-list-type": "set", "items": ["type": "string"]],
                    "ports": [
                        "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"],
                        "items": [
                            "type": "object", "required": ["port"],
                            "properties": ["port": ["type": "integer"], "protocol": ["type": "string"]],
                        ],
                    ],
                    "timeout": ["type": "string", "format": "duration"],
                    "opt": ["type": "string", "nullable": true],
                    "pair": [
                        "type": "object",
                        "properties": ["a": ["type": "string"], "b": ["type": "string"]],
                        "x-kubernetes-validations": [
                            ["rule": "has(self.a) != has(self.b)", "message": "exactly one of a or b"],
                            ["rule": "self.a.matchesGlob('x')", "message": "uses an unsupported function"],
                            ["rule": "!has(oldSelf.a) || has(self.a)", "message": "a is sticky"],
                        ],
                    ],
                ],
            ]
        ],
    ]

    func messages(_ spec: [String: Any]) -> [String] {
        OpenAPISchemaValidator.validate(["spec": spec], against: Self.schema).map(\.message)
    }

    @Test func validObjectPasses() throws {
        let json =
            #"{"spec": {"name": "abc", "color": "red", "size": 3, "ratio": 2, "port": "http", "tags": ["x"], "#
            + #""labels": {"a": "b"}, "free": {"any": [1, {"x": null}]}, "timeout": "1m30s", "opt": null}}"#
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        #expect(OpenAPISchemaValidator.validate(object, against: Self.schema) == [])
        #expect(messages(["name": "abc", "port": 8080, "ratio": 1.5]) == [])
    }

    @Test func apiserverStyleMessages() throws {
        #expect(
            messages(["name": "abc", "color": "green"]) == [
                #"spec.color: Unsupported value: "green": supported values: "red", "blue""#
            ]
        )
        #expect(
            messages(["name": "abc", "size": 0]) == [
                "spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1"
            ]
        )
        #expect(
            messages(["name": "abc", "size": 11]) == [
                "spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10"
            ]
        )
        #expect(messages([:]) == ["spec.name: Required value"])
        #expect(messages(["name": "abcdef"]) == ["spec.name: Too long: may not be more than 5 bytes"])
        #expect(
            messages(["name": ""]) == [
                #"spec.name: Invalid value: "": spec.name in body should be at least 1 chars long"#,
                #"spec.name: Invalid value: "": spec.name in body should match '^[a-z]+$'"#,
            ]
        )
        #expect(
            messages(["name": "a", "size": 1.5]) == [
                #"spec.size: Invalid value: "number": spec.size in body must be of type integer: "number""#
            ]
        )
        #expect(
            messages(["name": "a", "size": true]) == [
                #"spec.size: Invalid value: "boolean": spec.size in body must be of type integer: "boolean""#
            ]
        )
        #expect(messages(["name": "a", "port": true]).first?.contains("must be of type integer or string") == true)
        #expect(messages(["name": "a", "tags": ["a", "b", "c"]]) == ["spec.tags: Too many: 3: must have at most 2 items"])
        #expect(
            messages(["name": "a", "tags": []]) == ["spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items"]
        )
        #expect(
            messages(["name": "a", "tags": [1]]) == [
                #"spec.tags[0]: Invalid value: "integer": spec.tags[0] in body must be of type string: "integer""#
            ]
        )
        #expect(
            messages(["name": "a", "labels": ["k": 1]]) == [
                #"spec.labels.k: Invalid value: "integer": spec.labels.k in body must be of type string: "integer""#
            ]
        )
        #expect(
            messages(["name": "a", "timeout": "5 minutes"]) == [
                #"spec.timeout: Invalid value: "5 minutes": spec.timeout in body must be of type duration: "5 minutes""#
            ]
        )
        #expect(messages(["name": "a", "extra": 1]) == [#"unknown field "spec.extra""#])
        #expect(messages(["name": "a", "set": ["x", "y", "x"]]) == [#"spec.set[2]: Duplicate value: "x""#])
        #expect(
            messages([
                "name": "a",
                "ports": [["port": 80, "protocol": "TCP"], ["port": 80, "protocol": "UDP"], ["port": 80, "protocol": "TCP"]],
            ])
                == [#"spec.ports[2]: Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}"#]
        )
        #expect(
            messages(["name": "a", "pair": ["a": "x", "b": "y"]]) == [
                #"spec.pair: Invalid value: "object": exactly one of a or b"#
            ]
        )
        #expect(
            messages(["name": "a", "ratio": NSNull()]) == [
                #"spec.ratio: Invalid value: "null": spec.ratio in body must be of type number: "null""#
            ]
        )
    }

    @Test func unsupportedAndTransitionRulesAreListed() {
        let result = OpenAPISchemaValidator.validateWithDetails(
            ["spec": ["name": "a", "pair": ["a": "x"]]],
            against: Self.schema
        )
        #expect(result.violations == [])
        #expect(result.unevaluatedRules.map(\.rule) == ["self.a.matchesGlob('x')", "!has(oldSelf.a) || has(self.a)"])
        #expect(result.unevaluatedRules[0].reason.hasPrefix("unsupported CEL"))
        #expect(result.unevaluatedRules[1].reason.hasPrefix("transition rule"))
        #expect(OpenAPISchemaValidator.unevaluatedRules(["spec": ["name": "a"]], against: Self.schema) == [])
    }

    @Test func celSubset() throws {
        func eval(_ rule: String, _ value: SchemaValue) throws -> SchemaValue { try CELExpression(rule).evaluate(self: value) }
        let object = SchemaValue.object(["a": .string("al2023@latest"), "list": .array([.int(1), .int(2), .int(3)])])
        #expect(try eval("self.a.split('@')[0] in ['al2', 'al2023']", object) == .bool(true))
        #expect(
            try eval("self.list.all(x, x > 0) && self.list.exists(x, x == 2) && self.list.exists_one(x, x == 3)", object)
                == .bool(true)
        )
        #expect(try eval("self.list.filter(x, x >= 2).size() == 2 ? 'two' : 'other'", object) == .string("two"))
        #expect(try eval("size(self.list) + 1", object) == .int(4))
        #expect(try eval("self.a.find('^[^@]+') == 'al2023' && self.a.matches('^[a-z0-9]+@.+$')", object) == .bool(true))
        #expect(try eval("!has(self.b) || self.b == 1", object) == .bool(true))
        #expect(try eval("int('7') * 2 - 4 / 2 % 3", object) == .int(12))
        #expect(
            try eval("self.a.startsWith('al') && !self.a.endsWith('x') && 'latest' in self.a.split('@')", object) == .bool(true)
        )
        #expect(throws: CELExpression.Failure.self) { try eval("self.b == 1", object) }
        #expect(throws: CELExpression.Failure.unsupported("function quantity/1")) { try eval("quantity('1') == 1", object) }
        #expect(try CELExpression("self.x == oldSelf.x").isTransitionRule)
    }
}

@Suite("Karpenter Helm values", .enabled(if: RenderPaths.hasSharedChart, "../shared/charts/karpenter-values.yaml is missing"))
struct KarpenterValuesTests {
    /// Every key path of `ours` must exist in `chart`. The walk stops below free-form chart values: lists, empty maps,
    /// null, and maps keyed by label keys (such as `nodeSelector: {kubernetes.io/os: linux}`).
    static func unknownPaths(_ ours: JSONValue, _ chart: JSONValue, prefix: String = "") -> [String] {
        guard case .object(let mine) = ours, case .object(let theirs) = chart, !theirs.isEmpty,
            !theirs.keys.contains(where: { $0.contains("/") })
        else { return [] }
        var missing: [String] = []
        for key in mine.keys.sorted() {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            guard let chartValue = theirs[key] else {
                missing.append(path)
                continue
            }
            if let child = mine[key] { missing += unknownPaths(child, chartValue, prefix: path) }
        }
        return missing
    }

    @Test func everyValueKeyPathExistsInTheChart() throws {
        let text = try String(
            contentsOf: RenderPaths.shared.appendingPathComponent("charts/karpenter-values.yaml"),
            encoding: .utf8
        )
        let chart = try #require(try YAML.decodeDocuments(text).first)
        let config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        var values = GitOpsRenderer.karpenterValues(config)
        values.settings.featureGates = .init(nodeRepair: true, reservedCapacity: true, spotToSpotConsolidation: true)
        let ours = try values.jsonValue()
        #expect(Self.unknownPaths(ours, chart) == [])
        // The walk does catch a key the chart does not have.
        guard case .object(var extended) = ours else { return }
        extended["webhook"] = ["enabled": false]
        extended["settings"] = ["clusterName": "x", "interruptionQueueName": "y"]
        #expect(Self.unknownPaths(.object(extended), chart) == ["settings.interruptionQueueName", "webhook"])
    }

    @Test func plainValuesFileMatchesTheReleaseValues() throws {
        let config = try PlatformConfig.load(contentsOf: RenderPaths.examplePlatform)
        let values = GitOpsRenderer.karpenterValues(config)
        let yaml = try values.valuesYAML(header: "note")
        #expect(yaml.hasPrefix("# note\nsettings:\n  clusterName: ${CLUSTER_NAME}\n"))
        #expect(try YAML.decode(KarpenterValues.self, from: yaml) == values)
    }
}
