import CTensorKernels

extension Conv2d {
    /// True when `geometry` (with `out` output channels) runs on the direct kernel instead of im2col + GEMM:
    /// few input channels, so im2col would copy short runs into a thin GEMM.
    static func usesDirectKernel(_ geometry: ConvGeometry, out: Int) -> Bool {
        geometry.channels <= 4 && !geometry.isIdentity
            && t2i_conv_direct_supported(Int32(geometry.patchSize), Int32(out)) != 0
    }

    /// Forward sample by sample on the direct kernel; idle workers take the next sample, and each
    /// sample's result does not depend on which worker computed it.
    /// - Complexity: O(N * OH * OW * patch * out), parallel over samples.
    func forwardDirect(_ input: Tensor, _ g: ConvGeometry) -> [Float] {
        let out = weight.value.shape[3]
        let blocks = _SampleBlocks(samplesOf: g)
        let perWorker = Int(t2i_conv_direct_scratch_count(Int32(g.height), Int32(g.width), Int32(g.channels),
                                                          Int32(stride), Int32(padding)))
        let (inSample, outSample) = (g.sampleCount, g.rowsPerSample * out)
        return _withBlockBuffers(reading: [input.data, weight.value.data], scratch: &scratch,
                                 scratchCount: blocks.workers * perWorker, outputCount: g.columnRows * out) { p in
            blocks.forEach(dynamic: true) { n, worker in
                t2i_conv_direct_sample(p.inputs[0] + n * inSample, Int32(g.height), Int32(g.width), Int32(g.channels),
                                       p.inputs[1], Int32(g.kernelH), Int32(g.kernelW), Int32(out),
                                       Int32(stride), Int32(padding), p.output + n * outSample,
                                       p.scratch + worker * perWorker)
            }
        }
    }
}
