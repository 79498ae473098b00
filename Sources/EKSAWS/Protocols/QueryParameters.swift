/// Parameters of a query-protocol request, flattened the way the service wants them.
///
/// The `ec2` flavour numbers lists directly (`Filter.1.Value.1`, `SubnetId.1`); the `query` flavour puts list
/// items under `member` (`Tags.member.1.Key`) and map entries under `entry` (`Attributes.entry.1.key`).
package struct QueryParameters: Sendable, Equatable {
    /// Which flattening rules apply.
    package enum Flavour: Sendable { case ec2, query }

    package let flavour: Flavour
    /// Name/value pairs in the order they were added.
    package private(set) var pairs: [(String, String)] = []

    /// Creates an empty parameter list.
    package init(_ flavour: Flavour) { self.flavour = flavour }

    /// Adds `name=value` when `value` is not `nil`.
    package mutating func set(_ name: String, _ value: String?) {
        guard let value else { return }
        pairs.append((name, value))
    }

    /// Adds an integer.
    package mutating func set(_ name: String, _ value: Int?) { set(name, value.map(String.init)) }

    /// Adds a boolean as `true`/`false`.
    package mutating func set(_ name: String, _ value: Bool?) { set(name, value.map { $0 ? "true" : "false" }) }

    /// Adds a list of strings: `name.N` (ec2) or `name.member.N` (query). Empty lists add nothing.
    package mutating func setList(_ name: String, _ values: [String]?) {
        guard let values else { return }
        for (i, value) in values.enumerated() { pairs.append(("\(listPrefix(name)).\(i + 1)", value)) }
    }

    /// Adds a list of structures, each written by `write` under its own prefix.
    package mutating func setList<T>(_ name: String, _ values: [T]?, _ write: (inout QueryParameters, String, T) -> Void) {
        guard let values else { return }
        for (i, value) in values.enumerated() { write(&self, "\(listPrefix(name)).\(i + 1)", value) }
    }

    /// Adds a string map as `name.entry.N.key` / `.value` (query flavour; EC2 has no maps).
    package mutating func setMap(_ name: String, _ map: [String: String]?, keyName: String = "key", valueName: String = "value") {
        guard let map else { return }
        for (i, key) in map.keys.sorted().enumerated() {
            pairs.append(("\(name).entry.\(i + 1).\(keyName)", key))
            pairs.append(("\(name).entry.\(i + 1).\(valueName)", map[key] ?? ""))
        }
    }

    /// The prefix list items go under.
    package func listPrefix(_ name: String) -> String { flavour == .ec2 ? name : "\(name).member" }

    /// The `application/x-www-form-urlencoded` body: `Action` and `Version` first, then the pairs.
    package func body(action: String, version: String) -> String {
        ([("Action", action), ("Version", version)] + pairs)
            .map { "\(AWSURIEncoding.encode($0.0))=\(AWSURIEncoding.encode($0.1))" }
            .joined(separator: "&")
    }

    /// Equality by flavour and pairs.
    package static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.flavour == rhs.flavour && lhs.pairs.elementsEqual(rhs.pairs) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// The value of a parameter, for tests.
    package subscript(name: String) -> String? { pairs.first { $0.0 == name }?.1 }
}
