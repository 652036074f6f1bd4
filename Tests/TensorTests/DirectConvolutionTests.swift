import Tensor
import Testing

/// Convolutions with few input channels and 16-64 outputs run on the direct (no im2col) kernel
/// where the CPU has AVX-512 (elsewhere on im2col + GEMM; either way the answer must be the same).
/// Each case is checked against a plain Double-precision loop over the definition, including
/// pixel counts that leave a short last register tile, with 1 and 2 threads. Kept in the
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
