import GAN
import Tensor
import TestSupport
import Testing

@Suite(.tensorExclusive) struct GANModelTests {
    @Test(arguments: [32, 64]) func shapesAt64(width: Int) {
        let c = GANConfiguration(imageSize: 64, width: width)
        var rng = SeededGenerator(seed: 1)
        let g = Generator(c, generator: &rng), d = Discriminator(c, generator: &rng)
        let noise = Tensor.normal([2, 100], std: 1, using: &rng), text = Tensor.normal([2, 50], std: 1, using: &rng)
        let images = g.forward(noise: noise, text: text)
        #expect(images.shape == [2, 64, 64, 3])
        #expect(images.data.allSatisfy { $0 >= -1 && $0 <= 1 })
        let features = d.trunkForward(images)
        #expect(features.shape == [2, 4, 4, 8 * width])
        #expect(d.headForward(features: features, text: text).shape == [2])
        // D: 4 convs, text Linear + BN, 1x1 conv + BN, logit conv; 3 trunk BNs.
        #expect(d.batchNorms.count == 5 && g.batchNorms.count == 4)
        let weights = d.parameters.filter { $0.name.hasSuffix(".weight") && $0.value.rank == 4 }
        #expect(weights.map { $0.value.shape } == [[4, 4, 3, width], [4, 4, width, 2 * width], [4, 4, 2 * width, 4 * width],
                                                    [4, 4, 4 * width, 8 * width], [1, 1, 8 * width + 128, 8 * width],
                                                    [4, 4, 8 * width, 1]])
    }

    /// Conditional batch norm adds one Linear(128, 2C) per G batch norm; with those weights and
    /// biases at 0 it is the plain G (same other weights: same images), with its own weights it is not.
    @Test func conditionalBatchNormStartsFromThePlainGenerator() {
        var c = GANConfiguration(imageSize: 16, width: 4)
        var rng = SeededGenerator(seed: 2)
        let plain = Generator(c, generator: &rng)
        c.conditionalBatchNorm = true
        let conditional = Generator(c, generator: &rng)
        let extra = conditional.parameters.filter { $0.name.contains(".bn.text.") }
        #expect(extra.map(\.name) == ["g.project.bn.text.weight", "g.project.bn.text.bias", "g.up1.bn.text.weight", "g.up1.bn.text.bias"])
        #expect(extra.map(\.value.shape) == [[16, 128], [16], [8, 128], [8]])  // 2C for the 8- and 4-channel BNs
        #expect(conditional.parameters.count == plain.parameters.count + extra.count)
        let shared = conditional.parameters.filter { !$0.name.contains(".bn.text.") }
        for (p, q) in zip(shared, plain.parameters) { p.value = q.value }
        let noise = Tensor.normal([3, 100], std: 1, using: &rng), text = Tensor.normal([3, 50], std: 1, using: &rng)
        let modulated = conditional.forward(noise: noise, text: text)
        #expect(modulated != plain.forward(noise: noise, text: text))
        for p in extra { p.value = Tensor(zeros: p.value.shape) }
        #expect(conditional.forward(noise: noise, text: text) == plain.forward(noise: noise, text: text))
    }

    @Test func initialisationIsNormalWithStd002() {
        let model = GANModel(GANConfiguration(imageSize: 64, width: 32), seed: 3)
        let conv = model.parameters.first { $0.name == "d.down3.weight" }
        let data = conv?.value.data ?? []
        let mean = data.reduce(0, +) / Float(data.count)
        let std = (data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(data.count)).squareRoot()
        #expect(abs(mean) < 1e-3 && abs(std - 0.02) < 1e-3)
    }

    @Test func adamStateRestoredIntoANewOptimizerContinuesBitForBit() {
        var rng = SeededGenerator(seed: 5)
        let a = Parameter("a", .normal([37], std: 1, using: &rng)), b = Parameter("b", a.value)
        let first = Adam(parameters: [a]), second = Adam(parameters: [b])
        let gradients = (0..<6).map { _ in Tensor.normal([37], std: 1, using: &rng) }
        for g in gradients.prefix(3) {
            a.grad = g
            first.update()
        }
        // `second` takes over after three steps from the saved state, as a resumed run does.
        b.value = a.value
        second.m = first.m
        second.v = first.v
        second.step = first.step
        for g in gradients.suffix(3) {
            a.grad = g
            b.grad = g
            first.update()
            second.update()
        }
        #expect(a.value.data.map(\.bitPattern) == b.value.data.map(\.bitPattern))
    }

    @Test func mismatchedCaptionsAreTheNextImagesCaptions() {
        let t = Tensor(shape: [3, 2], data: [0, 1, 10, 11, 20, 21])
        #expect(t.batchRolled(by: 1).data == [10, 11, 20, 21, 0, 1])
        #expect(t.batchRolled(by: 1).batchRolled(by: -1) == t)
    }
}
