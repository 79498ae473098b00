import EKSAWS
import Foundation
import Synchronization

extension EKSTokenProvider {
    /// The ExecCredential JSON for `options` from the token cache, or `nil` on a miss or on anything that deserves a
    /// message (a malformed `KUBERNETES_EXEC_INFO`, a corrupt or loosely-permitted cache file, a broken profile): the
    /// caller then takes its slow path, which says what is wrong. Reads files only; no signing, no network — what an
    /// exec credential plugin needs to answer kubectl's every call in the time of a process start.
    public static func cachedExecCredentialJSON(
        for options: Options,
        environment: [String: String],
        now: Date = Date()
    ) -> String? {
        let warned = Mutex(false)
        let note: @Sendable (String) -> Void = { _ in warned.withLock { $0 = true } }
        let apiVersion = ExecCredential.negotiatedAPIVersion(execInfo: environment["KUBERNETES_EXEC_INFO"], warn: note)
        guard
            let provider = try? EKSTokenProvider(
                options,
                warn: note,
                clock: { now }
            ),
            let token = provider.cachedToken(),
            !warned.withLock({ $0 })
        else { return nil }
        return ExecCredential(apiVersion: apiVersion, token: token.value, expiration: token.expiration).json()
    }
}
