import GAN
import Tensor
import TestSupport
import Testing

@Suite(.tensorExclusive) struct GRUTextEncoderTests {
    /// The GRU's gradient through D's matching-aware loss (fake images held fixed, as in
    /// training) against central finite differences, on the entries with the largest gradient.
    @Test func gradientThroughDiscriminatorLossMatchesFiniteDifferences() throws {
        let model = GANModel(smallConfiguration(.gru, interpolation: false), seed: 13)
        let encoder = try #require(model.textEncoder)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 8)
        let fakes = Tensor.uniform(batch.images.shape, low: -1, high: 1, using: &rng)
        func loss() -> Double {
            let d = model.accumulateDiscriminatorGradients(images: batch.images, text: model.encode(batch.captions),
                                                           fakeImages: fakes)
            return Double(d.real) + 0.5 * (Double(d.wrong) + Double(d.fake))
        }
        model.discriminatorOptimizer.zeroGrad()
        let d = model.accumulateDiscriminatorGradients(images: batch.images, text: encoder.forward(batch.captions),
                                                       fakeImages: fakes)
        encoder.backward(d.textGradient)
        let analytic = encoder.parameters.map(\.grad)
        let checked = checkLargestGradients(encoder.parameters, analytic, count: 3, loss: loss)
        #expect(checked == 15)
    }

    @Test func weightsChangeAfterATrainingStepAndPaddingIsMasked() throws {
        let model = GANModel(smallConfiguration(.gru), seed: 17)
        let encoder = try #require(model.textEncoder)
        let batch = testBatch(size: 4, imageSize: 16)
        let encoded = encoder.forward(batch.captions)
        // More padding after <END> must not change the encoding: padded steps are masked.
        var wider: [Int32] = []
        for r in 0..<4 { wider += batch.captions.tokens[r * 17..<(r + 1) * 17] + [0, 0, 0, 0, 0] }
        let padded = encoder.forward(CaptionBatch(tokens: wider, tokensPerCaption: 22, glove: batch.captions.glove))
        #expect(padded == encoded)
        let before = encoder.parameters.map(\.value)
        var rng = SeededGenerator(seed: 1)
        _ = model.trainStep(images: batch.images, captions: batch.captions, random: &rng)
        for (p, old) in zip(encoder.parameters, before) { #expect(p.value != old, "\(p.name) did not change") }
        #expect(encoder.forward(batch.captions) != encoded)
    }
}

@Suite(.tensorExclusive) struct GeneratorGradientTests {
    /// G's gradient through D (and D's batch norms) against central finite differences of G's loss.
    /// With `generatorMatching` the loss adds w · softplus(D(x, wrong) − D(x, own)) on the first N.
    @Test(arguments: [Float(0), 2])
    func generatorGradientThroughDiscriminatorMatchesFiniteDifferences(matching: Float) {
        var c = smallConfiguration(.glove, interpolation: true)
        c.generatorMatching = matching
        let model = GANModel(c, seed: 23)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 4)
        let noise = Tensor.normal([12, 100], std: 1, using: &rng)
        let text = batch.captions.glove.batchConcatenated(Tensor.normal([6, 50], std: 0.3, using: &rng))
        let mismatch = [3, 0, 5, 1, 2, 4]
        func loss() -> Double {
            let g = model.accumulateGeneratorGradients(generated: model.generator.forward(noise: noise, text: text), text: text,
                                                       batch: 6, mismatch: mismatch)
            #expect((g.matching != 0) == (matching != 0))
            return Double(g.loss) + Double(g.interpolated) + Double(matching) * Double(g.matching)
        }
        model.generatorOptimizer.zeroGrad()
        _ = loss()
        let weights = model.generator.parameters.filter { $0.value.rank > 1 }
        #expect(checkLargestGradients(weights, weights.map(\.grad), count: 2, loss: loss) == 2 * weights.count)
    }
}

/// Compares `analytic` with central differences of `loss` (h = 1e-3) on the `count` largest
/// gradient entries of each parameter, within 5%; returns how many entries it checked.
func checkLargestGradients(_ parameters: [Parameter], _ analytic: [Tensor], count: Int, loss: () -> Double) -> Int {
    var checked = 0
    for (p, grad) in zip(parameters, analytic) {
        for i in grad.data.indices.sorted(by: { abs(grad.data[$0]) > abs(grad.data[$1]) }).prefix(count) {
            let original = p.value.data[i], h: Float = 1e-3
            p.value.data[i] = original + h
            let plus = loss()
            p.value.data[i] = original - h
            let minus = loss()
            p.value.data[i] = original
            let numeric = (plus - minus) / (2 * Double(h)), a = Double(grad.data[i])
            #expect(abs(numeric - a) <= 0.05 * abs(a) + 1e-5, "\(p.name)[\(i)]: analytic \(a), numeric \(numeric)")
            #expect(abs(a) > 1e-4, "\(p.name) gradient is vanishing")
            checked += 1
        }
    }
    return checked
}
