@testable import Tensor
import TestSupport
import Testing

@Suite(.tensorExclusive) struct UpsampleConv2dTests {
    /// Nearest-neighbour 2x upsampling of `[N, H, W, C]`, written out.
    private func upsampled(_ x: Tensor) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var out = [Float](repeating: 0, count: n * 4 * h * w * c)
        for i in 0..<n { for y in 0..<2 * h { for xx in 0..<2 * w { for k in 0..<c {
            out[((i * 2 * h + y) * 2 * w + xx) * c + k] = x.data[((i * h + y / 2) * w + xx / 2) * c + k]
        } } } }
        return Tensor(shape: [n, 2 * h, 2 * w, c], data: out)
    }

    /// The layer equals upsampling followed by a 3x3 conv with padding 1 (our `Conv2d`, its weight
    /// the same taps rearranged to `[3, 3, in, out]`), bias included, on odd and even sides.
    @Test(arguments: [(3, 5, true), (4, 4, false)])
    func equalsUpsamplingThenAConvolution(_ height: Int, _ width: Int, _ bias: Bool) {
        var gen = SeededGenerator(seed: 11)
        let layer = UpsampleConv2d(3, 2, bias: bias, std: 0.5, generator: &gen)
        if let b = layer.bias { b.value = randomTensor([2], seed: 12) }
        var unused = SeededGenerator(seed: 1)
        let conv = Conv2d(3, 2, kernel: 3, padding: 1, bias: bias, generator: &unused)
        let w = layer.weight.value
        conv.weight.value = Tensor(shape: [3, 3, 3, 2], data: (0..<w.count).map { j in
            // [a, b, i, o] from [i, a, b, o]
            let o = j % 2, i = (j / 2) % 3, b = (j / 6) % 3, a = j / 18
            return w.data[((i * 3 + a) * 3 + b) * 2 + o]
        })
        if let b = layer.bias, let cb = conv.bias { cb.value = b.value }
        let x = randomTensor([2, height, width, 3], seed: 13)
        let ours = layer.forward(x)
        #expect(ours.shape == [2, 2 * height, 2 * width, 2])
        expectClose(ours, conv.forward(upsampled(x)), "upsample + conv")
    }

    /// A constant image stays constant away from the border: no checkerboard. A transposed
    /// convolution with random 4x4 weights paints one.
    @Test func constantInputGivesAnEvenOutput() {
        var gen = SeededGenerator(seed: 14)
        let layer = UpsampleConv2d(2, 1, std: 0.5, generator: &gen)
        let x = Tensor(zeros: [1, 4, 4, 2], value: 1)
        let y = layer.forward(x)
        let inner = (1..<7).flatMap { r in (1..<7).map { c in y.data[r * 8 + c] } }
        #expect(inner.allSatisfy { abs($0 - inner[0]) < 1e-5 }, "\(inner)")
        let transposed = ConvTranspose2d(2, 1, kernel: 4, stride: 2, padding: 1, std: 0.5, generator: &gen).forward(x)
        let plain = (1..<7).flatMap { r in (1..<7).map { c in transposed.data[r * 8 + c] } }
        #expect(!plain.allSatisfy { abs($0 - plain[0]) < 1e-3 })
    }

    /// Input, weight and bias gradients against central finite differences.
    @Test(arguments: [true, false])
    func gradientsMatchFiniteDifferences(_ bias: Bool) {
        var gen = SeededGenerator(seed: 15)
        let layer = UpsampleConv2d(3, 2, bias: bias, std: 0.5, generator: &gen)
        gradientCheck(inputs: [randomTensor([2, 3, 2, 3], seed: 16)], parameters: layer.parameters,
                      run: { layer.forward($0[0]) }, backprop: { [layer.backward($0)] })
    }

    /// `fold` is the adjoint of `expanded`: ⟨expanded(w), g⟩ = ⟨w, fold(g)⟩.
    @Test func foldIsTheAdjointOfExpansion() {
        let w = randomTensor([2, 3, 3, 3], seed: 17), g = randomTensor([2, 4, 4, 3], seed: 18)
        var folded = Tensor(zeros: w.shape)
        UpsampleConv2d.fold(g, into: &folded)
        let left = zip(UpsampleConv2d.expanded(w).data, g.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(w.data, folded.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) < 1e-4 * max(1, abs(left)), "\(left) vs \(right)")
    }
}
