/// What the demo host has answered so far, per request path (the query string is ignored).
public struct DemoHostStats: Sendable, Codable, Equatable {
    /// Every request per path, whatever the answer (`/_stats` itself is not counted).
    public var requests: [String: Int]
    /// Responses per path that were 2xx and whose whole body was sent.
    public var successes: [String: Int]
    public var totalRequests: Int
    public var totalSuccesses: Int

    public init(requests: [String: Int] = [:], successes: [String: Int] = [:]) {
        self.requests = requests
        self.successes = successes
        totalRequests = requests.values.reduce(0, +)
        totalSuccesses = successes.values.reduce(0, +)
    }
}
