import Foundation
import GAN
import Tensor
import Testing
import TestSupport

/// D's word projection (`wordProjection`): logit += ⟨E · words, trunk features averaged over positions⟩.
@Suite(.tensorExclusive) struct WordProjectionTests {
    /// A model with the projection, its embedding E made large enough for the term to matter in a
    /// Float finite difference (at N(0, 0.02) it is a small share of the logit).
    func projectionModel(seed: UInt64, interpolation: Bool, vocabularySize: Int = 40) -> GANModel {
        var c = smallConfiguration(.glove, interpolation: interpolation)
        c.wordProjection = true
        c.vocabularySize = vocabularySize
        let model = GANModel(c, seed: seed)
        var rng = SeededGenerator(seed: seed &+ 100)
        for p in model.discriminator.parameters where p.name == "d.words.weight" {
            p.value = Tensor.normal(p.value.shape, std: 0.5, using: &rng)
        }
        return model
    }

    /// The logit is the plain head's plus the projection, computed here in Double from E, the
    /// words and the features; the plain head is the same model without the switch (E is drawn
    /// last, so every other weight is the same).
    @Test func logitAddsTheWordsEmbeddingDottedWithThePooledFeatures() throws {
        let model = projectionModel(seed: 3, interpolation: false)
        var plainConfiguration = model.configuration
        plainConfiguration.wordProjection = false
        let plain = GANModel(plainConfiguration, seed: 3)
        let batch = testBatch(size: 5, imageSize: 16)
        var rng = SeededGenerator(seed: 9)
        let words = randomWordDistributions(rows: 5, vocabularySize: 40, using: &rng)
        let features = model.discriminator.trunkForward(batch.images)
        #expect(features == plain.discriminator.trunkForward(batch.images))
        let withProjection = model.discriminator.headForward(features: features, text: batch.captions.glove, words: words)
        let without = plain.discriminator.headForward(features: features, text: batch.captions.glove)
        let e = try #require(model.discriminator.parameters.first { $0.name == "d.words.weight" }).value
        let c = features.shape[3]
        #expect(e.shape == [c, 40])
        for r in 0..<5 {
            var expected = 0.0
            for k in 0..<c {
                let pooled = (0..<16).map { Double(features.data[(r * 16 + $0) * c + k]) }.reduce(0, +) / 16
                let embedded = (0..<40).map { Double(e.data[k * 40 + $0]) * Double(words.data[r * 40 + $0]) }.reduce(0, +)
                expected += pooled * embedded
            }
            #expect(abs(expected) > 1e-3, "row \(r): the term is too small to test")
            let got = Double(withProjection.data[r]) - Double(without.data[r])
            #expect(abs(got - expected) <= 1e-4 * max(1, abs(expected)), "row \(r): \(got) against \(expected)")
        }
    }

    /// D's gradient (E, the trunk and the head) against central finite differences of D's loss.
    @Test func discriminatorGradientWithTheProjectionMatchesFiniteDifferences() {
        let model = projectionModel(seed: 31, interpolation: false)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 6)
        let fakes = Tensor.uniform([6, 16, 16, 3], low: -1, high: 1, using: &rng)
        let words = randomWordDistributions(rows: 6, vocabularySize: 40, using: &rng)
        let mismatch = [3, 0, 5, 1, 2, 4]
        func loss() -> Double {
            let d = model.accumulateDiscriminatorGradients(images: batch.images, text: batch.captions.glove, mismatch: mismatch,
                                                           fakeImages: fakes, words: words)
            return Double(d.real) + 0.5 * (Double(d.wrong) + Double(d.fake))
        }
        model.discriminatorOptimizer.zeroGrad()
        _ = loss()
        let weights = model.discriminator.parameters.filter { $0.value.rank > 1 }
        #expect(weights.contains { $0.name == "d.words.weight" })
        #expect(checkLargestGradients(weights, weights.map(\.grad), count: 2, loss: loss) == 2 * weights.count)
    }

    /// The gradient G receives: D's (training-mode) loss for G's images, BCE with target 1 on
    /// both halves, with respect to the image pixels, against central finite differences. (G's
    /// own backward pass is checked elsewhere; through G's ReLUs the finite differences of its
    /// weights are too rough to resolve the projection's share.)
    @Test func imageGradientThroughTheProjectionMatchesFiniteDifferences() {
        let model = projectionModel(seed: 23, interpolation: true)
        let d = model.discriminator
        d.accumulatesParameterGradients = false
        var rng = SeededGenerator(seed: 4)
        let images = Tensor.uniform([12, 16, 16, 3], low: -1, high: 1, using: &rng)
        let text = Tensor.normal([12, 50], std: 0.3, using: &rng)
        let words = randomWordDistributions(rows: 6, vocabularySize: 40, using: &rng)
            .batchConcatenated(randomWordDistributions(rows: 6, vocabularySize: 40, using: &rng))
        func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }
        func loss(_ x: Tensor) -> Double {
            d.headForward(features: d.trunkForward(x), text: text, words: words).data.map { softplus(-Double($0)) }.reduce(0, +) / 6
        }
        let logits = d.headForward(features: d.trunkForward(images), text: text, words: words)
        // d/dlogit of softplus(-logit) / 6 = -sigmoid(-logit) / 6.
        let gradLogits = Tensor(shape: [12], data: logits.data.map { -1 / (1 + exp($0)) / 6 })
        let analytic = d.trunkBackward(d.headBackward(gradLogits).features)
        var checked = 0
        for i in analytic.data.indices.sorted(by: { abs(analytic.data[$0]) > abs(analytic.data[$1]) }).prefix(12) {
            var plus = images, minus = images
            plus.data[i] += 1e-3
            minus.data[i] -= 1e-3
            let numeric = (loss(plus) - loss(minus)) / 2e-3, a = Double(analytic.data[i])
            #expect(abs(numeric - a) <= 0.05 * abs(a) + 1e-5, "pixel \(i): analytic \(a), numeric \(numeric)")
            checked += 1
        }
        #expect(checked == 12)
        // Without the projection's share (E = 0) the gradient differs: the test sees the term.
        for p in d.parameters where p.name == "d.words.weight" { p.value = Tensor(zeros: p.value.shape) }
        let plainLogits = d.headForward(features: d.trunkForward(images), text: text, words: words)
        let plain = d.trunkBackward(d.headBackward(Tensor(shape: [12], data: plainLogits.data.map { -1 / (1 + exp($0)) / 6 })).features)
        #expect(zip(plain.data, analytic.data).map { abs($0 - $1) }.max() ?? 0 > 1e-3)
    }

    /// With the projection on, a training step uses it and moves E; without it there is no E.
    @Test func trainStepLearnsTheEmbedding() throws {
        var c = smallConfiguration(.glove, interpolation: true)
        c.wordProjection = true
        let model = GANModel(c, seed: 8)
        let e = try #require(model.parameters.first { $0.name == "d.words.weight" })
        #expect(e.value.shape == [c.deepChannels, 1004])
        let before = e.value
        let batch = testBatch(size: 8, imageSize: 16)
        var rng = SeededGenerator(seed: 5)
        _ = model.trainStep(images: batch.images, captions: batch.captions, random: &rng)
        #expect(e.value != before)
        c.wordProjection = false
        #expect(!GANModel(c, seed: 8).parameters.contains { $0.name == "d.words.weight" })
    }
}
