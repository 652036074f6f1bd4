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

    /// The 3x3 `Conv2d` (padding 1) with `layer`'s weight, rearranged from `[in, 3, 3, out]` to
    /// `[3, 3, in, out]`, and its bias.
    private func convolution(matching layer: UpsampleConv2d) -> Conv2d {
        let w = layer.weight.value
        let (cin, cout) = (w.shape[0], w.shape[3])
        var unused = SeededGenerator(seed: 1)
        let conv = Conv2d(cin, cout, kernel: 3, padding: 1, bias: layer.bias != nil, generator: &unused)
        conv.weight.value = Tensor(shape: [3, 3, cin, cout], data: (0..<w.count).map { j in
            // [a, b, i, o] from [i, a, b, o]
            let o = j % cout, i = (j / cout) % cin, b = (j / (cout * cin)) % 3, a = j / (cout * cin * 3)
            return w.data[((i * 3 + a) * 3 + b) * cout + o]
        })
        if let b = layer.bias, let cb = conv.bias { cb.value = b.value }
        return conv
    }

    /// The layer equals upsampling followed by a 3x3 conv with padding 1 (our `Conv2d`, its weight
    /// the same taps rearranged to `[3, 3, in, out]`), bias included, on odd and even sides.
    @Test(arguments: [(3, 5, true), (4, 4, false)])
    func equalsUpsamplingThenAConvolution(_ height: Int, _ width: Int, _ bias: Bool) {
        var gen = SeededGenerator(seed: 11)
        let layer = UpsampleConv2d(3, 2, bias: bias, std: 0.5, generator: &gen)
        if let b = layer.bias { b.value = randomTensor([2], seed: 12) }
        let conv = convolution(matching: layer)
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

    /// Bilinear 2x upsampling with half-pixel centres and clamped edges (PyTorch's
    /// `interpolate(scale_factor=2, mode="bilinear", align_corners=False)`), written out from its
    /// definition: output pixel p samples the input at (p + 0.5) / 2 - 0.5.
    private func bilinear(_ x: Tensor) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        func taps(_ p: Int, _ side: Int) -> [(Int, Float)] {
            let u = max(0, Float(p) / 2 - 0.25), lower = min(Int(u), side - 1), upper = min(lower + 1, side - 1)
            let t = u - Float(lower)
            return [(lower, 1 - t), (upper, t)]
        }
        var out = [Float](repeating: 0, count: n * 4 * h * w * c)
        for i in 0..<n { for y in 0..<2 * h { for xx in 0..<2 * w { for k in 0..<c {
            var v: Float = 0
            for (row, a) in taps(y, h) { for (column, b) in taps(xx, w) { v += a * b * x.data[((i * h + row) * w + column) * c + k] } }
            out[((i * 2 * h + y) * 2 * w + xx) * c + k] = v
        } } } }
        return Tensor(shape: [n, 2 * h, 2 * w, c], data: out)
    }

    /// The blur after nearest-neighbour upsampling is bilinear upsampling, on every pixel,
    /// the border included, on odd and even sides and a side of 1.
    @Test(arguments: [(3, 5), (4, 4), (1, 2)])
    func blurAfterNearestUpsamplingIsBilinear(_ height: Int, _ width: Int) {
        let x = randomTensor([2, height, width, 3], seed: 21)
        expectClose(Blur2d().forward(upsampled(x)), bilinear(x), "blur(nearest) vs bilinear")
    }

    /// The blur is its own adjoint (⟨Bx, g⟩ = ⟨x, Bg⟩), which its backward relies on; a constant
    /// stays constant up to the border; a period-2 pattern (stripes one pixel wide, either axis)
    /// is gone away from the border.
    @Test func blurIsSelfAdjointAndRemovesPeriodTwo() {
        let blur = Blur2d()
        let x = randomTensor([2, 5, 6, 3], seed: 22), g = randomTensor([2, 5, 6, 3], seed: 23)
        let left = zip(blur.forward(x).data, g.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(x.data, blur.backward(g).data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) < 1e-5 * max(1, abs(left)), "\(left) vs \(right)")
        let constant = blur.forward(Tensor(zeros: [1, 4, 5, 2], value: 0.7))
        #expect(constant.data.allSatisfy { abs($0 - 0.7) < 1e-6 })
        for vertical in [false, true] {
            let stripes = Tensor(shape: [1, 6, 6, 1], data: (0..<36).map { j in Float((vertical ? j % 6 : j / 6) % 2) })
            let y = blur.forward(stripes)
            let inner = (1..<5).flatMap { r in (1..<5).map { c in y.data[r * 6 + c] } }
            #expect(inner.allSatisfy { abs($0 - 0.5) < 1e-6 }, "\(inner)")
        }
    }

    /// With `.bilinear` the layer equals bilinear upsampling then the 3x3 conv (bias included)
    /// away from the two outermost rows and columns.
    @Test func bilinearEqualsBilinearUpsamplingThenAConvolutionInside() {
        var gen = SeededGenerator(seed: 24)
        let layer = UpsampleConv2d(3, 2, bias: true, std: 0.5, interpolation: .bilinear, generator: &gen)
        layer.bias?.value = randomTensor([2], seed: 25)
        let conv = convolution(matching: layer)
        let x = randomTensor([2, 4, 5, 3], seed: 26)
        let (ours, reference) = (layer.forward(x), conv.forward(bilinear(x)))
        #expect(ours.shape == [2, 8, 10, 2])
        var inside = 0, outerDiffers = false
        for n in 0..<2 { for y in 0..<8 { for xx in 0..<10 { for o in 0..<2 {
            let j = ((n * 8 + y) * 10 + xx) * 2 + o
            if (2..<6).contains(y) && (2..<8).contains(xx) {
                #expect(abs(ours.data[j] - reference.data[j]) < 1e-5 * max(1, abs(reference.data[j])), "(\(n), \(y), \(xx), \(o))")
                inside += 1
            } else if abs(ours.data[j] - reference.data[j]) > 1e-4 { outerDiffers = true }
        } } } }
        #expect(inside == 2 * 4 * 6 * 2)
        #expect(outerDiffers, "the border is where the two orders differ; if it matches, the comment is wrong")
    }

    /// The bilinear layer's input, weight and bias gradients, and the blur's input gradient alone,
    /// against central finite differences.
    @Test func bilinearGradientsMatchFiniteDifferences() {
        var gen = SeededGenerator(seed: 27)
        let layer = UpsampleConv2d(3, 2, bias: true, std: 0.5, interpolation: .bilinear, generator: &gen)
        gradientCheck(inputs: [randomTensor([2, 3, 2, 3], seed: 28)], parameters: layer.parameters,
                      run: { layer.forward($0[0]) }, backprop: { [layer.backward($0)] })
        let blur = Blur2d()
        gradientCheck(inputs: [randomTensor([2, 3, 4, 2], seed: 29)], parameters: [],
                      run: { blur.forward($0[0]) }, backprop: { [blur.backward($0)] })
    }
}
