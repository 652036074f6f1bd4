import COpenBLAS
import Dispatch

/// How many threads the tensor kernels use: OpenBLAS threads for GEMMs and the worker count
/// for the element-wise, im2col/col2im, batch-norm and Adam loops.
///
/// Work is split into chunks whose boundaries depend only on the problem size, never on the
/// thread count, and every reduction adds its chunk partials in chunk order, so results are
/// bit-identical run to run (and across thread counts for the non-GEMM work).
public enum TensorThreads {
    nonisolated(unsafe) private static var current = 1

    /// The number of threads in use.
    public static var count: Int { current }

    /// Sets the thread count for OpenBLAS and the chunked loops; call before training starts.
    public static func set(_ threads: Int) {
        precondition(threads >= 1, "thread count must be positive")
        current = threads
        openblas_set_num_threads(Int32(threads))
    }
}

/// A raw pointer that may cross into `concurrentPerform` workers; each worker writes a disjoint range.
@usableFromInline
struct _SendablePointer<T>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<T>
    @usableFromInline init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// A read-only raw pointer that may cross into `concurrentPerform` workers.
@usableFromInline
struct _SendableConstPointer<T>: @unchecked Sendable {
    @usableFromInline let base: UnsafePointer<T>
    @usableFromInline init(_ base: UnsafePointer<T>) { self.base = base }
}

/// Runs `body` over `0..<count` split into chunks of `chunk` items (the last may be shorter).
///
/// Chunks go to `TensorThreads.count` workers; with one thread, or one chunk, everything runs
/// on the caller's thread.
/// - Complexity: O(count) calls' worth of work divided over the workers.
@inlinable
func _parallelChunks(_ count: Int, chunk: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunk = Swift.max(chunk, 1)
    let chunks = (count + chunk - 1) / chunk
    let workers = Swift.min(TensorThreads.count, chunks)
    if workers <= 1 {
        for c in 0..<chunks { body(c * chunk..<Swift.min(count, (c + 1) * chunk)) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = _UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            // Static round-robin assignment: worker w takes chunks w, w+workers, ...
            var c = worker
            while c < chunks {
                box.value(c * chunk..<Swift.min(count, (c + 1) * chunk))
                c += workers
            }
        }
    }
}

/// Lets a non-Sendable closure be called from `concurrentPerform` workers that touch disjoint data.
@usableFromInline
struct _UncheckedBox<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}

/// A chunk size that gives each chunk roughly `work` inner operations (at least one item).
@inlinable
func _chunkSize(itemCost: Int, work: Int = 1 << 15) -> Int {
    Swift.max(1, work / Swift.max(itemCost, 1))
}
