import Foundation

/// One way a value breaks a CRD's OpenAPI v3 schema, rendered the way kubectl shows it.
public struct SchemaViolation: Equatable, Sendable {
    /// The field path, e.g. `spec.color`.
    public var field: String
    /// The Kubernetes cause reason, e.g. `FieldValueNotSupported`.
    public var reason: String
    /// The full message, e.g. `spec.color: Unsupported value: "green": supported values: "red", "blue"`.
    public var message: String

    /// Creates a violation.
    public init(field: String, reason: String, message: String) {
        self.field = field
        self.reason = reason
        self.message = message
    }
}

/// An `x-kubernetes-validations` rule the validator did not evaluate, and why.
public struct UnevaluatedRule: Equatable, Sendable {
    /// The path of the value the rule applies to.
    public var field: String
    /// The CEL rule text.
    public var rule: String
    /// Why it was not evaluated (unsupported construct, transition rule, …).
    public var reason: String

    /// Creates an entry.
    public init(field: String, rule: String, reason: String) {
        self.field = field
        self.rule = rule
        self.reason = reason
    }
}

/// Everything a validation run found.
public struct SchemaValidationResult: Equatable, Sendable {
    /// Violations, in document order.
    public var violations: [SchemaViolation] = []
    /// CEL rules that applied to present values but were not evaluated.
    public var unevaluatedRules: [UnevaluatedRule] = []
}

/// Validates JSON values (as produced by `JSONSerialization`) against an `openAPIV3Schema`.
///
/// Covers `type` (with integer vs number), `nullable`, `x-kubernetes-int-or-string`,
/// `x-kubernetes-preserve-unknown-fields`, `required`, `enum`, `minimum`/`maximum` (and exclusive forms),
/// `minLength`/`maxLength`, `minItems`/`maxItems`, `pattern`, `format: duration`, `additionalProperties`, unknown
/// fields (strict field validation) and `x-kubernetes-validations` through ``CELExpression``. Rules outside the
/// supported CEL subset, and transition rules (`oldSelf`, only evaluated on update), are reported by
/// ``validateWithDetails(_:against:)`` instead of being passed silently.
public enum OpenAPISchemaValidator {
    /// Returns every violation of `schema` by `object`; empty when the object is valid.
    public static func validate(_ object: Any, against schema: Any) -> [SchemaViolation] {
        validateWithDetails(object, against: schema).violations
    }

    /// Validates and also reports the CEL rules that were not evaluated.
    public static func validateWithDetails(_ object: Any, against schema: Any) -> SchemaValidationResult {
        var walker = Walker()
        walker.check(SchemaValue(any: object), schema: SchemaValue(any: schema), path: "", isRoot: true)
        return walker.result
    }

    /// The CEL rules on the value paths of `object` that this validator cannot evaluate.
    public static func unevaluatedRules(_ object: Any, against schema: Any) -> [UnevaluatedRule] {
        validateWithDetails(object, against: schema).unevaluatedRules
    }

    struct Walker {
        var result = SchemaValidationResult()

        mutating func add(_ path: String, _ reason: String, _ detail: String) {
            let prefix = path.isEmpty ? "<root>" : path
            result.violations.append(SchemaViolation(field: path, reason: reason, message: "\(prefix): \(detail)"))
        }

        static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        /// `Invalid value: "string": spec.x in body must be of type integer: "string"`.
        static func typeMessage(_ value: SchemaValue, path: String, type: String) -> String {
            "Invalid value: \"\(value.typeName)\": \(path) in body must be of type \(type): \"\(value.typeName)\""
        }

        // swiftlint:disable:next cyclomatic_complexity function_body_length
        mutating func check(_ value: SchemaValue, schema: SchemaValue, path: String, isRoot: Bool = false) {
            guard case .object(let s) = schema else { return }
            let bodyPath = path.isEmpty ? "body" : path
            if case .null = value {
                if s["nullable"] == .bool(true) { return }
                if case .string(let type)? = s["type"] {
                    add(
                        path,
                        "FieldValueTypeInvalid",
                        "Invalid value: \"null\": \(bodyPath) in body must be of type \(type): \"null\""
                    )
                }
                return
            }
            let intOrString = s["x-kubernetes-int-or-string"] == .bool(true)
            let preserveUnknown = s["x-kubernetes-preserve-unknown-fields"] == .bool(true)
            if intOrString {
                switch value {
                case .int, .string: break
                default:
                    add(
                        path,
                        "FieldValueTypeInvalid",
                        "Invalid value: \(value.messageRendering): \(bodyPath) in body must be of type integer or string: "
                            + "\"\(value.typeName)\""
                    )
                    return
                }
            } else if case .string(let type)? = s["type"] {
                let matches: Bool
                switch (type, value) {
                case ("string", .string), ("integer", .int), ("number", .int), ("number", .double), ("boolean", .bool),
                    ("object", .object), ("array", .array):
                    matches = true
                default:
                    matches = false
                }
                if !matches {
                    add(
                        path,
                        "FieldValueTypeInvalid",
                        Self.typeMessage(value, path: bodyPath, type: type)
                    )
                    return
                }
            }

            if case .array(let allowed)? = s["enum"], !allowed.contains(value) {
                let list = allowed.map(\.messageRendering).joined(separator: ", ")
                add(path, "FieldValueNotSupported", "Unsupported value: \(value.messageRendering): supported values: \(list)")
            }

            switch value {
            case .int, .double:
                checkNumber(value, s, path: path, bodyPath: bodyPath)
            case .string(let text):
                checkString(text, s, path: path, bodyPath: bodyPath, intOrString: intOrString)
            case .array(let items):
                if case .int(let min)? = s["minItems"], items.count < min {
                    add(
                        path,
                        "FieldValueInvalid",
                        "Invalid value: \(items.count): \(bodyPath) in body should have at least \(min) items"
                    )
                }
                if case .int(let max)? = s["maxItems"], items.count > max {
                    add(path, "FieldValueTooMany", "Too many: \(items.count): must have at most \(max) items")
                }
                checkListType(items, s, path: path)
                if let itemSchema = s["items"] {
                    for (index, item) in items.enumerated() {
                        check(item, schema: itemSchema, path: "\(path)[\(index)]")
                    }
                }
            case .object(let map):
                checkObject(map, s, path: path, preserveUnknown: preserveUnknown, isRoot: isRoot)
            default:
                break
            }

            if case .array(let rules)? = s["x-kubernetes-validations"] {
                for rule in rules { evaluate(rule: rule, value: value, path: path) }
            }
        }

        /// `x-kubernetes-list-type: set` items, and `map` items' key tuples, must be unique.
        mutating func checkListType(_ items: [SchemaValue], _ s: [String: SchemaValue], path: String) {
            switch s["x-kubernetes-list-type"] {
            case .string("set")?:
                for (index, item) in items.enumerated() where items[..<index].contains(item) {
                    add("\(path)[\(index)]", "FieldValueDuplicate", "Duplicate value: \(item.messageRendering)")
                }
            case .string("map")?:
                guard case .array(let keyList)? = s["x-kubernetes-list-map-keys"] else { return }
                let keys = keyList.compactMap { key -> String? in
                    if case .string(let name) = key { return name }
                    return nil
                }
                var seen: [[SchemaValue?]] = []
                for (index, item) in items.enumerated() {
                    guard case .object(let map) = item else { continue }
                    let tuple = keys.map { map[$0] }
                    if seen.contains(tuple) {
                        let rendered = zip(keys, tuple).compactMap { key, value -> String? in
                            guard let value else { return nil }
                            return "\"\(key)\":\(value.goRendering)"
                        }
                        add(
                            "\(path)[\(index)]",
                            "FieldValueDuplicate",
                            "Duplicate value: map[string]interface {}{\(rendered.joined(separator: ", "))}"
                        )
                    }
                    seen.append(tuple)
                }
            default:
                break
            }
        }

        mutating func checkNumber(_ value: SchemaValue, _ s: [String: SchemaValue], path: String, bodyPath: String) {
            let number: Double
            switch value {
            case .int(let i): number = Double(i)
            case .double(let d): number = d
            default: return
            }
            func bound(_ key: String) -> Double? {
                switch s[key] {
                case .int(let i)?: return Double(i)
                case .double(let d)?: return d
                default: return nil
                }
            }
            func text(_ bound: Double) -> String {
                bound.rounded() == bound ? String(Int(bound)) : String(bound)
            }
            let exclusiveMin = s["exclusiveMinimum"] == .bool(true)
            let exclusiveMax = s["exclusiveMaximum"] == .bool(true)
            if let min = bound("minimum"), exclusiveMin ? number <= min : number < min {
                let relation = exclusiveMin ? "greater than" : "greater than or equal to"
                add(
                    path,
                    "FieldValueInvalid",
                    "Invalid value: \(value.messageRendering): \(bodyPath) in body should be \(relation) \(text(min))"
                )
            }
            if let max = bound("maximum"), exclusiveMax ? number >= max : number > max {
                let relation = exclusiveMax ? "less than" : "less than or equal to"
                add(
                    path,
                    "FieldValueInvalid",
                    "Invalid value: \(value.messageRendering): \(bodyPath) in body should be \(relation) \(text(max))"
                )
            }
        }

        mutating func checkString(_ text: String, _ s: [String: SchemaValue], path: String, bodyPath: String, intOrString: Bool) {
            let length = text.unicodeScalars.count
            if case .int(let min)? = s["minLength"], length < min {
                add(
                    path,
                    "FieldValueInvalid",
                    "Invalid value: \"\(text)\": \(bodyPath) in body should be at least \(min) chars long"
                )
            }
            if case .int(let max)? = s["maxLength"], length > max {
                add(path, "FieldValueTooLong", "Too long: may not be more than \(max) bytes")
            }
            if case .string(let pattern)? = s["pattern"] {
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                        add(
                            path,
                            "FieldValueInvalid",
                            "Invalid value: \"\(text)\": \(bodyPath) in body should match '\(pattern)'"
                        )
                    }
                } else {
                    result.unevaluatedRules.append(
                        UnevaluatedRule(
                            field: path,
                            rule: "pattern: \(pattern)",
                            reason: "pattern is not a valid ICU regular expression"
                        )
                    )
                }
            }
            if case .string("duration")? = s["format"], !Self.isDuration(text) {
                add(
                    path,
                    "FieldValueInvalid",
                    "Invalid value: \"\(text)\": \(bodyPath) in body must be of type duration: \"\(text)\""
                )
            }
        }

        static func isDuration(_ text: String) -> Bool {
            text == "0" || text.range(of: "^-?([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$", options: .regularExpression) != nil
        }

        mutating func checkObject(
            _ map: [String: SchemaValue],
            _ s: [String: SchemaValue],
            path: String,
            preserveUnknown: Bool,
            isRoot: Bool
        ) {
            if case .array(let required)? = s["required"] {
                for case .string(let name) in required where map[name] == nil {
                    add(Self.join(path, name), "FieldValueRequired", "Required value")
                }
            }
            let properties: [String: SchemaValue]
            if case .object(let props)? = s["properties"] { properties = props } else { properties = [:] }
            let additional = s["additionalProperties"]
            for key in map.keys.sorted() {
                guard let value = map[key] else { continue }
                let childPath = Self.join(path, key)
                if let propertySchema = properties[key] {
                    if isRoot && key == "metadata" {
                        checkMetadata(value, path: childPath)
                    } else {
                        check(value, schema: propertySchema, path: childPath)
                    }
                } else if case .object? = additional, let additionalSchema = additional {
                    check(value, schema: additionalSchema, path: childPath)
                } else if additional == .bool(true) || preserveUnknown {
                    continue
                } else {
                    result.violations.append(
                        SchemaViolation(field: childPath, reason: "FieldValueUnknown", message: "unknown field \"\(childPath)\"")
                    )
                }
            }
        }

        /// `metadata` is validated by the apiserver itself, not by the CRD schema: check the basics only.
        mutating func checkMetadata(_ value: SchemaValue, path: String) {
            guard case .object(let map) = value else {
                add(
                    path,
                    "FieldValueTypeInvalid",
                    Self.typeMessage(value, path: path, type: "object")
                )
                return
            }
            let known: Set<String> = [
                "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
                "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
                "ownerReferences", "finalizers", "managedFields",
            ]
            for key in map.keys.sorted() where !known.contains(key) {
                let field = Self.join(path, key)
                result.violations.append(
                    SchemaViolation(field: field, reason: "FieldValueUnknown", message: "unknown field \"\(field)\"")
                )
            }
            for key in ["name", "namespace", "generateName"] {
                if let field = map[key], case .string = field {
                } else if let field = map[key] {
                    add(
                        Self.join(path, key),
                        "FieldValueTypeInvalid",
                        Self.typeMessage(field, path: "\(path).\(key)", type: "string")
                    )
                }
            }
            for key in ["labels", "annotations"] {
                guard let field = map[key] else { continue }
                guard case .object(let entries) = field else {
                    add(
                        Self.join(path, key),
                        "FieldValueTypeInvalid",
                        Self.typeMessage(field, path: "\(path).\(key)", type: "object")
                    )
                    continue
                }
                for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
                    if case .string = entry { continue }
                    add(
                        "\(path).\(key).\(name)",
                        "FieldValueTypeInvalid",
                        Self.typeMessage(entry, path: "\(path).\(key).\(name)", type: "string")
                    )
                }
            }
        }

        mutating func evaluate(rule: SchemaValue, value: SchemaValue, path: String) {
            guard case .object(let r) = rule, case .string(let text)? = r["rule"] else { return }
            let expression: CELExpression
            do {
                expression = try CELExpression(text)
            } catch CELExpression.Failure.unsupported(let why) {
                result.unevaluatedRules.append(UnevaluatedRule(field: path, rule: text, reason: "unsupported CEL: \(why)"))
                return
            } catch {
                result.unevaluatedRules.append(UnevaluatedRule(field: path, rule: text, reason: "\(error)"))
                return
            }
            if expression.isTransitionRule {
                result.unevaluatedRules.append(
                    UnevaluatedRule(field: path, rule: text, reason: "transition rule (uses oldSelf): evaluated only on update")
                )
                return
            }
            var failurePath = path
            if case .string(let fieldPath)? = r["fieldPath"] {
                failurePath = fieldPath.hasPrefix(".") ? path + fieldPath : Self.join(path, fieldPath)
            }
            let reason: String
            switch r["reason"] {
            case .string(let custom)?: reason = custom
            default: reason = "FieldValueInvalid"
            }
            let message: String
            if case .string(let m)? = r["message"] {
                message = m
            } else {
                if r["messageExpression"] != nil {
                    result.unevaluatedRules.append(
                        UnevaluatedRule(field: path, rule: text, reason: "messageExpression not evaluated; rule text used")
                    )
                }
                message = "failed rule: \(text)"
            }
            let shown: String
            switch value {
            case .object: shown = "\"object\""
            case .array: shown = "\"array\""
            default: shown = value.messageRendering
            }
            do {
                let outcome = try expression.evaluate(self: value)
                guard case .bool(let passed) = outcome else {
                    result.unevaluatedRules.append(UnevaluatedRule(field: path, rule: text, reason: "rule did not return a bool"))
                    return
                }
                if !passed {
                    let detail: String
                    switch reason {
                    case "FieldValueForbidden": detail = "Forbidden: \(message)"
                    case "FieldValueRequired": detail = "Required value: \(message)"
                    case "FieldValueDuplicate": detail = "Duplicate value: \(message)"
                    default: detail = "Invalid value: \(shown): \(message)"
                    }
                    add(failurePath, reason, detail)
                }
            } catch CELExpression.Failure.unsupported(let why) {
                result.unevaluatedRules.append(UnevaluatedRule(field: path, rule: text, reason: "unsupported CEL: \(why)"))
            } catch CELExpression.Failure.evaluation(let why) {
                add(failurePath, "FieldValueInvalid", "Invalid value: \(shown): rule evaluation error: \(why) (rule: \(text))")
            } catch {
                result.unevaluatedRules.append(UnevaluatedRule(field: path, rule: text, reason: "\(error)"))
            }
        }
    }
}
