/// How to start a `KubeFakeServer`.
public struct KubeFakeOptions: Sendable {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    public var port: Int
    /// Seconds until a new CRD becomes Established; `nil` means never, 0 means at once.
    public var crdEstablishDelay: Double?
    /// After a CRD is Established its endpoints keep answering 404 this many seconds longer (the discovery race).
    public var endpointLagAfterEstablished: Double
    /// Seconds between BOOKMARK events on watches that allow them; 0 sends only the first one.
    public var bookmarkInterval: Double
    /// Controller mode: roll out Deployments and mark Flux objects Ready this many seconds after each change.
    public var autoRolloutAfter: Double?
    /// Whether controller mode also marks Flux objects Ready; off when the cluster twin plays Flux's controllers.
    public var markFluxReady: Bool = true

    /// Creates options; the defaults match a real cluster closely enough for most tests.
    public init(
        port: Int = 0,
        crdEstablishDelay: Double? = 0.3,
        endpointLagAfterEstablished: Double = 0,
        bookmarkInterval: Double = 1,
        autoRolloutAfter: Double? = nil
    ) {
        self.port = port
        self.crdEstablishDelay = crdEstablishDelay
        self.endpointLagAfterEstablished = endpointLagAfterEstablished
        self.bookmarkInterval = bookmarkInterval
        self.autoRolloutAfter = autoRolloutAfter
    }
}
