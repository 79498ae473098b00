import EKSAWS
import EKSKubernetes
import Foundation

/// Format checks used by the `platform.yaml` parser (public so other layers can reuse them).
public enum ConfigValidation {
    /// The accepted AMI alias families (Karpenter `amiSelectorTerms[].alias`).
    public static let amiAliasFamilies = ["al2", "al2023", "bottlerocket", "windows2019", "windows2022", "windows2025"]

    /// The accepted EKS managed node group AMI types.
    public static let eksAMITypes = [
        "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA",
        "AL2023_x86_64_NEURON", "AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64", "BOTTLEROCKET_x86_64",
        "BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA",
        "WINDOWS_CORE_2019_x86_64", "WINDOWS_FULL_2019_x86_64", "WINDOWS_CORE_2022_x86_64",
        "WINDOWS_FULL_2022_x86_64", "CUSTOM",
    ]

    /// Whether `text` matches `pattern` in full.
    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil
    }

    /// An RFC 1123 label of at most `maxLength` characters: lowercase letters, digits and `-`, alphanumeric at both ends.
    public static func isRFC1123Label(_ text: String, maxLength: Int = 63) -> Bool {
        !text.isEmpty && text.count <= maxLength && matches(text, "[a-z0-9]([-a-z0-9]*[a-z0-9])?")
    }

    /// The Kubernetes minors (1.x) that EKS offered when this table was last checked against the EKS user guide's
    /// "Understand the Kubernetes version lifecycle on EKS" (2026-12: 1.32 to 1.35 in standard or extended support,
    /// 1.36 announced; 1.28 to 1.31 kept so existing clusters can still be planned and upgraded). `plan` asks EKS
    /// itself; this is the offline check `validate` can make.
    public static let eksMinorVersions = 28...36

    /// An AWS region name such as `us-west-2` or `us-gov-east-1`.
    public static func isRegion(_ text: String) -> Bool {
        matches(text, "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}")
    }

    /// A Go-style duration as Kubernetes CRDs accept it: `90s`, `1m`, `1h30m`, `720h`.
    public static func isDuration(_ text: String) -> Bool {
        matches(text, "([0-9]+(\\.[0-9]+)?(ms|s|m|h))+")
    }

    /// The number of seconds in a Go-style duration, or `nil` if it does not parse.
    public static func durationSeconds(_ text: String) -> Double? {
        guard isDuration(text) else { return nil }
        var total = 0.0
        var number = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            var unit = String(character)
            let next = text.index(after: index)
            if character == "m", next < text.endIndex, text[next] == "s" {
                unit = "ms"
                index = text.index(after: next)
            } else {
                index = next
            }
            guard let value = Double(number) else { return nil }
            switch unit {
            case "ms": total += value / 1000
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            default: return nil
            }
            number = ""
        }
        return total
    }

    /// An IPv4 CIDR block whose prefix length lies in `prefixRange` and whose address has no host bits set.
    public static func isIPv4CIDR(_ text: String, prefixRange: ClosedRange<Int> = 0...32) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), prefixRange.contains(prefix),
            String(prefix) == parts[1]
        else { return false }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        var address: UInt32 = 0
        for octet in octets {
            guard let value = UInt32(octet), value <= 255, String(value) == octet else { return false }
            address = address << 8 | value
        }
        let hostMask: UInt32 = prefix == 32 ? 0 : (UInt32.max >> UInt32(prefix))
        return address & hostMask == 0
    }

    /// A Karpenter AMI alias `family@version`, where version is `latest` or a pinned release such as `v20240703`.
    /// Returns a reason when invalid.
    public static func amiAliasProblem(_ alias: String) -> String? {
        let parts = alias.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return "expected family@version, e.g. al2023@latest or al2023@v20240703"
        }
        guard amiAliasFamilies.contains(parts[0]) else {
            return "unknown AMI family \"\(parts[0])\"; use one of \(amiAliasFamilies.joined(separator: ", "))"
        }
        if parts[0].hasPrefix("windows") {
            // Karpenter accepts the alias, but this platform's NodePool requires kubernetes.io/os=linux and the
            // Karpenter node role's access entry is EC2_LINUX (Windows nodes need EC2_WINDOWS), so Windows nodes
            // would never be launched or never join. Refused until both are supported.
            return "Windows nodes are not supported by this platform (its NodePool selects Linux and the node role's "
                + "access entry is EC2_LINUX); use al2023@latest or bottlerocket@latest"
        }
        if parts[1] == "latest" || matches(parts[1], "v[0-9]{8}") || matches(parts[1], "v[0-9]+\\.[0-9]+\\.[0-9]+") {
            return nil
        }
        return "version \"\(parts[1])\" must be latest or a pinned release such as v20240703 (bottlerocket: v1.20.4)"
    }

    /// A Kubernetes label key: optional DNS-subdomain prefix and `/`, then a name of ≤ 63 characters.
    public static func isLabelKey(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let name = parts.last else { return false }
        if parts.count == 2 {
            let prefix = parts[0]
            guard !prefix.isEmpty, prefix.count <= 253,
                matches(prefix, "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
            else { return false }
        }
        return !name.isEmpty && name.count <= 63 && matches(name, "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
    }

    /// A Kubernetes label value: empty, or ≤ 63 characters, alphanumeric at both ends.
    public static func isLabelValue(_ text: String) -> Bool {
        text.isEmpty || (text.count <= 63 && matches(text, "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"))
    }

    /// An IAM role name.
    public static func isIAMRoleName(_ text: String) -> Bool { matches(text, "[A-Za-z0-9+=,.@_-]{1,64}") }

    /// An IAM role or user ARN.
    public static func isIAMPrincipalARN(_ text: String) -> Bool {
        matches(text, "arn:aws(-[a-z]+)*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+")
    }
}
