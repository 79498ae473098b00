import EKSAWS

/// One HTTP transport for the tests that build an ``AWSClient`` by hand (sessions make their own). It lives as long
/// as the test process, which ends without closing it.
public enum TestHTTP {
    /// A transport with the library's defaults.
    public static let transport = AsyncHTTPTransport()
}
