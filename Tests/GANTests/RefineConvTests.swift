import GAN
import Tensor
import TestSupport
import Testing

/// `discriminatorRefine`: a 3x3 stride-1 conv with batch norm and leaky ReLU after the named stages of D.
@Suite(.tensorExclusive) struct DiscriminatorRefineTests {
    func refinedConfiguration(_ sides: [Int]) -> GANConfiguration {
        var c = smallConfiguration(.glove, interpolation: false)
        c.discriminatorRefine = sides
        return c
    }

    /// At 16x16 (stages of side 8 and 4) with [8]: one more conv (3x3, w -> w) and batch norm right
    /// after the first stage, nothing else changes shape, and without the key D is the paper's.
    @Test func addsA3x3ConvAfterTheNamedStage() {
        var rng = SeededGenerator(seed: 3)
        let plain = Discriminator(smallConfiguration(.glove, interpolation: false), generator: &rng)
        let refined = Discriminator(refinedConfiguration([8]), generator: &rng)
        let convs = refined.parameters.filter { $0.name.hasSuffix(".weight") && $0.value.rank == 4 }
        #expect(convs.map(\.name).prefix(3) == ["d.down1.weight", "d.down1.refine.weight", "d.down2.weight"])
        #expect(convs.map(\.value.shape).prefix(3) == [[4, 4, 3, 4], [3, 3, 4, 4], [4, 4, 4, 8]])
        #expect(refined.batchNorms.count == plain.batchNorms.count + 1)
        #expect(refined.batchNorms.map(\.gamma.name).contains("d.down1.refine.bn.weight"))
        #expect(!plain.parameters.contains { $0.name.contains("refine") })
        let images = Tensor.uniform([2, 16, 16, 3], low: -1, high: 1, using: &rng)
        #expect(refined.trunkForward(images).shape == plain.trunkForward(images).shape)
        let both = Discriminator(refinedConfiguration([4, 8]), generator: &rng)
        #expect(both.parameters.filter { $0.name.hasSuffix("refine.weight") }.map(\.value.shape) == [[3, 3, 4, 4], [3, 3, 8, 8]])
    }

    /// D's weight gradients with both refinements, against central finite differences of D's loss.
    /// The step is 3e-4, not 1e-3: in this 4-channel D, batch norm divides by deviations of a few
    /// hundredths, and at 1e-3 the curvature alone puts the difference quotients 5-20% off (for the
    /// plain D's text projection too; they converge on the analytic value as the step shrinks).
    @Test(arguments: [17, 19, 21] as [UInt64]) func discriminatorGradientMatchesFiniteDifferences(seed: UInt64) {
        let model = GANModel(refinedConfiguration([8, 4]), seed: seed)
        let batch = testBatch(size: 6, imageSize: 16)
        var rng = SeededGenerator(seed: 9)
        let fakes = Tensor.uniform([6, 16, 16, 3], low: -1, high: 1, using: &rng)
        let mismatch = [3, 0, 5, 1, 2, 4]
        func loss() -> Double {
            let d = model.accumulateDiscriminatorGradients(images: batch.images, text: batch.captions.glove, mismatch: mismatch,
                                                           fakeImages: fakes)
            return Double(d.real) + 0.5 * (Double(d.wrong) + Double(d.fake))
        }
        model.discriminatorOptimizer.zeroGrad()
        _ = loss()
        let weights = model.discriminator.parameters.filter { $0.value.rank > 1 }
        #expect(weights.filter { $0.name.contains("refine") }.count == 2)
        #expect(checkLargestGradients(weights, weights.map(\.grad), count: 2, h: 3e-4, loss: loss) == 2 * weights.count)
    }

    /// A side that is not one of D's stages, or one named twice, is a configuration problem.
    @Test func sidesMustBeStagesOfD() {
        #expect(refinedConfiguration([]).problem == nil && refinedConfiguration([8, 4]).problem == nil)
        #expect(refinedConfiguration([16]).problem?.contains("16 is not the side of one of D's stages (8, 4)") == true)
        #expect(refinedConfiguration([8, 8]).problem?.contains("twice") == true)
    }
}

/// `generatorRefine`: a 3x3 stride-1 conv with batch norm and ReLU after the named inner stages of G.
@Suite(.tensorExclusive) struct GeneratorRefineTests {
    /// At 16x16 (G's stages end at 8 and 16) with [8]: one more conv (3x3, 4 -> 4 channels) and
    /// batch norm after the first stage, modulated like the others with conditional batch norm;
    /// the image keeps its shape.
    @Test func addsA3x3ConvAfterTheNamedStage() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.conditionalBatchNorm = true
        var rng = SeededGenerator(seed: 5)
        let plain = Generator(c, generator: &rng)
        c.generatorRefine = [8]
        let refined = Generator(c, generator: &rng)
        let convs = refined.parameters.filter { $0.name.hasSuffix(".weight") && $0.value.rank == 4 }
        #expect(convs.map(\.name) == ["g.project.weight", "g.up1.weight", "g.up1.refine.weight", "g.up2.weight"])
        #expect(convs[2].value.shape == [3, 3, 4, 4])
        #expect(refined.batchNorms.count == plain.batchNorms.count + 1)
        #expect(refined.parameters.contains { $0.name == "g.up1.refine.bn.text.weight" })
        let noise = Tensor.normal([2, 100], std: 1, using: &rng), text = Tensor.normal([2, 50], std: 1, using: &rng)
        #expect(refined.forward(noise: noise, text: text).shape == [2, 16, 16, 3])
    }

    /// G's weight gradients through D, both refined, against central finite differences of G's loss.
    @Test func generatorGradientMatchesFiniteDifferences() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.generatorRefine = [8]
        c.discriminatorRefine = [8]
        let weights = checkGeneratorWeightGradients(c)
        #expect(weights.contains { $0.name == "g.up1.refine.weight" })
    }

    /// Only G's inner stages can be refined: not the image's own side, not a side twice.
    @Test func sidesMustBeInnerStagesOfG() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.generatorRefine = [8]
        #expect(c.problem == nil)
        c.generatorRefine = [16]
        #expect(c.problem?.contains("16 is not the side of one of G's inner stages (8)") == true)
        c.generatorRefine = [8, 8]
        #expect(c.problem?.contains("twice") == true)
    }
}

/// Checks G's weight gradients (every tensor of rank > 1 that `include` accepts, its 2 largest
/// entries, step 3e-4) through D against central finite differences of G's loss on 6 fixed samples
/// of configuration `c`; returns the weights checked.
@discardableResult
func checkGeneratorWeightGradients(_ c: GANConfiguration, include: (Parameter) -> Bool = { _ in true },
                                   sourceLocation: SourceLocation = #_sourceLocation) -> [Parameter] {
    let model = GANModel(c, seed: 29)
    var rng = SeededGenerator(seed: 6)
    let noise = Tensor.normal([6, 100], std: 1, using: &rng), text = Tensor.normal([6, 50], std: 0.3, using: &rng)
    func loss() -> Double {
        let generated = model.generator.forward(noise: noise, text: text)
        return Double(model.accumulateGeneratorGradients(generated: generated, text: text, batch: 6).loss)
    }
    model.generatorOptimizer.zeroGrad()
    _ = loss()
    let weights = model.generator.parameters.filter { $0.value.rank > 1 && include($0) }
    #expect(checkLargestGradients(weights, weights.map(\.grad), count: 2, h: 3e-4, loss: loss) == 2 * weights.count,
            sourceLocation: sourceLocation)
    return weights
}
