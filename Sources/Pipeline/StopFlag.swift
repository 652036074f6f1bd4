import Synchronization

/// Set by a signal handler (SIGINT, SIGTERM) and polled by the stages, which then finish what is
/// in hand, commit it, and return.
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func stop() { flag.store(true, ordering: .relaxed) }
    public var isSet: Bool { flag.load(ordering: .relaxed) }
}
