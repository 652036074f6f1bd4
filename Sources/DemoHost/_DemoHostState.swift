import NIOConcurrencyHelpers

/// Counters shared by every connection of one host. The lock is held only to bump a dictionary
/// entry, so it does not limit throughput at the rates the host is asked for.
final class _DemoHostState: Sendable {
    let imagesRoot: String
    private let counters = NIOLockedValueBox((requests: [String: Int](), successes: [String: Int]()))

    init(imagesRoot: String) { self.imagesRoot = imagesRoot }

    /// Counts a request and returns how many requests for `path` came before it.
    func recordRequest(_ path: String) -> Int {
        counters.withLockedValue { value in
            let before = value.requests[path, default: 0]
            value.requests[path] = before + 1
            return before
        }
    }

    func recordSuccess(_ path: String) {
        counters.withLockedValue { $0.successes[path, default: 0] += 1 }
    }

    func stats() -> DemoHostStats {
        counters.withLockedValue { DemoHostStats(requests: $0.requests, successes: $0.successes) }
    }
}
