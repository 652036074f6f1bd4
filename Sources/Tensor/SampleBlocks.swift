import COpenBLAS
import Dispatch
import Synchronization

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

    /// The fewest patch rows a block aims at: enough rows for an efficient single-threaded GEMM.
    static let minimumRows = 256

    /// The plan for `geometry`, or nil when blocking would not help (one block, or an identity 1x1 conv).
    ///
    /// A block holds at least `minimumRows` patch rows, and at least a quarter of the patch length so
    /// that long patches (hence large weights, which every GEMM call packs again) are multiplied
    /// with enough rows to amortise the packing; shapes that then make a single block keep the plain path.
    init?(_ geometry: ConvGeometry) {
        guard !geometry.isIdentity else { return nil }
        rowsPerSample = geometry.rowsPerSample
        batch = geometry.batch
        let target = Swift.max(Self.minimumRows, geometry.patchSize / 4)
        samplesPerBlock = Swift.max(1, (target + rowsPerSample - 1) / rowsPerSample)
        count = (batch + samplesPerBlock - 1) / samplesPerBlock
        guard count >= 2 else { return nil }
    }

    /// Blocks of `samplesPerBlock` samples (capped at the batch), for kernels that choose their own
    /// block size; usable even for a single block.
    init(samplesOf geometry: ConvGeometry, perBlock samplesPerBlock: Int = 1) {
        precondition(samplesPerBlock > 0, "empty sample blocks")
        rowsPerSample = geometry.rowsPerSample
        batch = geometry.batch
        self.samplesPerBlock = Swift.min(samplesPerBlock, Swift.max(batch, 1))
        count = (batch + self.samplesPerBlock - 1) / self.samplesPerBlock
    }

    /// The block size of at most `most` samples that splits `batch` most evenly over the workers:
    /// the fewest rounds of one block per worker, then blocks as equal as they come (64 in blocks
    /// of at most 10 on 2 workers: 8 blocks of 8, not 6 of 10 and one of 4).
    static func evenSize(batch: Int, atMost most: Int) -> Int {
        let slots = Swift.max(1, TensorThreads.count), rounds = (batch + slots * most - 1) / (slots * most)
        return rounds > 0 ? Swift.min(most, (batch + slots * rounds - 1) / (slots * rounds)) : most
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

    /// Runs `body(block, worker)` for every block while OpenBLAS runs single-threaded.
    ///
    /// With `dynamic`, idle workers take the next unclaimed block, which keeps both cores busy when
    /// another process holds one of them; use it only when the result cannot depend on which worker
    /// ran a block. Otherwise worker `w` takes blocks w, w + workers, ... in order (its first block is
    /// block `w`), so per-worker partial sums are the same every run.
    func forEach(dynamic: Bool = false, _ body: (_ block: Int, _ worker: Int) -> Void) {
        let workers = self.workers, count = self.count
        if workers <= 1 {
            for b in 0..<count { body(b, 0) }
            return
        }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(TensorThreads.count)) }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            let box = _UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                if dynamic {
                    while true {
                        let b = next.add(1, ordering: .relaxed).oldValue
                        guard b < count else { break }
                        box.value(b, worker)
                    }
                } else {
                    var b = worker
                    while b < count {
                        box.value(b, worker)
                        b += workers
                    }
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

/// Raw pointers a layer pass lends its workers: the arrays it reads (in the order given), its
/// scratch buffer (a blocked convolution's padded inputs, batch norm's x̂) and the output it fills.
/// Workers read the inputs and write disjoint parts of the scratch and of the output.
struct _BlockBuffers: @unchecked Sendable {
    let inputs: [UnsafePointer<Float>]
    let scratch: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
}

/// Runs `body` with pointers to `inputs`, to `scratch` (grown to at least `scratchCount` floats) and to
/// a new array of `outputCount` floats, which it returns; `body` must write every output element.
func _withBlockBuffers(reading inputs: [[Float]], scratch: inout [Float], scratchCount: Int, outputCount: Int,
                       _ body: (_BlockBuffers) -> Void) -> [Float] {
    if scratch.count < scratchCount { scratch = [Float](repeating: 0, count: scratchCount) }
    return _uninitializedFloats(outputCount) { output in
        scratch.withUnsafeMutableBufferPointer { sp in
            func lend(_ i: Int, _ lent: [UnsafePointer<Float>]) {
                guard i < inputs.count else {
                    return body(_BlockBuffers(inputs: lent, scratch: sp.baseAddress!, output: output))
                }
                inputs[i].withUnsafeBufferPointer { lend(i + 1, lent + [$0.baseAddress!]) }
            }
            lend(0, [])
        }
    }
}
