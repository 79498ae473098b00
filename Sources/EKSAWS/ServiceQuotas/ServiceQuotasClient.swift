import Foundation

/// Service Quotas over JSON 1.1 (`X-Amz-Target: ServiceQuotasV20190624.*`), shapes from botocore's
/// `service-quotas/2019-06-24/service-2.json`.
public struct ServiceQuotasClient: Sendable {
    /// The underlying client.
    public let client: AWSClient
    /// The service description.
    public static let service = AWSServiceDescriptor.serviceQuotas

    /// Creates a Service Quotas client on `client`.
    public init(client: AWSClient) { self.client = client }

    /// One quota's value, and whether it is the account's applied value or only AWS's default.
    public struct Quota: Sendable, Equatable {
        /// E.g. `vpc`.
        public var serviceCode: String
        /// E.g. `L-F678F1CE`.
        public var quotaCode: String
        /// E.g. `VPCs per Region`.
        public var name: String
        public var value: Double
        /// `false` when Service Quotas had no applied value and this is AWS's default (an increase granted outside
        /// Service Quotas would not show).
        public var isApplied: Bool
    }

    /// The quota in force: `GetServiceQuota` (the applied value), and where the API reference says the applied value
    /// is not available for a quota (`NoSuchResourceException`), `GetAWSDefaultServiceQuota`; `nil` when neither
    /// knows the quota.
    public func quota(serviceCode: String, quotaCode: String) async throws -> Quota? {
        struct Input: Encodable {
            var ServiceCode: String
            var QuotaCode: String
        }
        struct Wire: Decodable {
            var QuotaName: String?
            var Value: Double?
        }
        struct Output: Decodable { var Quota: Wire? }
        let input = Input(ServiceCode: serviceCode, QuotaCode: quotaCode)
        for (operation, applied) in [("GetServiceQuota", true), ("GetAWSDefaultServiceQuota", false)] {
            do {
                let out: Output = try await client.json(operation, input, service: Self.service, mutating: false)
                guard let value = out.Quota?.Value else { continue }
                return Quota(
                    serviceCode: serviceCode,
                    quotaCode: quotaCode,
                    name: out.Quota?.QuotaName ?? quotaCode,
                    value: value,
                    isApplied: applied
                )
            } catch let error as AWSServiceError where error.code == "NoSuchResourceException" {
                continue
            }
        }
        return nil
    }
}
