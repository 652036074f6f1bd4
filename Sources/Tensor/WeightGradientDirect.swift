import CTensorKernels

/// Weight gradients of the strided convolutions on the AVX-512 outer-product kernel: for every tap
/// of the kernel, dW_tap = Σ over pixels of (input channels) ⊗ (output-gradient channels), summed in
/// registers over a block of samples, read in place from the zero-padded tensors. No patch matrix is
/// written (im2col of a 32x32x32 batch of 64 is 32 MB) and no GEMM packs it again.
enum _DirectWeightGradient {
    /// Input bytes (padded side and plain side) a block of samples aims at, so that both stay in L2
    /// while every tap and channel tile streams over them.
    static let blockBytes = 256 << 10

    /// Runs `block(samples, inputs, partial, scratch)` over blocks of whole samples of `g` in the
    /// static order of `_SampleBlocks.forEach` (worker w takes blocks w, w + workers, ...), each
    /// worker adding into its own partial (zeroed at its first block) and using its part of the
    /// layer's `scratch`; then adds the partials into `gradient` in worker order: the same sums
    /// every run for a given thread count.
    static func accumulate(_ g: ConvGeometry, bytesPerSample: Int, scratchPerWorker: (_ samples: Int) -> Int,
                           reading inputs: [[Float]], scratch: inout [Float], into gradient: inout [Float],
                           _ block: (_ samples: Range<Int>, _ inputs: [UnsafePointer<Float>],
                                     _ partial: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>) -> Void) {
        let blocks = _SampleBlocks(samplesOf: g, perBlock: Swift.max(1, blockBytes / Swift.max(1, bytesPerSample)))
        let (perWorker, count) = (scratchPerWorker(blocks.samplesPerBlock), gradient.count)
        let partials = _withBlockBuffers(reading: inputs, scratch: &scratch, scratchCount: blocks.workers * perWorker,
                                         outputCount: blocks.workers * count) { p in
            blocks.forEach { b, worker in
                let partial = p.output + worker * count
                if b == worker { partial.initialize(repeating: 0, count: count) }
                block(blocks.samples(b), p.inputs, partial, p.scratch + worker * perWorker)
            }
        }
        partials.withUnsafeBufferPointer { pp in
            _addPartials(pp.baseAddress!, stride: count, workers: blocks.workers, count: count, into: &gradient)
        }
    }
}

extension Conv2d {
    /// True when the weight gradient of `geometry` runs on the outer-product kernel: not a 1x1
    /// convolution (a plain GEMM on the input, nothing to save), enough output pixels per sample
    /// for its weight size (`ConvGeometry.suitsWeightGradientKernel`), input channels a multiple of
    /// 4 (the RGB layer stays on im2col + GEMM) and outputs a multiple of 16.
    static func weightGradientUsesDirectKernel(_ geometry: ConvGeometry, out: Int) -> Bool {
        !geometry.isIdentity && geometry.suitsWeightGradientKernel(weightCount: geometry.patchSize * out)
            && t2i_outer_supported(Int32(geometry.channels), Int32(out)) != 0
    }

    /// Adds the weight gradient to `weight.grad` on the outer-product kernel (precondition:
    /// `weightGradientUsesDirectKernel`).
    /// - Complexity: O(N * OH * OW * patch * out), parallel over blocks of samples.
    func weightGradientDirect(_ gradOutput: Tensor, _ input: Tensor, _ g: ConvGeometry) {
        let out = weight.value.shape[3]
        let padded = (g.height + 2 * g.padding) * (g.width + 2 * g.padding) * g.channels
        let (inSample, outSample) = (g.sampleCount, g.rowsPerSample * out)
        _DirectWeightGradient.accumulate(
            g, bytesPerSample: (padded + outSample) * MemoryLayout<Float>.size,
            scratchPerWorker: { Int(t2i_conv_weight_grad_scratch_count(Int32($0), Int32(g.height), Int32(g.width),
                                                                       Int32(g.channels), Int32(g.padding))) },
            reading: [input.data, gradOutput.data], scratch: &scratch, into: &weight.grad.data
        ) { samples, inputs, partial, scratch in
            t2i_conv_weight_grad_block(inputs[0] + samples.lowerBound * inSample, Int32(samples.count), Int32(g.height),
                                       Int32(g.width), Int32(g.channels), inputs[1] + samples.lowerBound * outSample,
                                       Int32(g.kernelH), Int32(g.kernelW), Int32(out), Int32(g.stride),
                                       Int32(g.padding), partial, scratch)
        }
    }
}

extension ConvTranspose2d {
    /// True when the weight gradient runs on the outer-product kernel: a 4x4, stride-2, padding-1
    /// layer (every upsampling layer of G) with enough input pixels per sample for its weight size
    /// (`ConvGeometry.suitsWeightGradientKernel`), inputs a multiple of 4 and outputs of 16 (G's RGB
    /// output layer stays on im2col + GEMM).
    static func weightGradientUsesDirectKernel(_ geometry: ConvGeometry, cin: Int) -> Bool {
        geometry.kernelH == 4 && geometry.kernelW == 4 && geometry.stride == 2 && geometry.padding == 1
            && geometry.suitsWeightGradientKernel(weightCount: cin * 16 * geometry.channels)
            && geometry.height == 2 * geometry.outHeight && geometry.width == 2 * geometry.outWidth
            && t2i_outer_supported(Int32(cin), Int32(geometry.channels)) != 0
    }

    /// Adds the weight gradient to `weight.grad` on the outer-product kernel (precondition:
    /// `weightGradientUsesDirectKernel`); `g` is the output's geometry.
    /// - Complexity: O(N * H * W * 16 * in * out), parallel over blocks of samples.
    func weightGradientDirect(_ gradOutput: Tensor, _ input: Tensor, _ g: ConvGeometry) {
        let cin = weight.value.shape[0]
        let (h, w, out) = (g.outHeight, g.outWidth, g.channels)
        let padded = (g.height + 2) * (g.width + 2) * out
        let (inSample, outSample) = (h * w * cin, g.sampleCount)
        _DirectWeightGradient.accumulate(
            g, bytesPerSample: (padded + inSample) * MemoryLayout<Float>.size,
            scratchPerWorker: { Int(t2i_conv_transpose_s2_weight_grad_scratch_count(Int32($0), Int32(h), Int32(w), Int32(out))) },
            reading: [input.data, gradOutput.data], scratch: &scratch, into: &weight.grad.data
        ) { samples, inputs, partial, scratch in
            t2i_conv_transpose_s2_weight_grad_block(inputs[0] + samples.lowerBound * inSample, Int32(samples.count),
                                                    Int32(h), Int32(w), Int32(cin),
                                                    inputs[1] + samples.lowerBound * outSample, Int32(out),
                                                    partial, scratch)
        }
    }
}
