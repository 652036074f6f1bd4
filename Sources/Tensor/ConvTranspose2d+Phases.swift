import CTensorKernels

extension ConvTranspose2d {
    /// True when `geometry` runs on the phase kernel: a 4x4, stride 2, padding 1 transposed convolution
    /// (every upsampling layer of G) is four 2x2 convolutions, one per output phase (oy % 2, ox % 2),
    /// each writing its output pixels once, instead of a GEMM into columns and a col2im scatter.
    static func usesPhaseKernel(_ geometry: ConvGeometry, out: Int) -> Bool {
        geometry.kernelH == 4 && geometry.kernelW == 4 && geometry.stride == 2 && geometry.padding == 1
            && t2i_conv_transpose_s2_supported(Int32(out)) != 0
    }

    /// Padded input bytes a phase-kernel block aims at: with a 64-output slice of the weight (up to
    /// 512 KB at 512 inputs) they stay in a 1 MB L2 across the block (measured: 32 samples of G's
    /// 4x4x512 input ran at 88 GFLOP/s, 2-8 samples at 103-106).
    static let phaseBlockBytes = 256 << 10

    /// Forward on the phase kernel, by blocks of samples (idle workers take the next block; each
    /// block's result does not depend on which worker computed it).
    /// - Complexity: O(N * H * W * 16 * in * out), parallel over blocks of samples.
    func forwardPhases(_ input: Tensor, _ g: ConvGeometry) -> [Float] {
        let (cin, out) = (weight.value.shape[0], g.channels)
        Self.packPhases(weight.value.data, cin: cin, out: out, into: &packedWeight)
        return Self.phaseTransposedConvolution(input.data, batch: g.batch, height: g.outHeight, width: g.outWidth,
                                               cin: cin, out: out, packed: packedWeight, scratch: &scratch)
    }

    /// The 4x4, stride-2, padding-1 transposed convolution of `input` `[batch, height, width, cin]`
    /// into `[batch, 2 height, 2 width, out]` with a weight packed by `packPhases`; `scratch` grows
    /// as needed. Also the input gradient of such a convolution (see `Conv2d.inputGradientByPhases`).
    static func phaseTransposedConvolution(_ input: [Float], batch: Int, height h: Int, width w: Int, cin: Int, out: Int,
                                           packed: [Float], scratch: inout [Float]) -> [Float] {
        let g = ConvGeometry(batch: batch, height: 2 * h, width: 2 * w, channels: out, kernelH: 4, kernelW: 4, stride: 2, padding: 1)
        let paddedSample = (h + 2) * (w + 2) * cin * MemoryLayout<Float>.size
        let blocks = _SampleBlocks(samplesOf: g, perBlock: Swift.max(1, phaseBlockBytes / paddedSample))
        let perWorker = Int(t2i_conv_transpose_s2_scratch_count(Int32(blocks.samplesPerBlock), Int32(h), Int32(w),
                                                                Int32(cin)))
        let (inSample, outSample) = (h * w * cin, g.sampleCount)
        return _withBlockBuffers(reading: [input, packed], scratch: &scratch,
                                 scratchCount: blocks.workers * perWorker, outputCount: g.imageCount) { p in
            blocks.forEach(dynamic: true) { b, worker in
                let samples = blocks.samples(b)
                t2i_conv_transpose_s2_block(p.inputs[0] + samples.lowerBound * inSample, Int32(samples.count),
                                            Int32(h), Int32(w), Int32(cin), p.inputs[1], Int32(out),
                                            p.output + samples.lowerBound * outSample, p.scratch + worker * perWorker)
            }
        }
    }

    /// Rearranges `weight` `[cin, 4, 4, out]` (it changes every optimiser step) for the phase kernel
    /// into `packed`, in parallel units.
    static func packPhases(_ weight: [Float], cin: Int, out: Int, into packed: inout [Float]) {
        if packed.count != weight.count { packed = [Float](repeating: 0, count: weight.count) }
        let units = Int(t2i_conv_transpose_s2_pack_units(Int32(out)))
        weight.withUnsafeBufferPointer { wp in
            packed.withUnsafeMutableBufferPointer { pp in
                let (src, dst) = (_SendableConstPointer(wp.baseAddress!), _SendablePointer(pp.baseAddress!))
                _parallelChunks(units, chunk: 1) { range in
                    for unit in range { t2i_conv_transpose_s2_pack(src.base, Int32(cin), Int32(out), Int32(unit), dst.base) }
                }
            }
        }
    }

    /// True when the input gradient runs on the direct convolution kernel: it is the convolution of
    /// dY with the weight W''[ky, kx, o, c] = W[c, ky, kx, o] over this layer's output geometry.
    /// Measured against GEMM (fwd+bwd, 2 threads, batch 64): 1.03-1.07x on G's 8->16, 16->32 and
    /// 32->64 layers, 0.97x on 4->8 (a 4x4 input gradient), which therefore stays on the GEMM.
    static func inputGradientUsesDirectKernel(_ geometry: ConvGeometry, cin: Int) -> Bool {
        geometry.suitsBackwardKernels && Conv2d.usesDirectKernel(geometry, out: cin)
    }

    /// The input gradient on the direct kernel (precondition: `inputGradientUsesDirectKernel`).
    /// - Complexity: O(N * H * W * 16 * in * out), parallel over blocks of samples.
    func inputGradientDirect(_ gradOutput: Tensor, _ g: ConvGeometry, inputShape: [Int]) -> Tensor {
        let cin = weight.value.shape[0]
        // W [c, ky, kx, o] -> W'' [ky, kx, o, c]: the convolution's [kH, kW, C, out] layout.
        let transposed = _permuted(weight.value.data, rows: cin, columns: weight.value.count / cin)
        return Tensor(shape: inputShape, data: Conv2d.directConvolution(gradOutput.data, g, weight: transposed, out: cin, scratch: &scratch))
    }
}
