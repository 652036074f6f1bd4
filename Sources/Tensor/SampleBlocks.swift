import COpenBLAS
import Dispatch
import Foundation

/// A split of a convolution's batch into blocks of whole samples that workers own end to end.
///
/// Each block is im2col'd (or col2im'd) and multiplied on one worker with a single-threaded
/// `cblas_sgemm`, so a block's patch matrix is written and read while it is still in that core's
/// cache instead of streaming one huge patch matrix through memory, and no worker waits for
/// another between the copy and the GEMM. Whole samples keep col2im's gathers inside one block.
struct _SampleBlocks {
    /// Samples in each block (the last may hold fewer).
    let samplesPerBlock: Int
    /// Number of blocks.
    let count: Int
    /// Patch rows in one sample.
    let rowsPerSample: Int
    let batch: Int

    /// Patch rows a block aims at: enough for an efficient GEMM, small enough for L2 when patches are short.
    nonisolated(unsafe) static var targetRows = ProcessInfo.processInfo.environment["T2I_BLOCK_ROWS"].flatMap { Int($0) } ?? 256

    /// The plan for `geometry`, or nil when blocking would not help (one block, or an identity 1x1 conv).
    init?(_ geometry: ConvGeometry) {
        guard !geometry.isIdentity, Self.targetRows > 0 else { return nil }
        rowsPerSample = geometry.rowsPerSample
        batch = geometry.batch
        samplesPerBlock = Swift.max(1, (Self.targetRows + rowsPerSample - 1) / rowsPerSample)
        count = (batch + samplesPerBlock - 1) / samplesPerBlock
        guard count >= 2 else { return nil }
    }

    /// Most patch rows in one block.
    var maxRows: Int { samplesPerBlock * rowsPerSample }
    /// Workers that `forEach` uses.
    var workers: Int { Swift.min(TensorThreads.count, count) }

    /// The samples of block `b`.
    func samples(_ b: Int) -> Range<Int> { b * samplesPerBlock..<Swift.min(batch, (b + 1) * samplesPerBlock) }
    /// The patch rows of block `b`.
    func rows(_ b: Int) -> Range<Int> {
        let s = samples(b)
        return s.lowerBound * rowsPerSample..<s.upperBound * rowsPerSample
    }

    /// Runs `body(block, worker)` for every block; worker `w` takes blocks w, w + workers, ... in order,
    /// so a worker's first block is block `w`. OpenBLAS runs single-threaded meanwhile.
    func forEach(_ body: (_ block: Int, _ worker: Int) -> Void) {
        let workers = self.workers, count = self.count
        if workers <= 1 {
            for b in 0..<count { body(b, 0) }
            return
        }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(TensorThreads.count)) }
        withoutActuallyEscaping(body) { body in
            let box = _UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var b = worker
                while b < count {
                    box.value(b, worker)
                    b += workers
                }
            }
        }
    }
}

/// Adds the `workers` partial sums of length `count`, stored `stride` floats apart from `partials`,
/// into `total` in worker order (deterministic for a given worker count).
/// - Complexity: O(workers * count), parallel over elements.
func _addPartials(_ partials: UnsafePointer<Float>, stride: Int, workers: Int, count: Int, into total: inout [Float]) {
    precondition(total.count == count, "partial sum length mismatch")
    let src = _SendableConstPointer(partials)
    total.withUnsafeMutableBufferPointer { t in
        let dst = _SendablePointer(t.baseAddress!)
        _parallelChunks(count, chunk: 1 << 14) { range in
            for w in 0..<workers {
                let p = src.base + w * stride
                for i in range { dst.base[i] += p[i] }
            }
        }
    }
}

/// A float buffer of `count` elements whose contents the caller fully writes in `body`.
func _uninitializedFloats(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { body(buffer.baseAddress!) }
        initialized = count
    }
}
