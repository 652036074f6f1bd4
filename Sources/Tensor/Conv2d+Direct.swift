import CTensorKernels

extension Conv2d {
    /// True when `geometry` (with `out` output channels) runs on the direct kernel instead of im2col +
    /// GEMM: the kernel reads each patch in place (no patch matrix, so no 12-float copies for the RGB
    /// layer) and ran at 1.5-3.2x the blocked im2col + sgemm on D's layers with 2 threads.
    ///
    /// Measured limits: weights up to 8 MB. D's 8x8x256 -> 4x4x512 layer at width 64 (8 MB) ran at
    /// 0.58x OpenBLAS while its 4-pixel rows left half of every 8-pixel tile unused; with tiles over
    /// 8 samples at one output position and the padding taps skipped it runs at 1.41x (forward,
    /// 15.4 against 21.8 ms, 2 threads, batch 64). A 1x1 convolution is a plain GEMM on the input
    /// with nothing to save, and won only while its weight was small (384 -> 256: 1.54x;
    /// 640 -> 512: 0.55x), so 1x1 up to 512 KB.
    static func usesDirectKernel(_ geometry: ConvGeometry, out: Int) -> Bool {
        let weightBytes = geometry.patchSize * out * MemoryLayout<Float>.size
        return weightBytes <= (geometry.isIdentity ? 512 << 10 : 8 << 20)
            && t2i_conv_direct_supported(Int32(geometry.patchSize), Int32(out)) != 0
    }

    /// Padded input bytes a direct-kernel block aims at, so that they and a 64-output weight slice
    /// (up to 512 KB) stay in a 1 MB L2 across the block.
    static let directBlockBytes = 256 << 10

    /// Forward on the direct kernel by blocks of samples; idle workers take the next block, and each
    /// block's result does not depend on which worker computed it.
    /// - Complexity: O(N * OH * OW * patch * out), parallel over blocks of samples.
    func forwardDirect(_ input: Tensor, _ g: ConvGeometry) -> [Float] {
        Self.directConvolution(input.data, g, weight: weight.value.data, out: weight.value.shape[3], scratch: &scratch)
    }

    /// The convolution of `input` (NHWC, geometry `g`) with `weight` `[kH, kW, C, out]` on the
    /// direct kernel (precondition: `usesDirectKernel(g, out: out)`); `scratch` grows as needed.
    /// Also the input gradient of a transposed convolution, which is this convolution of its
    /// output gradient (see `ConvTranspose2d.backward`).
    static func directConvolution(_ input: [Float], _ g: ConvGeometry, weight: [Float], out: Int, scratch: inout [Float]) -> [Float] {
        let paddedSample = (g.height + 2 * g.padding) * (g.width + 2 * g.padding) * g.channels * MemoryLayout<Float>.size
        // A 1x1 layer's blocks take microseconds, so there an uneven last round of blocks shows
        // (64 samples of 4x4x384 in blocks of at most 10 on 2 workers: one worker 34 samples, the
        // other 30; even blocks of 8 measured 1.05x). Elsewhere even blocks measured 0.96-1.02x.
        let most = Swift.max(1, directBlockBytes / paddedSample)
        let preferred = g.isIdentity ? _SampleBlocks.evenSize(batch: g.batch, atMost: most) : most
        let perBlock = t2i_conv_direct_block_samples(Int32(g.patchSize), Int32(out), Int32(g.outWidth), Int32(preferred))
        let blocks = _SampleBlocks(samplesOf: g, perBlock: Int(perBlock))
        let perWorker = Int(t2i_conv_direct_scratch_count(perBlock, Int32(g.height), Int32(g.width),
                                                          Int32(g.channels), Int32(g.stride), Int32(g.padding)))
        let (inSample, outSample) = (g.sampleCount, g.rowsPerSample * out)
        let slices = Int(t2i_conv_direct_slices(Int32(g.patchSize), Int32(out)))
        let kernelWeight = slices > 1 ? packDirectWeight(weight, patch: g.patchSize, out: out, slices: slices) : weight
        return _withBlockBuffers(reading: [input, kernelWeight], scratch: &scratch,
                                 scratchCount: blocks.workers * perWorker, outputCount: g.columnRows * out) { p in
            blocks.forEach(dynamic: true) { b, worker in
                let samples = blocks.samples(b)
                t2i_conv_direct_block(p.inputs[0] + samples.lowerBound * inSample, Int32(samples.count),
                                      Int32(g.height), Int32(g.width), Int32(g.channels), p.inputs[1],
                                      Int32(g.kernelH), Int32(g.kernelW), Int32(out), Int32(g.stride), Int32(g.padding),
                                      p.output + samples.lowerBound * outSample, p.scratch + worker * perWorker)
            }
        }
    }

    /// `weight` (it changes every optimiser step) as output slices, packed in parallel.
    private static func packDirectWeight(_ weight: [Float], patch: Int, out: Int, slices: Int) -> [Float] {
        weight.withUnsafeBufferPointer { wp in
            _uninitializedFloats(patch * out) { packed in
                let (src, dst) = (_SendableConstPointer(wp.baseAddress!), _SendablePointer(packed))
                _parallelChunks(slices, chunk: 1) { range in
                    for slice in range { t2i_conv_direct_pack(src.base, Int32(patch), Int32(out), Int32(slice), dst.base) }
                }
            }
        }
    }

    /// True when the input gradient of `geometry` (a 4x4, stride-2, padding-1 convolution of an
    /// even-sized image) can run as a transposed convolution of the output gradient on the phase
    /// kernel: dX[2p−1+ky, 2q−1+kx, c] = Σ dY[p, q, o] · W[ky, kx, c, o], which is the transposed
    /// convolution of dY with the weight W'[o, ky, kx, c]. No gradient-patch matrix, no col2im scatter.
    /// Measured against GEMM + col2im (fwd+bwd, 2 threads, batch 64): 1.05-1.12x on D's 32->16 and
    /// 16->8 layers; on 8->4 (a 4x4 gradient) 0.97-0.98x until the kernel skipped the taps that
    /// read padding (23% of them there), then 1.05-1.07x, so down to 4x4 outputs per sample.
    static func inputGradientUsesPhaseKernel(_ geometry: ConvGeometry) -> Bool {
        geometry.rowsPerSample >= 16
            && geometry.height == 2 * geometry.outHeight && geometry.width == 2 * geometry.outWidth
            && ConvTranspose2d.usesPhaseKernel(geometry, out: geometry.channels)
    }

    /// The input gradient by the phase kernel (precondition: `inputGradientUsesPhaseKernel(g)`).
    /// - Complexity: O(N * H * W * 4 * C * out), parallel over blocks of samples.
    func inputGradientByPhases(_ gradOutput: Tensor, _ g: ConvGeometry) -> Tensor {
        let (c, out) = (g.channels, weight.value.shape[3])
        // W [ky, kx, c, o] -> W' [o, ky, kx, c]: the transposed convolution's [in, kH, kW, out] layout.
        let transposed = _permuted(weight.value.data, rows: 16 * c, columns: out)
        ConvTranspose2d.packPhases(transposed, cin: out, out: c, into: &packedTransposeWeight)
        let dx = ConvTranspose2d.phaseTransposedConvolution(gradOutput.data, batch: g.batch, height: g.outHeight, width: g.outWidth,
                                                            cin: out, out: c, packed: packedTransposeWeight, scratch: &scratch)
        return Tensor(shape: [g.batch, g.height, g.width, c], data: dx)
    }
}

extension Conv2d {
    /// The geometry of the convolution whose output is the input gradient of a stride-1 layer of
    /// geometry `g` with `out` outputs: the output gradient, convolved with padding k − 1 − p.
    static func flippedGradientGeometry(_ g: ConvGeometry, out: Int) -> ConvGeometry {
        ConvGeometry(batch: g.batch, height: g.outHeight, width: g.outWidth, channels: out,
                     kernelH: g.kernelH, kernelW: g.kernelW, stride: 1, padding: g.kernelH - 1 - g.padding)
    }

    /// True when the input gradient of `geometry` (a stride-1 convolution with a square kernel,
    /// other than 1x1, and padding p ≤ k − 1) runs on the direct forward kernel: dX[y, x, c] =
    /// Σ dY[y − p + ky, x − p + kx, o] · W[ky, kx, c, o] is the stride-1 convolution of dY with
    /// padding k − 1 − p and the weight W'[k − 1 − ky, k − 1 − kx, o, c]. No gradient-patch matrix,
    /// no col2im scatter (which adds every pixel's k² contributions one patch at a time).
    /// Measured on D's 3x3 conv at 32x32 (fwd+bwd, 2 threads, batch 64): see docs/tensor.md.
    static func inputGradientUsesFlippedKernel(_ geometry: ConvGeometry, out: Int) -> Bool {
        geometry.stride == 1 && geometry.kernelH == geometry.kernelW && !geometry.isIdentity
            && geometry.padding <= geometry.kernelH - 1
            && usesDirectKernel(flippedGradientGeometry(geometry, out: out), out: geometry.channels)
    }

    /// The input gradient by the direct kernel (precondition: `inputGradientUsesFlippedKernel(g, out:)`).
    /// - Complexity: O(N * H * W * k² * C * out), parallel over blocks of samples.
    func inputGradientByFlippedKernel(_ gradOutput: Tensor, _ g: ConvGeometry) -> Tensor {
        let (k, c, out) = (g.kernelH, g.channels, weight.value.shape[3])
        let flipped = Self.flippedTransposed(weight.value.data, kernel: k, inChannels: c, outChannels: out)
        let dx = Self.directConvolution(gradOutput.data, Self.flippedGradientGeometry(g, out: out), weight: flipped,
                                        out: c, scratch: &scratch)
        return Tensor(shape: [g.batch, g.height, g.width, c], data: dx)
    }

    /// W [ky, kx, c, o] (`kernel` x `kernel`) -> W' [k − 1 − ky, k − 1 − kx, o, c].
    /// - Complexity: O(k² * c * out).
    static func flippedTransposed(_ weight: [Float], kernel k: Int, inChannels c: Int, outChannels out: Int) -> [Float] {
        weight.withUnsafeBufferPointer { wp in
            _uninitializedFloats(k * k * c * out) { result in
                let w = wp.baseAddress!
                for tap in 0..<(k * k) {
                    let (from, to) = (w + tap * c * out, result + (k * k - 1 - tap) * out * c)
                    for ci in 0..<c {
                        for o in 0..<out { to[o * c + ci] = from[ci * out + o] }
                    }
                }
            }
        }
    }
}

/// The `columns x rows` transpose of the row-major `rows x columns` matrix `matrix`.
/// - Complexity: O(rows * columns), parallel over output rows.
func _permuted(_ matrix: [Float], rows: Int, columns: Int) -> [Float] {
    precondition(matrix.count == rows * columns, "transpose shape mismatch")
    return matrix.withUnsafeBufferPointer { mp in
        _uninitializedFloats(rows * columns) { out in
            let (src, dst) = (_SendableConstPointer(mp.baseAddress!), _SendablePointer(out))
            _parallelChunks(columns, chunk: _chunkSize(itemCost: rows)) { range in
                for j in range {
                    for i in 0..<rows { dst.base[j * rows + i] = src.base[i * columns + j] }
                }
            }
        }
    }
}
