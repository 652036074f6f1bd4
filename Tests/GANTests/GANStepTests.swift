import GAN
import Tensor
import Testing

@Suite struct GANStepTests {
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
}
