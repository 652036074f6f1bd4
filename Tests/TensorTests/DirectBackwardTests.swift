import Tensor
import Testing

/// The input gradients of 4x4, stride-2, padding-1 convolutions (on the phase kernel down to a 4x4
/// output gradient) and of transposed convolutions (on the direct kernel where the gradient has at
/// least 8x8 pixels), elsewhere on GEMM + col2im, where the CPU has AVX-512; and their weight
/// gradients (on the outer-product kernel where the input channels are a multiple of 4, the outputs
/// of 16, and the low-resolution side has 8x8 pixels or 4x4 with at most 2 MB of weight; elsewhere
/// on im2col + GEMM). Either way each case must match a Double loop over the definition, on 1 and 2 threads,
/// including several samples per block and batches that the layers split into sample blocks.
extension DeterminismTests {
    /// `layer` forward on a random input of `shape` (seed `seed`), then backward on a random
    /// output gradient (seed `seed + 1`).
    private func backwardPass(_ layer: any Layer, input shape: [Int], seed: UInt64) -> (x: Tensor, dy: Tensor, dx: Tensor) {
        let x = randomTensor(shape, seed: seed)
        let dy = randomTensor(layer.forward(x).shape, seed: seed + 1)
        return (x, dy, layer.backward(dy))
    }

    @Test(arguments: [
        StrideTwoCase(batch: 3, height: 16, width: 16, cin: 16, cout: 24),
        StrideTwoCase(batch: 2, height: 8, width: 40, cin: 32, cout: 8),
        StrideTwoCase(batch: 2, height: 18, width: 16, cin: 48, cout: 16),
        StrideTwoCase(batch: 2, height: 16, width: 16, cin: 64, cout: 32),
        StrideTwoCase(batch: 9, height: 16, width: 16, cin: 32, cout: 64),  // blocked weight gradient
        StrideTwoCase(batch: 2, height: 8, width: 8, cin: 64, cout: 128),   // a 4x4 gradient: kernels
        StrideTwoCase(batch: 1, height: 8, width: 8, cin: 128, cout: 288),  // 4x4 and 2.3 MB of weight: dW on GEMM
        StrideTwoCase(batch: 3, height: 16, width: 16, cin: 12, cout: 48),  // dW tiles of 4 inputs x 48 outputs
        StrideTwoCase(batch: 3, height: 16, width: 16, cin: 3, cout: 32),   // RGB input: dW on im2col + GEMM
    ], [1, 2])
    func convolutionGradientsMatchDefinition(_ c: StrideTwoCase, threads: Int) {
        TensorThreads.set(threads)
        defer { TensorThreads.set(1) }
        var gen = SeededGenerator(seed: 41)
        let layer = Conv2d(c.cin, c.cout, kernel: 4, stride: 2, padding: 1, std: 0.3, generator: &gen)
        let (x, dy, dx) = backwardPass(layer, input: [c.batch, c.height, c.width, c.cin], seed: 42)
        let expected = convolutionGradientsByDefinition(x: x, dy: dy, weight: layer.weight.value, stride: 2, padding: 1)
        expectClose(dx, expected.dx, "dX", relative: 1e-5)
        expectClose(layer.weight.grad, expected.dw, "dW", relative: 1e-5)
    }

    @Test(arguments: [
        StrideTwoCase(batch: 3, height: 8, width: 8, cin: 16, cout: 8),
        StrideTwoCase(batch: 2, height: 9, width: 8, cin: 32, cout: 3),
        StrideTwoCase(batch: 2, height: 8, width: 10, cin: 48, cout: 16),
        StrideTwoCase(batch: 2, height: 8, width: 8, cin: 128, cout: 32),
        StrideTwoCase(batch: 9, height: 8, width: 8, cin: 64, cout: 32),  // blocked weight gradient
        StrideTwoCase(batch: 2, height: 4, width: 4, cin: 64, cout: 32),  // a 4x4 gradient: GEMM; dW on the kernel
        StrideTwoCase(batch: 1, height: 4, width: 4, cin: 320, cout: 128),  // 4x4 and 2.6 MB of weight: dW on GEMM too
        StrideTwoCase(batch: 3, height: 8, width: 8, cin: 20, cout: 64),  // dW tiles of 4 inputs x 64 outputs
        StrideTwoCase(batch: 4, height: 8, width: 9, cin: 8, cout: 48),   // dW tiles of 8 inputs x 48 outputs
    ], [1, 2])
    func transposedConvolutionGradientsMatchDefinition(_ c: StrideTwoCase, threads: Int) {
        TensorThreads.set(threads)
        defer { TensorThreads.set(1) }
        var gen = SeededGenerator(seed: 51)
        let layer = ConvTranspose2d(c.cin, c.cout, kernel: 4, stride: 2, padding: 1, std: 0.3, generator: &gen)
        let (x, dy, dx) = backwardPass(layer, input: [c.batch, c.height, c.width, c.cin], seed: 52)
        let (oh, ow) = (2 * c.height, 2 * c.width)
        // dX[n, iy, ix, ci] = Σ dY[n, oy, ox, o] · W[ci, ky, kx, o] and
        // dW[ci, ky, kx, o] = Σ X[n, iy, ix, ci] · dY[n, oy, ox, o] over oy = 2iy - 1 + ky, ox = 2ix - 1 + kx.
        var expected = [Double](repeating: 0, count: c.batch * c.height * c.width * c.cin)
        var expectedW = [Double](repeating: 0, count: 16 * c.cin * c.cout)
        let w = layer.weight.value.data
        for n in 0..<c.batch {
            for iy in 0..<c.height {
                for ix in 0..<c.width {
                    for ci in 0..<c.cin {
                        var s = 0.0
                        let xv = Double(x.data[((n * c.height + iy) * c.width + ix) * c.cin + ci])
                        for ky in 0..<4 {
                            let oy = 2 * iy - 1 + ky
                            guard oy >= 0, oy < oh else { continue }
                            for kx in 0..<4 {
                                let ox = 2 * ix - 1 + kx
                                guard ox >= 0, ox < ow else { continue }
                                for o in 0..<c.cout {
                                    let g = Double(dy.data[((n * oh + oy) * ow + ox) * c.cout + o])
                                    s += g * Double(w[((ci * 4 + ky) * 4 + kx) * c.cout + o])
                                    expectedW[((ci * 4 + ky) * 4 + kx) * c.cout + o] += xv * g
                                }
                            }
                        }
                        expected[((n * c.height + iy) * c.width + ix) * c.cin + ci] = s
                    }
                }
            }
        }
        expectClose(dx, Tensor(shape: [c.batch, c.height, c.width, c.cin], data: expected.map { Float($0) }), "dX", relative: 1e-5)
        expectClose(layer.weight.grad, Tensor(shape: layer.weight.value.shape, data: expectedW.map { Float($0) }), "dW", relative: 1e-5)
    }
}
