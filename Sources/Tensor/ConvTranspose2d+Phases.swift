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
        let (h, w) = (g.outHeight, g.outWidth)
        packPhaseWeight(cin: cin, out: out)
        let paddedSample = (h + 2) * (w + 2) * cin * MemoryLayout<Float>.size
        let blocks = _SampleBlocks(samplesOf: g, perBlock: Swift.max(1, Self.phaseBlockBytes / paddedSample))
        let perWorker = Int(t2i_conv_transpose_s2_scratch_count(Int32(blocks.samplesPerBlock), Int32(h), Int32(w),
                                                                Int32(cin)))
        let (inSample, outSample) = (h * w * cin, g.sampleCount)
        return _withBlockBuffers(reading: [input.data, packedWeight], scratch: &scratch,
                                 scratchCount: blocks.workers * perWorker, outputCount: g.imageCount) { p in
            blocks.forEach(dynamic: true) { b, worker in
                let samples = blocks.samples(b)
                t2i_conv_transpose_s2_block(p.inputs[0] + samples.lowerBound * inSample, Int32(samples.count),
                                            Int32(h), Int32(w), Int32(cin), p.inputs[1], Int32(out),
                                            p.output + samples.lowerBound * outSample, p.scratch + worker * perWorker)
            }
        }
    }

    /// Rearranges the current weight for the phase kernel (it changes every optimiser step), in parallel units.
    private func packPhaseWeight(cin: Int, out: Int) {
        if packedWeight.count != weight.value.count { packedWeight = [Float](repeating: 0, count: weight.value.count) }
        let units = Int(t2i_conv_transpose_s2_pack_units(Int32(out)))
        weight.value.data.withUnsafeBufferPointer { wp in
            packedWeight.withUnsafeMutableBufferPointer { pp in
                let (src, dst) = (_SendableConstPointer(wp.baseAddress!), _SendablePointer(pp.baseAddress!))
                _parallelChunks(units, chunk: 1) { range in
                    for unit in range { t2i_conv_transpose_s2_pack(src.base, Int32(cin), Int32(out), Int32(unit), dst.base) }
                }
            }
        }
    }
}
