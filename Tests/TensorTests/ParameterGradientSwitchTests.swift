import Tensor
import TestSupport
import Testing

/// `accumulatesParameterGradients = false` (D's layers during G's step): the same input gradient,
/// bit for bit, on every backward path, and no parameter gradient at all.
@Suite("Input-gradient-only backward passes", .tensorExclusive)
struct ParameterGradientSwitchTests {
    /// Input shape, output channels, kernel, stride, padding: the 1x1 GEMM, the plain im2col path,
    /// blocked batches, and the stride-2 shapes whose gradients run on the direct kernels.
    static let cases: [([Int], Int, Int, Int, Int)] = [
        ([2, 4, 4, 8], 16, 1, 1, 0), ([2, 8, 8, 4], 8, 4, 2, 1), ([3, 16, 16, 8], 16, 3, 1, 1),
        ([4, 32, 32, 32], 64, 4, 2, 1), ([4, 16, 16, 64], 128, 4, 2, 1),
    ]

    @Test(arguments: cases)
    func convolution(_ c: ([Int], Int, Int, Int, Int)) {
        var rng = SeededGenerator(seed: 3)
        let layer = Conv2d(c.0[3], c.1, kernel: c.2, stride: c.3, padding: c.4, bias: true, std: 0.1, generator: &rng)
        check(layer, input: randomTensor(c.0, seed: 4), set: { layer.accumulatesParameterGradients = $0 })
    }

    /// `computesInputGradient = false` (D's first layer in D's own step): the same parameter
    /// gradients, bit for bit, and no input gradient. The 3-channel stride-2 case is D's first
    /// layer, whose input gradient would be a GEMM and a col2im scatter.
    @Test(arguments: cases + [([4, 64, 64, 3], 32, 4, 2, 1)])
    func convolutionWithoutInputGradient(_ c: ([Int], Int, Int, Int, Int)) {
        var rng = SeededGenerator(seed: 3)
        let layer = Conv2d(c.0[3], c.1, kernel: c.2, stride: c.3, padding: c.4, bias: true, std: 0.1, generator: &rng)
        let input = randomTensor(c.0, seed: 4)
        let gradOutput = randomTensor(layer.forward(input).shape, seed: 7)
        layer.parameters.forEach { $0.zeroGrad() }
        let full = layer.backward(gradOutput)
        let fullGradients = layer.parameters.map(\.grad)
        #expect(full.shape == input.shape && full.data.contains { $0 != 0 })
        layer.parameters.forEach { $0.zeroGrad() }
        layer.computesInputGradient = false
        _ = layer.forward(input)
        let none = layer.backward(gradOutput)
        layer.computesInputGradient = true
        #expect(none.count == 0)
        #expect(layer.parameters.map(\.grad) == fullGradients)
    }

    @Test func linear() {
        var rng = SeededGenerator(seed: 5)
        let layer = Linear(24, 10, generator: &rng)
        check(layer, input: randomTensor([6, 24], seed: 6), set: { layer.accumulatesParameterGradients = $0 })
    }

    private func check(_ layer: any Layer, input: Tensor, set: (Bool) -> Void) {
        let y = layer.forward(input)
        let gradOutput = randomTensor(y.shape, seed: 7)
        layer.parameters.forEach { $0.zeroGrad() }
        let full = layer.backward(gradOutput)
        #expect(layer.parameters.allSatisfy { $0.grad.data.contains { $0 != 0 } }, "the full pass makes every gradient")
        layer.parameters.forEach { $0.zeroGrad() }
        set(false)
        _ = layer.forward(input)
        let inputOnly = layer.backward(gradOutput)
        set(true)
        #expect(inputOnly == full)
        #expect(layer.parameters.allSatisfy { $0.grad.data.allSatisfy { $0 == 0 } })
    }
}
