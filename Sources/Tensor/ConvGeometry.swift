/// The index arithmetic shared by convolution and transposed convolution in NHWC.
///
/// The "image" side is the larger spatial grid (a convolution's input, a transposed
/// convolution's output) with `channels` channels; the "column" side has one row per kernel
/// placement (`batch * outHeight * outWidth` rows), each holding a `[kernelH, kernelW, channels]`
/// patch. `im2col` gathers patches; `col2im` is its adjoint (adds patches back).
struct ConvGeometry: Equatable {
    var batch: Int
    var height: Int, width: Int, channels: Int
    var kernelH: Int, kernelW: Int
    var stride: Int, padding: Int

    var outHeight: Int { (height + 2 * padding - kernelH) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernelW) / stride + 1 }
    var columnRows: Int { batch * outHeight * outWidth }
    var patchSize: Int { kernelH * kernelW * channels }
    var imageCount: Int { batch * height * width * channels }
    /// Column rows per sample (kernel placements in one image).
    var rowsPerSample: Int { outHeight * outWidth }
    /// True when the layer's low-resolution side (a convolution's output, a transposed
    /// convolution's input: `rowsPerSample` either way) has at least 8x8 pixels per sample, where
    /// every AVX-512 backward kernel beats im2col + GEMM. On the 4x4 side of G's 4->8 layer the
    /// input gradient on the direct kernel measured 0.90-0.97x (fwd+bwd, 2 threads, batch 64): a
    /// block of a few 4x4 samples re-reads the 2-8 MB weight from L3 for too few pixels.
    /// `Conv2d.inputGradientUsesPhaseKernel` and `suitsWeightGradientKernel` go further down.
    var suitsBackwardKernels: Bool { rowsPerSample >= 64 }

    /// True when the weight gradient of this layer, with `weightCount` weights, runs on the
    /// outer-product kernel: 8x8 or more low-resolution pixels per sample, or 4x4 with a weight of
    /// at most 2 MB (width 32's D 8->4 and G 4->8: 1.22-1.25x and 1.09x fwd+bwd; at width 64 their
    /// 8 MB weights measured 0.93-0.95x, each block of two 4x4 samples adding into an 8 MB partial).
    func suitsWeightGradientKernel(weightCount: Int) -> Bool {
        suitsBackwardKernels || (rowsPerSample >= 16 && weightCount * MemoryLayout<Float>.size <= 2 << 20)
    }
    /// Image elements per sample.
    var sampleCount: Int { height * width * channels }

    /// True when a column matrix is the image itself (1x1 kernel, stride 1, no padding).
    var isIdentity: Bool { kernelH == 1 && kernelW == 1 && stride == 1 && padding == 0 }

    /// Writes the `columnRows x patchSize` patch matrix of `image` into `columns`.
    /// - Complexity: O(columnRows * patchSize), parallel over rows.
    func im2col(_ image: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>) {
        let img = _SendableConstPointer(image), col = _SendablePointer(columns)
        _parallelChunks(columnRows, chunk: _chunkSize(itemCost: patchSize)) { range in
            im2col(rows: range, img.base, col.base + range.lowerBound * patchSize)
        }
    }

    /// Writes patch rows `rows` of `image` into `columns` (which holds row `rows.lowerBound` first), on the
    /// caller's thread.
    /// - Complexity: O(rows.count * patchSize).
    func im2col(rows: Range<Int>, _ image: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>) {
        let (oh, ow, c) = (outHeight, outWidth, channels)
        var dst = columns
        for r in rows {
            let n = r / (oh * ow), oy = (r / ow) % oh, ox = r % ow
            let x0 = ox * stride - padding
            for ky in 0..<kernelH {
                let iy = oy * stride - padding + ky
                guard iy >= 0, iy < height else {
                    dst.update(repeating: 0, count: kernelW * c)
                    dst += kernelW * c
                    continue
                }
                let imageRow = image + (n * height + iy) * width * c
                if x0 >= 0, x0 + kernelW <= width {
                    // The kernel row is one contiguous run of the NHWC image.
                    dst.update(from: imageRow + x0 * c, count: kernelW * c)
                    dst += kernelW * c
                    continue
                }
                for kx in 0..<kernelW {
                    let ix = x0 + kx
                    if ix >= 0, ix < width {
                        dst.update(from: imageRow + ix * c, count: c)
                    } else {
                        dst.update(repeating: 0, count: c)
                    }
                    dst += c
                }
            }
        }
    }

    /// Sets `image` to the sum of the patches in `columns` (the adjoint of `im2col`).
    ///
    /// Each image row gathers the patch entries that land on it in a fixed kernel order, so
    /// the sums are deterministic without atomics.
    /// - Complexity: O(columnRows * patchSize), parallel over image rows.
    func col2im(_ columns: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>) {
        let img = _SendablePointer(image), col = _SendableConstPointer(columns)
        _parallelChunks(batch * height, chunk: _chunkSize(itemCost: width * channels * kernelH * kernelW / (stride * stride))) { range in
            col2im(imageRows: range, col.base, firstSample: 0, img.base)
        }
    }

    /// Sets image rows `imageRows` (indices `n * height + y`) of `image` from `columns`, whose first
    /// row is patch row `firstSample * rowsPerSample`, on the caller's thread.
    ///
    /// The samples of `imageRows` must lie within the samples `columns` holds.
    /// - Complexity: O(imageRows.count * width * kernelH * kernelW * channels / stride²).
    func col2im(imageRows: Range<Int>, _ columns: UnsafePointer<Float>, firstSample: Int,
                _ image: UnsafeMutablePointer<Float>) {
        let (oh, ow, c, k) = (outHeight, outWidth, channels, patchSize)
        for nr in imageRows {
            let n = nr / height - firstSample, iy = nr % height
            let rowBase = image + nr * width * c
            rowBase.update(repeating: 0, count: width * c)
            // Only the taps with (i + padding − k) divisible by the stride land here: they start at
            // (i + padding) mod stride and step by the stride, in ascending order as before (the
            // sums keep their order), without a remainder per tap.
            for ky in Swift.stride(from: (iy + padding) % stride, to: kernelH, by: stride) {
                let ty = iy + padding - ky
                guard ty >= 0 else { break }
                let oy = ty / stride
                guard oy < oh else { continue }
                for ix in 0..<width {
                    let dst = rowBase + ix * c
                    var kx = (ix + padding) % stride
                    while kx < kernelW {
                        let tx = ix + padding - kx
                        guard tx >= 0 else { break }
                        let ox = tx / stride
                        if ox < ow {
                            let src = columns + ((n * oh + oy) * ow + ox) * k + (ky * kernelW + kx) * c
                            for j in 0..<c { dst[j] += src[j] }
                        }
                        kx += stride
                    }
                }
            }
        }
    }
}
