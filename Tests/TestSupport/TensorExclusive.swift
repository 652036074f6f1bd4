import Dispatch
import Testing

/// Runs each test case alone among the tests that carry this trait.
///
/// The tensor core's thread count (`TensorThreads`) and OpenBLAS's thread count are
/// process-wide, and `swift test` runs suites concurrently in one process. A test that sets the
/// thread count (a `Trainer` does, from its configuration), or a blocked convolution that drops
/// OpenBLAS to one thread for a moment, would otherwise change the arithmetic of a test that runs
/// beside it and expects bit-identical results (OpenBLAS's sgemm is not bit-identical across thread
/// counts for every shape). Every test target that runs tensor code in-process marks its suites
/// with `.tensorExclusive`; tests that run the CLI in a child process need not.
///
/// The test body runs on a thread of its own (`onDedicatedThread`), so a chain of long synchronous
/// tensor tests never holds a thread of the cooperative pool, which the demo host needs.
public struct TensorExclusiveTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    /// The lock is taken per test case only, so a suite and its tests never wait on each other.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> TensorExclusiveTrait? {
        testCase == nil ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        await _TensorTestGate.shared.acquire()
        do {
            try await onDedicatedThread { try await function() }
        } catch {
            await _TensorTestGate.shared.release()
            throw error
        }
        await _TensorTestGate.shared.release()
    }
}

extension Trait where Self == TensorExclusiveTrait {
    /// Each test case runs alone among tests that run tensor code in this process.
    public static var tensorExclusive: TensorExclusiveTrait { TensorExclusiveTrait() }
}

/// A first-come, first-served gate that suspends waiters instead of blocking threads.
actor _TensorTestGate {
    static let shared = _TensorTestGate()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Runs `body` on a thread of its own instead of the cooperative pool.
///
/// The pool has one thread per core (two here), and the demo host's request handlers and every
/// `Task.sleep` wake-up need one of them. A test that runs seconds of synchronous work (a
/// training run, a blocking download) on the pool can starve a server in another test; on its own
/// thread it cannot.
public func onDedicatedThread<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
    try await withTaskExecutorPreference(DedicatedThreadExecutor()) { try await body() }
}

/// A task executor that runs every job on one serial dispatch queue, outside the cooperative pool.
public final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "t2i.tests.dedicated")

    public init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
