import Foundation
import Testing

@testable import EKSAWS

@Suite("EKS lifecycle states are enums that keep states they do not know")
struct EKSStatusTests {
    func isUnknown(_ status: EKSClusterStatus) -> Bool { if case .unknown = status { true } else { false } }
    func isUnknown(_ status: EKSNodegroupStatus) -> Bool { if case .unknown = status { true } else { false } }
    func isUnknown(_ status: EKSAddonStatus) -> Bool { if case .unknown = status { true } else { false } }
    func isUnknown(_ status: EKSUpdateStatus) -> Bool { if case .unknown = status { true } else { false } }

    @Test("every known spelling round-trips; an unknown one decodes and encodes unchanged")
    func roundTrip() throws {
        for raw in ["CREATING", "ACTIVE", "DELETING", "FAILED", "UPDATING", "PENDING"] {
            #expect(EKSClusterStatus(rawValue: raw).rawValue == raw)
            #expect(!isUnknown(EKSClusterStatus(rawValue: raw)), "\(raw)")
        }
        for raw in ["CREATING", "ACTIVE", "UPDATING", "DELETING", "CREATE_FAILED", "DELETE_FAILED", "DEGRADED"] {
            #expect(EKSNodegroupStatus(rawValue: raw).rawValue == raw)
            #expect(!isUnknown(EKSNodegroupStatus(rawValue: raw)), "\(raw)")
        }
        for raw in ["CREATING", "ACTIVE", "CREATE_FAILED", "UPDATING", "DELETING", "DELETE_FAILED", "DEGRADED", "UPDATE_FAILED"] {
            #expect(EKSAddonStatus(rawValue: raw).rawValue == raw)
            #expect(!isUnknown(EKSAddonStatus(rawValue: raw)), "\(raw)")
        }
        for raw in ["InProgress", "Failed", "Cancelled", "Successful"] {
            #expect(EKSUpdateStatus(rawValue: raw).rawValue == raw)
            #expect(!isUnknown(EKSUpdateStatus(rawValue: raw)), "\(raw)")
        }
        let decoded = try JSONDecoder().decode([EKSClusterStatus].self, from: Data(#"["ACTIVE","HIBERNATING"]"#.utf8))
        #expect(decoded.map(\.rawValue) == ["ACTIVE", "HIBERNATING"])
        #expect(!isUnknown(decoded[0]) && isUnknown(decoded[1]))
        #expect(String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self) == #"["ACTIVE","HIBERNATING"]"#)
        #expect("\(EKSNodegroupStatus.createFailed)" == "CREATE_FAILED")
    }
}
