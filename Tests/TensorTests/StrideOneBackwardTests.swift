import Tensor
import Testing

/// The gradients of stride-1 convolutions (D's 3x3 conv at 32x32 under `discriminatorRefine`). The
/// input gradient runs on the direct forward kernel with the flipped, transposed weight where the
/// CPU has AVX-512 and the layer's input channels are a multiple of 16 (elsewhere on GEMM + col2im);
/// either way each case must match a Double loop over the definition, on 1 and 2 threads, including
/// padding other than (k − 1) / 2, non-square images, blocked batches and an RGB-like input.
extension DeterminismTests {
    @Test(arguments: [
        DirectCase(batch: 3, height: 16, width: 16, cin: 32, cout: 32, kernel: 3, stride: 1, padding: 1),
        DirectCase(batch: 2, height: 9, width: 7, cin: 16, cout: 48, kernel: 3, stride: 1, padding: 1),
        DirectCase(batch: 2, height: 8, width: 8, cin: 16, cout: 16, kernel: 3, stride: 1, padding: 0),  // dY smaller: padding 2
        DirectCase(batch: 2, height: 6, width: 6, cin: 16, cout: 32, kernel: 3, stride: 1, padding: 2),  // dY larger: padding 0
        DirectCase(batch: 2, height: 10, width: 10, cin: 32, cout: 16, kernel: 5, stride: 1, padding: 2),
        DirectCase(batch: 9, height: 8, width: 8, cin: 64, cout: 32, kernel: 3, stride: 1, padding: 1),  // several blocks
        DirectCase(batch: 2, height: 8, width: 8, cin: 3, cout: 16, kernel: 3, stride: 1, padding: 1),   // 3 inputs: GEMM + col2im
    ], [1, 2])
    func strideOneGradientsMatchDefinition(_ c: DirectCase, threads: Int) {
        TensorThreads.set(threads)
        defer { TensorThreads.set(1) }
        var gen = SeededGenerator(seed: 51)
        let layer = Conv2d(c.cin, c.cout, kernel: c.kernel, stride: 1, padding: c.padding, std: 0.3, generator: &gen)
        let x = randomTensor([c.batch, c.height, c.width, c.cin], seed: 52)
        let y = layer.forward(x)
        let (oh, ow) = (y.shape[1], y.shape[2])
        #expect(oh == c.height + 2 * c.padding - c.kernel + 1 && ow == c.width + 2 * c.padding - c.kernel + 1)
        let dy = randomTensor(y.shape, seed: 53)
        let dx = layer.backward(dy)
        let expected = convolutionGradientsByDefinition(x: x, dy: dy, weight: layer.weight.value, stride: 1, padding: c.padding)
        expectClose(dx, expected.dx, "dX", relative: 1e-5)
        expectClose(layer.weight.grad, expected.dw, "dW", relative: 1e-5)
    }
}
