import CTensorKernels

extension Conv2d {
    /// True when `geometry` (with `out` output channels) runs on the direct kernel instead of im2col +
    /// GEMM: the kernel reads each patch in place (no patch matrix, so no 12-float copies for the RGB
    /// layer) and runs at 100-115 GFLOP/s per core on the GAN's shapes against ~80-100 for the blocked
    /// im2col + single-threaded sgemm. 1x1 convolutions stay a plain GEMM on the input.
    static func usesDirectKernel(_ geometry: ConvGeometry, out: Int) -> Bool {
        !geometry.isIdentity && t2i_conv_direct_supported(Int32(geometry.patchSize), Int32(out)) != 0
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
        let kernelWeight = out > 64 ? packDirectWeight(patch: g.patchSize, out: out) : weight.value.data
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

    /// The current weight as 64-output slices (it changes every optimiser step), packed in parallel.
    private func packDirectWeight(patch: Int, out: Int) -> [Float] {
        weight.value.data.withUnsafeBufferPointer { wp in
            _uninitializedFloats(patch * out) { packed in
                let (src, dst) = (_SendableConstPointer(wp.baseAddress!), _SendablePointer(packed))
                _parallelChunks(out / 64, chunk: 1) { range in
                    for chunk in range { t2i_conv_direct_pack(src.base, Int32(patch), Int32(out), Int32(chunk), dst.base) }
                }
            }
        }
    }
}
