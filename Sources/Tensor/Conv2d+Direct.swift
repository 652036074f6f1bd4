import CTensorKernels

extension Conv2d {
    /// True when `geometry` (with `out` output channels) runs on the direct kernel instead of im2col +
    /// GEMM: the kernel reads each patch in place (no patch matrix, so no 12-float copies for the RGB
    /// layer) and ran at 1.5-3.2x the blocked im2col + sgemm on D's layers with 2 threads.
    ///
    /// Measured limits: blocks of a few small samples re-read the weight from L3 for every block, so
    /// weights over 2 MB (D's 8x8x256 -> 4x4x512 at width 64: 0.58x) stay on OpenBLAS; a 1x1
    /// convolution is a plain GEMM on the input with nothing to save, and won only while its weight
    /// was small (384 -> 256: 1.54x; 640 -> 512: 0.55x), so 1x1 up to 512 KB.
    static func usesDirectKernel(_ geometry: ConvGeometry, out: Int) -> Bool {
        let weightBytes = geometry.patchSize * out * MemoryLayout<Float>.size
        return weightBytes <= (geometry.isIdentity ? 512 << 10 : 2 << 20)
            && t2i_conv_direct_supported(Int32(geometry.patchSize), Int32(out)) != 0
    }

    /// Padded input bytes a direct-kernel block aims at, so that they and a 64-output weight slice
    /// (up to 512 KB) stay in a 1 MB L2 across the block.
    static let directBlockBytes = 256 << 10

    /// Forward on the direct kernel by blocks of samples; idle workers take the next block, and each
    /// block's result does not depend on which worker computed it.
    /// - Complexity: O(N * OH * OW * patch * out), parallel over blocks of samples.
    func forwardDirect(_ input: Tensor, _ g: ConvGeometry) -> [Float] {
        let out = weight.value.shape[3]
        let paddedSample = (g.height + 2 * padding) * (g.width + 2 * padding) * g.channels * MemoryLayout<Float>.size
        let blocks = _SampleBlocks(samplesOf: g, perBlock: Swift.max(1, Self.directBlockBytes / paddedSample))
        let perWorker = Int(t2i_conv_direct_scratch_count(Int32(blocks.samplesPerBlock), Int32(g.height), Int32(g.width),
                                                          Int32(g.channels), Int32(stride), Int32(padding)))
        let (inSample, outSample) = (g.sampleCount, g.rowsPerSample * out)
        let slices = Int(t2i_conv_direct_slices(Int32(g.patchSize), Int32(out)))
        let kernelWeight = slices > 1 ? packDirectWeight(patch: g.patchSize, out: out, slices: slices) : weight.value.data
        return _withBlockBuffers(reading: [input.data, kernelWeight], scratch: &scratch,
                                 scratchCount: blocks.workers * perWorker, outputCount: g.columnRows * out) { p in
            blocks.forEach(dynamic: true) { b, worker in
                let samples = blocks.samples(b)
                t2i_conv_direct_block(p.inputs[0] + samples.lowerBound * inSample, Int32(samples.count),
                                      Int32(g.height), Int32(g.width), Int32(g.channels), p.inputs[1],
                                      Int32(g.kernelH), Int32(g.kernelW), Int32(out), Int32(stride), Int32(padding),
                                      p.output + samples.lowerBound * outSample, p.scratch + worker * perWorker)
            }
        }
    }

    /// The current weight as output slices (it changes every optimiser step), packed in parallel.
    private func packDirectWeight(patch: Int, out: Int, slices: Int) -> [Float] {
        weight.value.data.withUnsafeBufferPointer { wp in
            _uninitializedFloats(patch * out) { packed in
                let (src, dst) = (_SendableConstPointer(wp.baseAddress!), _SendablePointer(packed))
                _parallelChunks(slices, chunk: 1) { range in
                    for slice in range { t2i_conv_direct_pack(src.base, Int32(patch), Int32(out), Int32(slice), dst.base) }
                }
            }
        }
    }
}
