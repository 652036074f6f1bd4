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
}
