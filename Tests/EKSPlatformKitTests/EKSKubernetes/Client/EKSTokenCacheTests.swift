import EKSPlatformKit
import EKSPlatformTestSupport
import Foundation
import Testing

/// A fresh temporary directory for one test.
func makeTemporaryDirectory(_ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "platformctl-\(label)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Collects warnings from code under test.
final class WarningSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    func add(_ line: String) { lock.withLock { stored.append(line) } }
}

func permissions(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

@Suite("EKS token cache")
struct EKSTokenCacheTests {
    let key = EKSTokenCache.Key(cluster: "demo", region: "us-west-2", identity: "AKIAEXAMPLE", roleARN: nil)

    @Test func hitMissAndExpiry() throws {
        let directory = try makeTemporaryDirectory("cache") + "/nested/tokens"
        let cache = EKSTokenCache(directory: directory)
        let sink = WarningSink()
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        #expect(cache.lookup(key, now: now, warn: sink.add) == nil)
        let token = EKSToken(value: "k8s-aws-v1.cached", expiration: now + 14 * 60)
        try cache.store(token, for: key)
        #expect(try permissions(cache.path(for: key)) == 0o600)
        #expect(try permissions(directory) == 0o700)
        #expect(cache.lookup(key, now: now, warn: sink.add) == token)
        #expect(cache.lookup(key, now: now + 12 * 60, warn: sink.add) == token)
        // Reused only until one minute before expiry.
        #expect(cache.lookup(key, now: now + 13 * 60, warn: sink.add) == nil)
        #expect(cache.lookup(key, now: now + 15 * 60, warn: sink.add) == nil)
        // Other keys miss.
        for other in [
            EKSTokenCache.Key(cluster: "other", region: "us-west-2", identity: "AKIAEXAMPLE", roleARN: nil),
            EKSTokenCache.Key(cluster: "demo", region: "eu-west-1", identity: "AKIAEXAMPLE", roleARN: nil),
            EKSTokenCache.Key(cluster: "demo", region: "us-west-2", identity: "AKIAOTHER", roleARN: nil),
            EKSTokenCache.Key(cluster: "demo", region: "us-west-2", identity: "AKIAEXAMPLE", roleARN: "arn:aws:iam::1:role/r"),
        ] {
            #expect(other.fileName != key.fileName)
            #expect(cache.lookup(other, now: now, warn: sink.add) == nil)
        }
        #expect(sink.lines.isEmpty)
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [key.fileName])
    }

    @Test func corruptFileIsIgnoredWithAWarningAndRewritten() throws {
        let cache = EKSTokenCache(directory: try makeTemporaryDirectory("corrupt"))
        let sink = WarningSink()
        let path = cache.path(for: key)
        _ = FileManager.default.createFile(
            atPath: path,
            contents: Data("{\"version\":1,\"tok".utf8),
            attributes: [.posixPermissions: 0o600]
        )
        #expect(cache.lookup(key, warn: sink.add) == nil)
        #expect(sink.lines.count == 1 && sink.lines[0].contains("corrupt"))
        let token = EKSToken(value: "k8s-aws-v1.fresh", expiration: Date() + 600)
        try cache.store(token, for: key)
        #expect(cache.lookup(key, warn: sink.add)?.value == "k8s-aws-v1.fresh")
        #expect(sink.lines.count == 1)
    }

    @Test func looseFileIsIgnoredWithAWarningAndRewrittenAs0600() throws {
        let cache = EKSTokenCache(directory: try makeTemporaryDirectory("loose"))
        let sink = WarningSink()
        let token = EKSToken(
            value: "k8s-aws-v1.loose",
            expiration: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) + 600)
        )
        try cache.store(token, for: key)
        let path = cache.path(for: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(cache.lookup(key, warn: sink.add) == nil)
        #expect(sink.lines.count == 1 && sink.lines[0].contains("644") && sink.lines[0].contains("0600"))
        try cache.store(token, for: key)
        #expect(try permissions(path) == 0o600)
        #expect(cache.lookup(key, warn: sink.add) == token)
    }

    @Test func providerSignsOnceThenServesFromCache() async throws {
        let directory = try makeTemporaryDirectory("provider")
        let sink = WarningSink()
        let options = EKSTokenProvider.Options(
            clusterName: "demo",
            region: "us-west-2",
            cacheDirectory: directory,
            environment: ["HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AKIAPROVIDER", "AWS_SECRET_ACCESS_KEY": "s3cr3t"]
        )
        let provider = try EKSTokenProvider(options, warn: sink.add)
        #expect(provider.cachedToken() == nil)
        let first = try await provider.token()
        #expect(!provider.usedNetwork)
        #expect(first.value.hasPrefix("k8s-aws-v1."))
        let second = try EKSTokenProvider(options, warn: sink.add)
        #expect(second.cachedToken() == first)
        // --no-cache: never reads or writes.
        var uncached = options
        uncached.useCache = false
        #expect(try EKSTokenProvider(uncached).cachedToken() == nil)
        #expect(sink.lines.isEmpty)
    }
}
