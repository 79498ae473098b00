import EKSPlatformKit

extension FuzzHarness {
    /// `PlatformConfig.parse(_:file:)`: any text gives a validated config or a ``ConfigError`` naming the file.
    public static let platformConfig = FuzzHarness(name: "FuzzPlatformConfig") { bytes in
        let file = "fuzz/platform.yaml"
        do {
            let config = try PlatformConfig.parse(String(decoding: bytes, as: UTF8.self), file: file)
            if config.name.isEmpty { throw FuzzInvariantViolation("FuzzPlatformConfig", "accepted an empty name") }
        } catch let error as ConfigError {
            guard error.file == file, error.line >= 0, error.column >= 0, !error.message.isEmpty else {
                throw FuzzInvariantViolation("FuzzPlatformConfig", "an error without file or message: \(error)")
            }
            _ = error.description
        } catch let error as FuzzInvariantViolation {
            throw error
        } catch {
            throw FuzzInvariantViolation("FuzzPlatformConfig", "untyped error \(type(of: error)): \(error)")
        }
    }
}
