import GAN
import Tensor
import TestSupport
import Testing

/// The moving average of G's weights: its update rule, that training never reads it, and the
/// batch-norm statistics it samples with.
@Suite(.tensorExclusive) struct GeneratorAverageTests {
    static func model(average: Float?) -> GANModel {
        var c = smallConfiguration(.glove, interpolation: false)
        c.generatorAverage = average
        return GANModel(c, seed: 8)
    }

    static func step(_ model: GANModel, seed: UInt64) -> GANLosses {
        let batch = testBatch(size: 8, imageSize: 16, seed: seed)
        var rng = SeededGenerator(seed: seed)
        return model.trainStep(images: batch.images, captions: batch.captions, random: &rng)
    }

    @Test func averageStartsAtGAndMovesByTheDecay() throws {
        let model = Self.model(average: 0.999)
        let averaged = try #require(model.averagedGenerator)
        for (a, p) in zip(averaged.parameters, model.generator.parameters) { #expect(a.value == p.value) }
        _ = Self.step(model, seed: 1)
        let before = averaged.parameters.map(\.value.data)
        _ = Self.step(model, seed: 2)
        // After G's second update the decay is min(0.999, 3 / 12).
        #expect(model.generatorAverageDecay(afterStep: 2) == 0.25)
        #expect(model.generatorAverageDecay(afterStep: 100_000) == 0.999)
        var worst: Float = 0, moved = false
        for (k, (a, p)) in zip(averaged.parameters, model.generator.parameters).enumerated() {
            for i in a.value.data.indices {
                let expected = 0.25 * before[k][i] + 0.75 * p.value.data[i]
                worst = Swift.max(worst, abs(a.value.data[i] - expected))
                moved = moved || a.value.data[i] != p.value.data[i]
            }
        }
        #expect(worst < 1e-7)
        #expect(moved, "the average lags G")
    }

    @Test func trainingIsTheSameWithOrWithoutTheAverage() {
        let (plain, averaged) = (Self.model(average: nil), Self.model(average: 0.99))
        for s in 1...3 { #expect(Self.step(plain, seed: UInt64(s)) == Self.step(averaged, seed: UInt64(s))) }
        for (p, q) in zip(plain.parameters, averaged.parameters) { #expect(p.value == q.value, "\(p.name)") }
    }

    /// Over two batches the running mean is their batch means' average; the statistics do not
    /// depend on what was there before; batch norm's momentum is restored.
    @Test func refreshedStatisticsAreThePlainAverageOfTheBatches() throws {
        let model = Self.model(average: 0.99)
        for s in 1...2 { _ = Self.step(model, seed: UInt64(s)) }
        let g = try #require(model.averagedGenerator)
        var rng = SeededGenerator(seed: 3)
        let noise = (0..<2).map { _ in Tensor.normal([8, 100], std: 1, using: &rng) }
        let texts = (0..<2).map { _ in Tensor.normal([8, 50], std: 0.3, using: &rng) }
        func means(_ k: Range<Int>) -> [[Float]] {
            model.refreshAverageStatistics(noise: Array(noise[k]), texts: Array(texts[k]))
            return g.batchNorms.map(\.runningMean.data)
        }
        let (first, second, both) = (means(0..<1), means(1..<2), means(0..<2))
        for l in both.indices {
            for j in both[l].indices { #expect(abs(both[l][j] - (first[l][j] + second[l][j]) / 2) < 1e-6) }
        }
        #expect(means(0..<2) == both, "the same batches give the same statistics whatever came before")
        #expect(g.batchNorms.allSatisfy { $0.momentum == 0.1 })
        #expect(g.batchNorms.map(\.runningMean.data) != model.generator.batchNorms.map(\.runningMean.data))
    }

    @Test func samplesComeFromTheAverageUnlessAskedOtherwise() throws {
        let model = Self.model(average: 0.99)
        for s in 1...2 { _ = Self.step(model, seed: UInt64(s)) }
        let batch = testBatch(size: 4, imageSize: 16, seed: 9)
        var rng = SeededGenerator(seed: 4)
        let noise = Tensor.normal([4, 100], std: 1, using: &rng)
        let g = try #require(model.averagedGenerator)
        g.training = false
        let expected = g.forward(noise: noise, text: batch.captions.glove)
        #expect(model.sample(captions: batch.captions, noise: noise) == expected)
        #expect(model.sample(captions: batch.captions, noise: noise, averaged: false) != expected)
        #expect(Self.model(average: nil).averagedGenerator == nil)
    }
}
