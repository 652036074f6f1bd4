import Dispatch
import Foundation
import Ledger
import Synchronization

/// Collects image outcomes from many threads and commits them to the ledger in small batches:
/// at 64 outcomes, or at least every 100 ms, so a `kill -9` loses little finished work.
final class _OutcomeSink: Sendable {
    private let ledger: Ledger
    private let buffer = Mutex<[ImageOutcome]>([])
    /// Serialises commits, so batches reach the ledger in the order they were taken.
    private let committing = Mutex<Void>(())
    private let failure = Mutex<(any Error)?>(nil)
    // Dispatch sources are thread-safe; Swift does not mark them Sendable.
    nonisolated(unsafe) private let timer: any DispatchSourceTimer

    init(ledger: Ledger) {
        self.ledger = ledger
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "t2i.ledger-flush"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
    }

    deinit { timer.cancel() }

    func add(_ outcome: ImageOutcome) {
        let full = buffer.withLock { buffer in
            buffer.append(outcome)
            return buffer.count >= 64
        }
        if full { flush() }
    }

    /// Commits whatever is buffered.
    func flush() {
        committing.withLock { _ in
            let batch = buffer.withLock { buffer in
                let taken = buffer
                buffer.removeAll(keepingCapacity: true)
                return taken
            }
            guard !batch.isEmpty else { return }
            do { try ledger.record(batch) } catch { failure.withLock { $0 = $0 ?? error } }
        }
    }

    /// The first commit failure, if any.
    var error: (any Error)? { failure.withLock { $0 } }

    func close() throws {
        timer.cancel()
        flush()
        if let error { throw error }
    }
}
