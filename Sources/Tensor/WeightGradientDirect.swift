import CTensorKernels

/// Weight gradients of the strided convolutions on the AVX-512 outer-product kernel: for every tap
/// of the kernel, dW_tap = Σ over pixels of (input channels) ⊗ (output-gradient channels), summed in
/// registers over a block of samples, read in place from the zero-padded tensors. No patch matrix is
/// written (im2col of a 32x32x32 batch of 64 is 32 MB) and no GEMM packs it again.
enum _DirectWeightGradient {
    /// Input bytes (padded side and plain side) a block of samples aims at, so that both stay in L2
    /// while every tap and channel tile streams over them.
    static let blockBytes = 256 << 10

    /// The fewest pixels per sample (output pixels of a convolution, input pixels of a transposed
    /// one) for which the kernel is used. Below, a block of a few samples is too few pixels to repay
    /// adding each tile into the weight gradient, and the 4x4 layers' weights are large (8 MB per
    /// worker's partial at width 64): measured against im2col + GEMM (fwd+bwd, 2 threads, batch 64),
    /// D's 8->4 and G's 4->8 layers at width 64 ran at 0.88x and 0.81x, so they stay on the GEMM.
    static let minimumPixels = 64

    /// Runs `block(samples, partial, scratch)` over static blocks of whole samples (worker w takes
    /// blocks w, w + workers, ...), each worker adding into its own zeroed partial of `count` floats,
    /// then adds the partials into `gradient` in worker order: the same sums every run for a given
    /// thread count.
    static func accumulate(batch: Int, bytesPerSample: Int, scratchPerWorker: (_ samples: Int) -> Int,
                           count: Int, into gradient: inout [Float],
                           _ block: (_ samples: Range<Int>, _ partial: UnsafeMutablePointer<Float>,
                                     _ scratch: UnsafeMutablePointer<Float>) -> Void) {
        let perBlock = Swift.max(1, Swift.min(batch, blockBytes / Swift.max(1, bytesPerSample)))
        let blocks = (batch + perBlock - 1) / perBlock
        let workers = Swift.min(TensorThreads.count, blocks)
        let scratchCount = Swift.max(1, scratchPerWorker(perBlock))
        var scratch = [Float](repeating: 0, count: workers * scratchCount)
        let partials = _uninitializedFloats(workers * count) { out in
            scratch.withUnsafeMutableBufferPointer { sp in
                let (dst, tmp) = (_SendablePointer(out), _SendablePointer(sp.baseAddress!))
                withoutActuallyEscaping(block) { block in
                    let box = _UncheckedBox(block)
                    // One chunk per worker, so chunk w runs on worker w.
                    _parallelChunks(workers, chunk: 1) { range in
                        for worker in range {
                            let partial = dst.base + worker * count
                            partial.initialize(repeating: 0, count: count)
                            var b = worker
                            while b < blocks {
                                let samples = b * perBlock..<Swift.min(batch, (b + 1) * perBlock)
                                box.value(samples, partial, tmp.base + worker * scratchCount)
                                b += workers
                            }
                        }
                    }
                }
            }
        }
        partials.withUnsafeBufferPointer { pp in
            _addPartials(pp.baseAddress!, stride: count, workers: workers, count: count, into: &gradient)
        }
    }
}

extension Conv2d {
    /// True when the weight gradient of `geometry` runs on the outer-product kernel: not a 1x1
    /// convolution (a plain GEMM on the input, nothing to save), at least `minimumPixels` output
    /// pixels per sample, input channels a multiple of 4 (the RGB layer stays on im2col + GEMM) and
    /// outputs a multiple of 16.
    static func weightGradientUsesDirectKernel(_ geometry: ConvGeometry, out: Int) -> Bool {
        !geometry.isIdentity && geometry.rowsPerSample >= _DirectWeightGradient.minimumPixels
            && t2i_outer_supported(Int32(geometry.channels), Int32(out)) != 0
    }

    /// Adds the weight gradient to `weight.grad` on the outer-product kernel (precondition:
    /// `weightGradientUsesDirectKernel`).
    /// - Complexity: O(N * OH * OW * patch * out), parallel over blocks of samples.
    func weightGradientDirect(_ gradOutput: Tensor, _ input: Tensor, _ g: ConvGeometry) {
        let out = weight.value.shape[3]
        let padded = (g.height + 2 * g.padding) * (g.width + 2 * g.padding) * g.channels
        let (inSample, outSample) = (g.sampleCount, g.rowsPerSample * out)
        input.data.withUnsafeBufferPointer { xp in
            gradOutput.data.withUnsafeBufferPointer { dp in
                let (x, dy) = (_SendableConstPointer(xp.baseAddress!), _SendableConstPointer(dp.baseAddress!))
                _DirectWeightGradient.accumulate(
                    batch: g.batch, bytesPerSample: (padded + outSample) * MemoryLayout<Float>.size,
                    scratchPerWorker: { Int(t2i_conv_weight_grad_scratch_count(Int32($0), Int32(g.height), Int32(g.width),
                                                                               Int32(g.channels), Int32(g.padding))) },
                    count: weight.value.count, into: &weight.grad.data
                ) { samples, partial, scratch in
                    t2i_conv_weight_grad_block(x.base + samples.lowerBound * inSample, Int32(samples.count), Int32(g.height),
                                               Int32(g.width), Int32(g.channels), dy.base + samples.lowerBound * outSample,
                                               Int32(g.kernelH), Int32(g.kernelW), Int32(out), Int32(g.stride),
                                               Int32(g.padding), partial, scratch)
                }
            }
        }
    }
}

extension ConvTranspose2d {
    /// True when the weight gradient runs on the outer-product kernel: a 4x4, stride-2, padding-1
    /// layer (every upsampling layer of G) with at least `minimumPixels` input pixels per sample,
    /// inputs a multiple of 4 and outputs of 16 (G's RGB output layer stays on im2col + GEMM).
    static func weightGradientUsesDirectKernel(_ geometry: ConvGeometry, cin: Int) -> Bool {
        geometry.kernelH == 4 && geometry.kernelW == 4 && geometry.stride == 2 && geometry.padding == 1
            && geometry.rowsPerSample >= _DirectWeightGradient.minimumPixels
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
        input.data.withUnsafeBufferPointer { xp in
            gradOutput.data.withUnsafeBufferPointer { dp in
                let (x, dy) = (_SendableConstPointer(xp.baseAddress!), _SendableConstPointer(dp.baseAddress!))
                _DirectWeightGradient.accumulate(
                    batch: g.batch, bytesPerSample: (padded + inSample) * MemoryLayout<Float>.size,
                    scratchPerWorker: { Int(t2i_conv_transpose_s2_weight_grad_scratch_count(Int32($0), Int32(h), Int32(w),
                                                                                            Int32(out))) },
                    count: weight.value.count, into: &weight.grad.data
                ) { samples, partial, scratch in
                    t2i_conv_transpose_s2_weight_grad_block(x.base + samples.lowerBound * inSample, Int32(samples.count),
                                                            Int32(h), Int32(w), Int32(cin),
                                                            dy.base + samples.lowerBound * outSample, Int32(out),
                                                            partial, scratch)
                }
            }
        }
    }
}
