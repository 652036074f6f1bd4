import Foundation
import GAN
import Tensor
import TestSupport
import Testing

@Suite(.tensorExclusive) struct GANStepTests {
    @Test(arguments: [TextEncoderKind.glove, .gru], [false, true])
    func oneStepChangesEveryParameterAndStartsNearLog2(encoder: TextEncoderKind, interpolation: Bool) {
        let model = GANModel(smallConfiguration(encoder, interpolation: interpolation), seed: 11)
        let before = model.parameters.map(\.value)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 2)
        let losses = model.trainStep(images: batch.images, captions: batch.captions, random: &rng)
        for loss in [losses.real, losses.wrong, losses.fake, losses.generator] {
            #expect(abs(loss - 0.6931) < 0.05, "initial BCE \(loss) should be near log 2")
        }
        #expect((losses.interpolated != 0) == interpolation)
        for (p, old) in zip(model.parameters, before) where !p.name.hasPrefix("text.embedding") {
            #expect(p.value != old, "\(p.name) did not change")
        }
        if encoder == .gru {
            // Only the embedding rows of tokens in the batch move.
            let e = model.parameters.first { $0.name == "text.embedding.weight" }
            #expect(e.map { $0.value != before[model.parameters.firstIndex { $0 === e }!] } == true)
        }
    }

    @Test func discriminatorLearnsToSeparateAFixedBatch() {
        let model = GANModel(smallConfiguration(.glove, interpolation: false), seed: 4)
        let batch = testBatch(size: 8, imageSize: 16)
        var rng = SeededGenerator(seed: 9)
        var first: GANLosses?, last: GANLosses?
        for _ in 0..<40 {
            let l = model.trainStep(images: batch.images, captions: batch.captions, random: &rng)
            if first == nil { first = l }
            last = l
        }
        guard let first, let last else { return }
        #expect(last.real < first.real * 0.8, "D's real loss \(first.real) -> \(last.real)")
        #expect(last.discriminator < first.discriminator * 0.9, "D's loss \(first.discriminator) -> \(last.discriminator)")
    }

    @Test func sameSeedSameLossesBitForBit() {
        func run() -> [UInt32] {
            let model = GANModel(smallConfiguration(.gru), seed: 21)
            let batch = testBatch(size: 4, imageSize: 16)
            var rng = SeededGenerator(seed: 3)
            return (0..<3).flatMap { _ -> [UInt32] in
                let l = model.trainStep(images: batch.images, captions: batch.captions, random: &rng)
                return [l.real, l.wrong, l.fake, l.generator, l.interpolated].map(\.bitPattern)
            }
        }
        #expect(run() == run())
    }

    /// One-sided label smoothing moves only D's real target: BCE is linear in the target, so the
    /// real loss steps by the same amount from 1 to 0.9 to 0.8, and the other terms do not move.
    @Test func realLabelChangesOnlyTheRealTarget() {
        func firstStep(_ label: Float) -> GANLosses {
            var c = smallConfiguration(.glove, interpolation: false)
            c.realLabel = label
            let batch = testBatch(size: 6, imageSize: 16)
            var rng = SeededGenerator(seed: 5)
            return GANModel(c, seed: 8).trainStep(images: batch.images, captions: batch.captions, random: &rng)
        }
        let (a, b, c) = (firstStep(1), firstStep(0.9), firstStep(0.8))
        #expect(a.wrong == b.wrong && b.wrong == c.wrong && a.fake == b.fake && b.fake == c.fake)
        #expect(a.real != b.real)
        #expect(abs((b.real - a.real) - (c.real - b.real)) < 1e-5, "real losses \(a.real), \(b.real), \(c.real)")
        var bad = smallConfiguration(.glove)
        bad.realLabel = 0.4
        #expect(bad.problem?.contains("realLabel") == true)
    }

    /// Instance noise reaches D (its losses change) while the step stays deterministic.
    @Test func instanceNoiseChangesWhatDSeesDeterministically() {
        func firstStep(_ noise: Float) -> GANLosses {
            let batch = testBatch(size: 6, imageSize: 16)
            var rng = SeededGenerator(seed: 5)
            return GANModel(smallConfiguration(.glove), seed: 8)
                .trainStep(images: batch.images, captions: batch.captions, random: &rng, instanceNoise: noise)
        }
        let (clean, noisy) = (firstStep(0), firstStep(0.5))
        #expect(noisy.real != clean.real && noisy.fake != clean.fake)
        #expect(firstStep(0.5) == noisy)
    }

    /// G's matching term changes only G's side of the step: D's losses (D updates first) and G's
    /// adversarial losses are the same with and without it, the term starts near log 2 (D cannot tell the captions apart
    /// yet) and G's weights take another step.
    @Test func generatorMatchingOnlyChangesGsStep() {
        func firstStep(_ weight: Float) -> (GANLosses, [Tensor]) {
            var c = smallConfiguration(.glove, interpolation: true)
            c.generatorMatching = weight
            c.mismatch = .nearest
            let model = GANModel(c, seed: 8)
            let batch = testBatch(size: 6, imageSize: 16)
            var rng = SeededGenerator(seed: 5)
            return (model.trainStep(images: batch.images, captions: batch.captions, random: &rng), model.generator.parameters.map(\.value))
        }
        let (off, offWeights) = firstStep(0), (on, onWeights) = firstStep(1)
        #expect(off.matching == 0)
        #expect(abs(on.matching - 0.6931) < 0.05, "initial matching term \(on.matching) should be near log 2")
        #expect([on.real, on.wrong, on.fake] == [off.real, off.wrong, off.fake])
        // G's adversarial terms are scored in their own head pass, as without the term.
        #expect(on.generator == off.generator && on.interpolated == off.interpolated)
        #expect(onWeights != offWeights)
        var bad = smallConfiguration(.glove)
        bad.generatorMatching = -1
        #expect(bad.problem?.contains("generatorMatching") == true)
    }

    /// The caption head exists only when its weight is above 0; D's first-step GAN losses do not
    /// depend on it (they are scored before D's update, with the same weights), and trained on
    /// one batch the head learns that batch's caption vectors.
    @Test func captionReconstructionAddsAHeadThatLearnsTheCaptions() {
        func model(_ weight: Float) -> GANModel {
            var c = smallConfiguration(.glove, interpolation: false)
            c.captionReconstruction = weight
            return GANModel(c, seed: 8)
        }
        let batch = testBatch(size: 8, imageSize: 16)
        let (off, on) = (model(0), model(1))
        #expect(!off.parameters.contains { $0.name.hasPrefix("d.caption") })
        #expect(on.parameters.filter { $0.name.hasPrefix("d.caption") }.map(\.name) == ["d.caption.weight", "d.caption.bias"])
        var rngOff = SeededGenerator(seed: 5), rngOn = SeededGenerator(seed: 5)
        let a = off.trainStep(images: batch.images, captions: batch.captions, random: &rngOff)
        let first = on.trainStep(images: batch.images, captions: batch.captions, random: &rngOn)
        #expect([a.real, a.wrong, a.fake] == [first.real, first.wrong, first.fake])
        #expect(a.caption == 0 && a.generatorCaption == 0)
        // The head starts near 0, so its error is about the targets' mean square.
        let meanSquare = batch.captions.glove.data.map { $0 * $0 }.reduce(0, +) / Float(batch.captions.glove.count)
        #expect(abs(first.caption - meanSquare) < 0.5 * meanSquare, "initial caption error \(first.caption) vs \(meanSquare)")
        #expect(first.generatorCaption > 0)
        var last = first
        for _ in 0..<30 { last = on.trainStep(images: batch.images, captions: batch.captions, random: &rngOn) }
        #expect(last.caption < 0.5 * first.caption, "D's caption error \(first.caption) -> \(last.caption)")
        var bad = smallConfiguration(.glove)
        bad.captionReconstruction = -1
        #expect(bad.problem?.contains("captionReconstruction") == true)
    }

    /// A caption's k distinct words get 1/k each (ids 0-3, the special tokens, never).
    @Test func wordDistributionSharesOneAmongACaptionsDistinctWords() {
        let captions = CaptionBatch(tokens: [1, 7, 9, 7, 2, 0, 1, 3, 5, 2, 0, 0, 1, 3, 2, 0, 0, 0], tokensPerCaption: 6,
                                    glove: Tensor(zeros: [3, 1]))
        let distribution = captions.wordDistribution(vocabularySize: 10)
        #expect(distribution.shape == [3, 10])
        #expect(distribution.data == [0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0.5,
                                      0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    /// The words head learns one batch's words too: its cross-entropy falls. The words-or-fake
    /// head learns both sides of one batch: its loss on G's images' "fake" class falls too, and
    /// real images' targets leave "fake" at 0.
    @Test(arguments: [CaptionTargetKind.words, .wordsOrFake])
    func captionWordsHeadLearnsTheBatch(target: CaptionTargetKind) {
        var c = smallConfiguration(.glove, interpolation: false)
        c.captionReconstruction = 1
        c.captionTarget = target
        let classes = target == .words ? 1004 : 1005
        let model = GANModel(c, seed: 8)
        #expect(model.parameters.first { $0.name == "d.caption.weight" }?.value.shape == [classes, 16 * 8])
        let batch = testBatch(size: 8, imageSize: 16)
        if target == .wordsOrFake {
            let targets = batch.captions.wordDistribution(vocabularySize: 1004, columns: c.captionTargetDimension)
            #expect((0..<8).allSatisfy { targets.data[$0 * 1005 + c.fakeCaptionClass] == 0 })
        }
        var rng = SeededGenerator(seed: 5)
        let first = model.trainStep(images: batch.images, captions: batch.captions, random: &rng)
        // Logits near 0: about log(classes) per image.
        #expect(abs(first.caption - log(Float(classes))) < 0.2, "initial words loss \(first.caption)")
        #expect(target == .words ? first.captionFake == 0 : abs(first.captionFake - log(Float(classes))) < 0.2,
                "initial fake-class loss \(first.captionFake)")
        var last = first
        for _ in 0..<30 { last = model.trainStep(images: batch.images, captions: batch.captions, random: &rng) }
        #expect(last.caption < first.caption - 0.5, "D's words loss \(first.caption) -> \(last.caption)")
        if target == .wordsOrFake {
            #expect(last.captionFake < first.captionFake - 0.5, "D's fake-class loss \(first.captionFake) -> \(last.captionFake)")
        }
    }

    /// G's step passes gradients through D without making D's weight gradients (D's next step
    /// zeroes them anyway); D's layers make them again afterwards.
    @Test func generatorStepLeavesDsWeightGradientsAlone() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.captionReconstruction = 1
        let model = GANModel(c, seed: 8)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 5)
        let noise = Tensor.normal([6, 100], std: 1, using: &rng)
        let weights = model.discriminator.parameters.filter { $0.value.rank > 1 || $0.name.hasSuffix("caption.bias") }
        weights.forEach { $0.zeroGrad() }
        let g = model.accumulateGeneratorGradients(generated: model.generator.forward(noise: noise, text: batch.captions.glove),
                                                   text: batch.captions.glove, batch: 6, captionTargets: batch.captions.glove)
        #expect(g.caption > 0)
        #expect(weights.allSatisfy { $0.grad.data.allSatisfy { $0 == 0 } })
        #expect(model.generator.parameters.allSatisfy { $0.grad.data.contains { $0 != 0 } })
        #expect(model.discriminator.accumulatesParameterGradients)
        _ = model.accumulateDiscriminatorGradients(images: batch.images, text: batch.captions.glove, fakeImages: batch.images,
                                                   captionTargets: batch.captions.glove)
        #expect(weights.allSatisfy { $0.grad.data.contains { $0 != 0 } })
    }

    /// D's own step skips the gradient with respect to its (constant) images: the trunk's
    /// parameter gradients are bit for bit those of the full backward pass, and the first
    /// convolution makes input gradients again afterwards.
    @Test func discriminatorStepSkipsTheImageGradient() {
        let model = GANModel(smallConfiguration(.glove, interpolation: false), seed: 8)
        let d = model.discriminator
        let images = testBatch(size: 6, imageSize: 16).images
        let features = d.trunkForward(images)
        var random = SeededGenerator(seed: 9)
        let gradFeatures = Tensor.normal(features.shape, std: 1, using: &random)
        d.parameters.forEach { $0.zeroGrad() }
        let imageGradient = d.trunkBackward(gradFeatures)
        #expect(imageGradient.shape == images.shape && imageGradient.data.contains { $0 != 0 })
        let full = d.parameters.map(\.grad)
        d.parameters.forEach { $0.zeroGrad() }
        _ = d.trunkForward(images)
        d.trunkParameterBackward(gradFeatures)
        #expect(d.parameters.map(\.grad) == full)
        _ = d.trunkForward(images)
        #expect(d.trunkBackward(gradFeatures) == imageGradient)
    }
}
