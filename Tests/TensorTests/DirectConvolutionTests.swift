import Tensor
import Testing

/// Convolutions with 16, 32, 48, 64 or a multiple of 64 outputs run on the direct (no im2col) kernel
/// where the CPU has AVX-512 (elsewhere on im2col + GEMM; either way the answer must be the same).
/// Each case is checked against a plain Double-precision loop over the definition, including
/// rows that leave a short last register tile, packed 64-output slices, several samples per
/// block and short last blocks, rows narrower than a tile (tiles then run over samples, with a
/// short last tile of samples), with 1 and 2 threads. Kept in the
/// serialized suite because it changes the global thread count.
extension DeterminismTests {
    struct DirectCase: Sendable, CustomTestStringConvertible {
        let batch: Int, height: Int, width: Int, cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int
        var testDescription: String {
            "\(cin)->\(cout) \(height)x\(width) k\(kernel) s\(stride) p\(padding) batch \(batch)"
        }
    }

    @Test(arguments: [
        DirectCase(batch: 3, height: 13, width: 11, cin: 3, cout: 32, kernel: 4, stride: 2, padding: 1),
        DirectCase(batch: 2, height: 7, width: 7, cin: 3, cout: 48, kernel: 3, stride: 2, padding: 1),
        DirectCase(batch: 2, height: 9, width: 8, cin: 3, cout: 64, kernel: 4, stride: 2, padding: 1),
        DirectCase(batch: 5, height: 5, width: 6, cin: 2, cout: 16, kernel: 3, stride: 1, padding: 1),
        DirectCase(batch: 1, height: 6, width: 6, cin: 1, cout: 32, kernel: 2, stride: 1, padding: 0),
        DirectCase(batch: 4, height: 8, width: 8, cin: 4, cout: 64, kernel: 4, stride: 2, padding: 2),
        DirectCase(batch: 3, height: 6, width: 10, cin: 20, cout: 128, kernel: 4, stride: 2, padding: 1),
        DirectCase(batch: 7, height: 16, width: 16, cin: 64, cout: 16, kernel: 4, stride: 2, padding: 1),  // 3 per block
        DirectCase(batch: 2, height: 4, width: 4, cin: 160, cout: 64, kernel: 4, stride: 2, padding: 1),  // 32-output slices
        DirectCase(batch: 3, height: 4, width: 4, cin: 24, cout: 32, kernel: 1, stride: 1, padding: 0),   // 1x1
        DirectCase(batch: 2, height: 3, width: 5, cin: 8, cout: 64, kernel: 1, stride: 1, padding: 0),    // 1x1, 7 x 4 + 2 pixels
        DirectCase(batch: 2, height: 10, width: 22, cin: 5, cout: 16, kernel: 4, stride: 2, padding: 1),  // 8 + 3 pixels a row
        DirectCase(batch: 9, height: 8, width: 8, cin: 136, cout: 64, kernel: 4, stride: 2, padding: 1),  // over samples: 8 + 1
    ], [1, 2])
    func directConvolutionMatchesDefinition(_ c: DirectCase, threads: Int) {
        TensorThreads.set(threads)
        defer { TensorThreads.set(1) }
        var gen = SeededGenerator(seed: 21)
        let layer = Conv2d(c.cin, c.cout, kernel: c.kernel, stride: c.stride, padding: c.padding, bias: true,
                           std: 0.3, generator: &gen)
        layer.bias!.value = randomTensor([c.cout], seed: 22)
        let x = randomTensor([c.batch, c.height, c.width, c.cin], seed: 23)
        let y = layer.forward(x)
        let (oh, ow) = ((c.height + 2 * c.padding - c.kernel) / c.stride + 1, (c.width + 2 * c.padding - c.kernel) / c.stride + 1)
        var expected = [Float](repeating: 0, count: c.batch * oh * ow * c.cout)
        let (w, b) = (layer.weight.value.data, layer.bias!.value.data)
        for n in 0..<c.batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for o in 0..<c.cout {
                        var sum = Double(b[o])
                        for ky in 0..<c.kernel {
                            let iy = oy * c.stride - c.padding + ky
                            guard iy >= 0, iy < c.height else { continue }
                            for kx in 0..<c.kernel {
                                let ix = ox * c.stride - c.padding + kx
                                guard ix >= 0, ix < c.width else { continue }
                                for ci in 0..<c.cin {
                                    let xv = Double(x.data[((n * c.height + iy) * c.width + ix) * c.cin + ci])
                                    sum += xv * Double(w[((ky * c.kernel + kx) * c.cin + ci) * c.cout + o])
                                }
                            }
                        }
                        expected[((n * oh + oy) * ow + ox) * c.cout + o] = Float(sum)
                    }
                }
            }
        }
        expectClose(y, Tensor(shape: [c.batch, oh, ow, c.cout], data: expected), "output", relative: 1e-5)
    }
}

/// 4x4, stride 2, padding 1 transposed convolutions with 16-64 outputs (or multiples of 64) run on
/// the phase kernel where the CPU has AVX-512: each case against a Double loop over the definition
/// (every input pixel adds its 4x4 footprint), with rows shorter than, equal to and longer than
/// the register tile, several samples per block and short last blocks, on 1 and 2 threads.
extension DeterminismTests {
    /// One stride-2 layer shape: `batch` samples of `height x width x cin` (the low-resolution side
    /// for a transposed convolution, the image for a convolution), `cout` outputs.
    struct StrideTwoCase: Sendable, CustomTestStringConvertible {
        let batch: Int, height: Int, width: Int, cin: Int, cout: Int
        var testDescription: String { "\(cin)->\(cout) \(height)x\(width) batch \(batch)" }
    }

    @Test(arguments: [
        StrideTwoCase(batch: 3, height: 4, width: 5, cin: 8, cout: 16),
        StrideTwoCase(batch: 2, height: 3, width: 9, cin: 5, cout: 32),
        StrideTwoCase(batch: 2, height: 2, width: 3, cin: 6, cout: 48),
        StrideTwoCase(batch: 5, height: 4, width: 4, cin: 7, cout: 64),
        StrideTwoCase(batch: 4, height: 3, width: 6, cin: 4, cout: 128),
        StrideTwoCase(batch: 70, height: 4, width: 4, cin: 512, cout: 16),  // 3 samples per block, short last block
    ], [1, 2])
    func phaseKernelMatchesDefinition(_ c: StrideTwoCase, threads: Int) {
        TensorThreads.set(threads)
        defer { TensorThreads.set(1) }
        var gen = SeededGenerator(seed: 31)
        let layer = ConvTranspose2d(c.cin, c.cout, kernel: 4, stride: 2, padding: 1, bias: true, std: 0.3, generator: &gen)
        layer.bias!.value = randomTensor([c.cout], seed: 32)
        let x = randomTensor([c.batch, c.height, c.width, c.cin], seed: 33)
        let y = layer.forward(x)
        let (oh, ow) = (2 * c.height, 2 * c.width)
        var expected = [Double](repeating: 0, count: c.batch * oh * ow * c.cout)
        let (w, b) = (layer.weight.value.data, layer.bias!.value.data)
        for n in 0..<c.batch {
            for iy in 0..<c.height {
                for ix in 0..<c.width {
                    for ky in 0..<4 {
                        let oy = 2 * iy - 1 + ky
                        guard oy >= 0, oy < oh else { continue }
                        for kx in 0..<4 {
                            let ox = 2 * ix - 1 + kx
                            guard ox >= 0, ox < ow else { continue }
                            let dst = ((n * oh + oy) * ow + ox) * c.cout
                            for ci in 0..<c.cin {
                                let xv = Double(x.data[((n * c.height + iy) * c.width + ix) * c.cin + ci])
                                let wRow = ((ci * 4 + ky) * 4 + kx) * c.cout
                                for o in 0..<c.cout { expected[dst + o] += xv * Double(w[wRow + o]) }
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<expected.count { expected[i] += Double(b[i % c.cout]) }
        expectClose(y, Tensor(shape: [c.batch, oh, ow, c.cout], data: expected.map { Float($0) }), "output", relative: 1e-5)
    }
}
