@testable import GAN
import Tensor
import TestSupport
import Testing

@Suite(.tensorExclusive) struct ModeSeekingTests {
    /// Row i + ⌊n/2⌋ repeats row i's caption; an odd last row keeps its own.
    @Test func captionsComeInPairs() {
        #expect(ModeSeeking.captionRows(count: 4) == [0, 1, 0, 1])
        #expect(ModeSeeking.captionRows(count: 5) == [0, 1, 0, 1, 4])
    }

    /// The ratio is the mean image distance of the pairs over their mean noise distance; the term's
    /// gradient matches central finite differences, and rows outside the pairs get none.
    @Test func termAndItsGradient() {
        var rng = SeededGenerator(seed: 3)
        let images = Tensor.normal([5, 2, 2, 3], std: 0.5, using: &rng), noise = Tensor.normal([5, 4], std: 1, using: &rng)
        let (loss, ratio, gradient) = ModeSeeking.term(images: images, noise: noise, weight: 2)
        var a = 0.0, b = 0.0
        for i in 0..<2 {
            for k in 0..<12 { a += Double(abs(images.data[i * 12 + k] - images.data[(i + 2) * 12 + k])) / 24 }
            for k in 0..<4 { b += Double(abs(noise.data[i * 4 + k] - noise.data[(i + 2) * 4 + k])) / 8 }
        }
        #expect(abs(Double(ratio) - a / b) < 1e-5 * a / b)
        #expect(abs(Double(loss) - 2 / (a / b + 1e-5)) < 1e-4 * Double(loss))
        #expect(gradient.data[48..<60].allSatisfy { $0 == 0 })
        for index in [0, 7, 13, 30, 47] {
            var plus = images, minus = images
            plus.data[index] += 1e-3
            minus.data[index] -= 1e-3
            let numeric = (Double(ModeSeeking.term(images: plus, noise: noise, weight: 2).loss)
                - Double(ModeSeeking.term(images: minus, noise: noise, weight: 2).loss)) / 2e-3
            #expect(abs(numeric - Double(gradient.data[index])) <= 0.02 * abs(numeric) + 1e-4,
                    "pixel \(index): analytic \(gradient.data[index]), numeric \(numeric)")
        }
    }

    /// D's fake term scores each generated image with the caption of the row it was made for.
    @Test func discriminatorScoresFakesWithTheirPairedCaptions() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.wordProjection = true
        let model = GANModel(c, seed: 8)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 4)
        let fakes = Tensor.uniform([6, 16, 16, 3], low: -1, high: 1, using: &rng)
        let rows = ModeSeeking.captionRows(count: 6)
        let words = batch.captions.wordDistribution(vocabularySize: c.vocabularySize)
        let d = model.accumulateDiscriminatorGradients(images: batch.images, text: batch.captions.glove, fakeImages: fakes,
                                                       fakeCaptionRows: rows, words: words)
        let logits = model.discriminator.headForward(features: model.discriminator.trunkForward(fakes),
                                                     text: batch.captions.glove.batchGathered(rows), words: words.batchGathered(rows))
        let expected = BCEWithLogits.lossAndGradient(logits: logits, targets: Tensor(zeros: [6])).loss
        #expect(abs(d.fake - expected) < 1e-6, "\(d.fake) vs \(expected)")
        let own = model.accumulateDiscriminatorGradients(images: batch.images, text: batch.captions.glove, fakeImages: fakes, words: words)
        #expect(own.fake != d.fake)
    }

    /// G's weight gradients with the term against central finite differences of G's loss plus the term.
    @Test func generatorGradientMatchesFiniteDifferences() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.modeSeeking = 1
        let model = GANModel(c, seed: 29)
        var rng = SeededGenerator(seed: 6)
        let noise = Tensor.normal([6, 100], std: 1, using: &rng)
        let text = Tensor.normal([6, 50], std: 0.3, using: &rng).batchGathered(ModeSeeking.captionRows(count: 6))
        func loss() -> Double {
            let generated = model.generator.forward(noise: noise, text: text)
            let term = ModeSeeking.term(images: generated, noise: noise, weight: 1)
            return Double(model.accumulateGeneratorGradients(generated: generated, text: text, batch: 6,
                                                             imageGradient: term.imageGradient).loss) + Double(term.loss)
        }
        model.generatorOptimizer.zeroGrad()
        _ = loss()
        let weights = model.generator.parameters.filter { $0.value.rank > 1 }
        #expect(checkLargestGradients(weights, weights.map(\.grad), count: 2, h: 3e-4, loss: loss) == 2 * weights.count)
    }

    /// A training step with the term logs its ratio; the configuration rejects a negative weight
    /// and the term together with `generatorMatching`.
    @Test func stepLogsTheRatioAndBadSettingsAreNamed() {
        var c = smallConfiguration(.glove, interpolation: true)
        c.modeSeeking = 1
        #expect(c.problem == nil)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 2)
        let l = GANModel(c, seed: 3).trainStep(images: batch.images, captions: batch.captions, random: &rng)
        #expect(l.modeRatio > 0 && l.generator.isFinite)
        c.modeSeeking = -1
        #expect(c.problem?.contains("modeSeeking") == true)
        c.modeSeeking = 1
        c.generatorMatching = 1
        #expect(c.problem?.contains("cannot both") == true)
    }
}
