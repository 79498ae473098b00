/// One page of a paginated AWS operation: its items and the token for the next page (`nil` on the last page).
public struct AWSPage<Item: Sendable>: Sendable {
    /// The items on this page.
    public var items: [Item]
    /// The token that asks for the next page, or `nil` when this is the last one.
    public var nextToken: String?

    /// Creates a page.
    public init(items: [Item], nextToken: String?) {
        self.items = items
        self.nextToken = nextToken
    }
}

/// The pages of a paginated operation as an async sequence: each iteration step sends one request.
///
/// Iteration stops after the page without a next token. A page that repeats the token it was asked with is
/// treated as an error rather than looping forever.
public struct AWSPaginator<Item: Sendable>: AsyncSequence, Sendable {
    /// The element: one page.
    public typealias Element = AWSPage<Item>
    /// Fetches the page for a token (`nil` for the first page).
    public typealias Fetch = @Sendable (String?) async throws -> AWSPage<Item>

    private let fetch: Fetch
    private let operation: String

    /// Creates a paginator over `fetch`, naming `operation` in errors.
    public init(operation: String, fetch: @escaping Fetch) {
        self.operation = operation
        self.fetch = fetch
    }

    /// The iterator: remembers the next token.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let fetch: Fetch
        let operation: String
        var token: String?
        var finished = false

        /// The next page, or `nil` after the last one.
        public mutating func next() async throws -> AWSPage<Item>? {
            guard !finished else { return nil }
            let asked = token
            let page = try await fetch(asked)
            if let next = page.nextToken, !next.isEmpty {
                guard next != asked else {
                    throw AWSClientError(
                        .invalidResponse,
                        "the service returned the same next token \"\(next)\" again; stopping",
                        operation: operation
                    )
                }
                token = next
            } else {
                finished = true
            }
            return page
        }
    }

    /// Makes an iterator that starts at the first page.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(fetch: fetch, operation: operation, token: nil)
    }

    /// Fetches every page and returns all items in order.
    public func allItems() async throws -> [Item] {
        var items: [Item] = []
        for try await page in self { items.append(contentsOf: page.items) }
        return items
    }
}
