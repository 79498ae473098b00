import Foundation

/// ISO 8601 timestamps as AWS sends them: with or without fractional seconds, `Z` or an offset.
package enum ISO8601 {
    /// Parses `2026-11-24T21:55:07Z`, `2026-11-24T21:55:07.188023Z` or `2026-11-24T21:55:07+00:00`.
    package static func parse(_ string: String) -> Date? {
        let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: trimmed) { return date }
        // Fractional seconds of any length: cut them out, parse, then add them back.
        guard let dot = trimmed.firstIndex(of: ".") else { return nil }
        var end = trimmed.index(after: dot)
        while end < trimmed.endIndex, trimmed[end].isASCII, trimmed[end].isNumber { end = trimmed.index(after: end) }
        let fraction = Double("0" + trimmed[dot..<end]) ?? 0
        guard let whole = plain.date(from: String(trimmed[..<dot]) + String(trimmed[end...])) else { return nil }
        return whole.addingTimeInterval(fraction)
    }

    /// Formats as `2026-11-24T21:55:07Z` (UTC, whole seconds).
    package static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
