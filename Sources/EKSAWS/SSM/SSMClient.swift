import Foundation

/// AWS Systems Manager Parameter Store over the JSON 1.1 protocol (`X-Amz-Target: AmazonSSM.*`): the one place a
/// platform's run lock can live before any of the platform exists. `PutParameter` without `Overwrite` either creates
/// the parameter or fails with `ParameterAlreadyExists`, which is the atomic test-and-set a lock needs.
public struct SSMClient: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.ssm

    /// Creates an SSM client on `client`.
    public init(client: AWSClient) { self.client = client }

    /// A `String` parameter as `GetParameter` returns it.
    public struct Parameter: Sendable, Equatable {
        /// The parameter's name (`/platformctl/…`).
        public var name: String
        /// Its value.
        public var value: String
        /// Its version: every successful `PutParameter` adds one.
        public var version: Int
    }

    /// `PutParameter` of a `String` parameter. Without `overwrite` the call creates the parameter or fails with
    /// `ParameterAlreadyExists`; with it, the value is replaced. Tags can only be given on create: Parameter Store
    /// refuses `Tags` together with `Overwrite` (its API reference says to use `AddTagsToResource` instead).
    /// Returns the new version.
    @discardableResult
    public func putParameter(
        name: String,
        value: String,
        description: String? = nil,
        overwrite: Bool = false,
        tags: [String: String] = [:]
    ) async throws -> Int {
        struct Tag: Encodable {
            var Key: String
            var Value: String
        }
        struct Input: Encodable {
            var Name: String
            var Value: String
            var `Type` = "String"
            var Description: String?
            var Overwrite: Bool
            var Tags: [Tag]?
        }
        struct Output: Decodable { var Version: Int? }
        let tagList = overwrite || tags.isEmpty ? nil : tags.sorted { $0.key < $1.key }.map { Tag(Key: $0.key, Value: $0.value) }
        let out: Output = try await send(
            "PutParameter",
            Input(Name: name, Value: value, Description: description, Overwrite: overwrite, Tags: tagList)
        )
        return out.Version ?? 0
    }

    /// `GetParameter`; `nil` when there is no such parameter (`ParameterNotFound`).
    public func getParameter(name: String) async throws -> Parameter? {
        struct Input: Encodable { var Name: String }
        struct Wire: Decodable {
            var Name: String?
            var Value: String?
            var Version: Int?
        }
        struct Output: Decodable { var Parameter: Wire? }
        do {
            let out: Output = try await send("GetParameter", Input(Name: name), mutating: false)
            guard let wire = out.Parameter, let value = wire.Value else {
                throw AWSClientError(
                    .invalidResponse,
                    "GetParameter answered without a parameter value",
                    service: Self.service.signingName,
                    operation: "GetParameter"
                )
            }
            return Parameter(name: wire.Name ?? name, value: value, version: wire.Version ?? 0)
        } catch let error as AWSServiceError where error.code == "ParameterNotFound" {
            return nil
        }
    }

    /// `DeleteParameter`; `false` when the parameter was already gone.
    @discardableResult
    public func deleteParameter(name: String) async throws -> Bool {
        struct Input: Encodable { var Name: String }
        struct Output: Decodable {}
        do {
            let _: Output = try await send("DeleteParameter", Input(Name: name))
            return true
        } catch let error as AWSServiceError where error.code == "ParameterNotFound" {
            return false
        }
    }

    func send<Input: Encodable, Output: Decodable>(
        _ operation: String,
        _ input: Input,
        mutating: Bool = true
    ) async throws -> Output {
        try await client.json(operation, input, service: Self.service, mutating: mutating)
    }
}
