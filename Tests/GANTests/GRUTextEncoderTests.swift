import Foundation
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
    /// With `generatorMatching` the loss adds w · softplus(D(x, wrong) − D(x, own)) on the first N;
    /// with `captionReconstruction` it adds w · MSE of D's caption head on all 2N images.
    /// (Its words form over a vocabulary of 40: softmax cross-entropy.)
    /// With `conditionalBatchNorm`, the text also enters at every batch norm of G.
    /// (The last case reads the words head from D's features averaged over positions, `captionHeadPooled`.)
    @Test(arguments: [(Float(0), Float(0), CaptionTargetKind.vector, false, false), (2, 0, .vector, false, false),
                      (0, 3, .vector, false, false), (0, 3, .words, false, false), (0, 3, .wordsOrFake, false, false),
                      (0, 0, .vector, true, false), (0, 3, .words, false, true)])
    func generatorGradientThroughDiscriminatorMatchesFiniteDifferences(matching: Float, caption: Float, target: CaptionTargetKind,
                                                                       conditional: Bool, pooled: Bool) {
        var c = smallConfiguration(.glove, interpolation: true)
        c.generatorMatching = matching
        c.captionReconstruction = caption
        c.captionTarget = target
        c.captionHeadPooled = pooled
        c.conditionalBatchNorm = conditional
        c.vocabularySize = 40
        let model = GANModel(c, seed: 23)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 4)
        let noise = Tensor.normal([12, 100], std: 1, using: &rng)
        let text = batch.captions.glove.batchConcatenated(Tensor.normal([6, 50], std: 0.3, using: &rng))
        let mismatch = [3, 0, 5, 1, 2, 4]
        if conditional {
            // At N(0, 0.02) the text's share of the batch norms' gradients is below what a Float
            // finite difference resolves; the check needs the modulation to matter.
            for p in model.generator.parameters where p.name.hasPrefix("g.text.") || p.name.contains(".bn.text.") {
                p.value = Tensor.normal(p.value.shape, std: 0.2, using: &rng)
            }
        }
        let targets = caption == 0 ? nil : target == .vector ? Tensor.normal([12, 50], std: 1, using: &rng)
            : randomWordDistributions(rows: 12, vocabularySize: 40, columns: c.captionTargetDimension, using: &rng)
        func loss() -> Double {
            let generated = model.generator.forward(noise: noise, text: text)
            let g = model.accumulateGeneratorGradients(generated: generated, text: text,
                                                       batch: 6, mismatch: mismatch, captionTargets: targets)
            #expect((g.matching != 0) == (matching != 0) && (g.caption != 0) == (caption != 0))
            var total = Double(g.loss) + Double(g.interpolated) + Double(matching) * Double(g.matching)
            if let targets {
                // The caption term is the largest part of the loss: summed in Double, so that its
                // rounding stays below what the finite difference resolves.
                let head = model.discriminator.captionForward(features: model.discriminator.trunkForward(generated))
                total += Double(caption) * captionHeadLoss(head, targets, target)
            }
            return total
        }
        model.generatorOptimizer.zeroGrad()
        _ = loss()
        let weights = model.generator.parameters.filter { $0.value.rank > 1 }
        #expect(checkLargestGradients(weights, weights.map(\.grad), count: 2, loss: loss) == 2 * weights.count)
    }
}

/// The caption head's loss in Double: mean squared error, or softmax cross-entropy averaged over rows.
func captionHeadLoss(_ predictions: Tensor, _ targets: Tensor, _ kind: CaptionTargetKind) -> Double {
    let (p, t) = (predictions.data.map(Double.init), targets.data.map(Double.init))
    guard kind != .vector else { return zip(p, t).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(p.count) }
    let (n, c) = (predictions.rows, predictions.columns)
    return (0..<n).map { r in
        let row = p[r * c..<(r + 1) * c]
        let logSum = log(row.map { exp($0) }.reduce(0, +))
        return -(0..<c).map { t[r * c + $0] * (row[r * c + $0] - logSum) }.reduce(0, +)
    }.reduce(0, +) / Double(n)
}

/// Rows of 1/3 on three distinct random word ids of 4..<vocabularySize, `columns` wide (default:
/// the vocabulary; more for the `wordsOrFake` head, whose "fake" column stays 0).
func randomWordDistributions(rows: Int, vocabularySize: Int, columns: Int? = nil, using rng: inout SeededGenerator) -> Tensor {
    let columns = columns ?? vocabularySize
    var out = Tensor(zeros: [rows, columns])
    for r in 0..<rows {
        var words = Set<Int>()
        while words.count < 3 { words.insert(4 + Int(rng.next() % UInt64(vocabularySize - 4))) }
        for w in words { out.data[r * columns + w] = 1.0 / 3 }
    }
    return out
}

/// Compares `analytic` with central differences of `loss` (step `h`) on the `count` largest
/// gradient entries of each parameter, within 5%; returns how many entries it checked.
func checkLargestGradients(_ parameters: [Parameter], _ analytic: [Tensor], count: Int, h: Float = 1e-3, loss: () -> Double) -> Int {
    var checked = 0
    for (p, grad) in zip(parameters, analytic) {
        for i in grad.data.indices.sorted(by: { abs(grad.data[$0]) > abs(grad.data[$1]) }).prefix(count) {
            let original = p.value.data[i]
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

@Suite(.tensorExclusive) struct DiscriminatorGradientTests {
    /// D's gradient with the caption head on (its weights and the trunk's) against central finite
    /// differences of D's whole loss: real + (wrong + fake) / 2 + w · the caption head's loss on the real images
    /// (+ w · its loss on the fakes against the "fake" class, with `wordsOrFake`); flattened
    /// features, or averaged over positions (`captionHeadPooled`).
    @Test(arguments: CaptionTargetKind.allCases, [false, true])
    func discriminatorGradientWithTheCaptionHeadMatchesFiniteDifferences(target: CaptionTargetKind, pooled: Bool) {
        var c = smallConfiguration(.glove, interpolation: false)
        c.captionReconstruction = 2
        c.captionTarget = target
        c.captionHeadPooled = pooled
        c.vocabularySize = 40
        let model = GANModel(c, seed: 31)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 6)
        let fakes = Tensor.uniform([6, 16, 16, 3], low: -1, high: 1, using: &rng)
        let targets = target == .vector ? Tensor.normal([6, 50], std: 1, using: &rng)
            : randomWordDistributions(rows: 6, vocabularySize: 40, columns: c.captionTargetDimension, using: &rng)
        func loss() -> Double {
            let d = model.accumulateDiscriminatorGradients(images: batch.images, text: batch.captions.glove, fakeImages: fakes,
                                                           captionTargets: targets)
            #expect(d.caption > 0)
            #expect((d.captionFake > 0) == (target == .wordsOrFake))
            return Double(d.real) + 0.5 * (Double(d.wrong) + Double(d.fake)) + 2 * (Double(d.caption) + Double(d.captionFake))
        }
        model.discriminatorOptimizer.zeroGrad()
        _ = loss()
        let weights = model.discriminator.parameters.filter { $0.value.rank > 1 }
        #expect(weights.first { $0.name == "d.caption.weight" }?.value.shape == [c.captionTargetDimension, (pooled ? 1 : 16) * 8])
        #expect(checkLargestGradients(weights, weights.map(\.grad), count: 2, loss: loss) == 2 * weights.count)
    }
}
