import EKSAWS
import EKSKubernetes

/// An IPv4 CIDR block, used to carve subnets deterministically out of the VPC CIDR.
public struct IPv4CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The network address as a 32-bit number (host bits zero).
    public var address: UInt32
    /// The prefix length, 0–32.
    public var prefixLength: Int

    /// Parses `a.b.c.d/n`; `nil` when malformed or when host bits are set.
    public init?(_ text: String) {
        guard ConfigValidation.isIPv4CIDR(text) else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let prefix = Int(parts[1]) else { return nil }
        var value: UInt32 = 0
        for octet in parts[0].split(separator: ".") {
            guard let byte = UInt32(octet) else { return nil }
            value = value << 8 | byte
        }
        self.init(address: value, prefixLength: prefix)
    }

    /// Creates a block from a network address and prefix length.
    public init(address: UInt32, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The number of addresses in the block.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    /// The `index`-th block of prefix length `prefixLength + extraBits` inside this block, or `nil` if out of range.
    public func subnet(extraBits: Int, index: Int) -> IPv4CIDR? {
        let newPrefix = prefixLength + extraBits
        guard extraBits >= 0, newPrefix <= 32, index >= 0, UInt64(index) < (UInt64(1) << UInt64(extraBits)) else {
            return nil
        }
        let step = UInt64(1) << UInt64(32 - newPrefix)
        return IPv4CIDR(address: address + UInt32(UInt64(index) * step), prefixLength: newPrefix)
    }

    /// `a.b.c.d/n`.
    public var description: String {
        let octets = [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xFF) }
        return octets.joined(separator: ".") + "/\(prefixLength)"
    }
}
