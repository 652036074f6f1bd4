@testable import GAN
import Tensor
import TestSupport
import Testing

@Suite(.tensorExclusive) struct GeneratorResizeTests {
    /// At 16x16 (G's stages end at 8 and 16) with [16]: the last stage is an `UpsampleConv2d`
    /// with a 3x3 weight (4 -> 3 channels), the first stays a transposed conv; the image keeps its
    /// shape, and the layers before it draw the same weights as without the key.
    @Test func replacesTheNamedStagesTransposedConv() {
        var c = smallConfiguration(.glove, interpolation: false)
        var rng = SeededGenerator(seed: 5)
        let plain = Generator(c, generator: &rng)
        c.generatorResize = [16]
        rng = SeededGenerator(seed: 5)
        let resized = Generator(c, generator: &rng)
        #expect(resized.body.layers.filter { $0 is UpsampleConv2d }.count == 1)
        #expect(resized.body.layers.filter { $0 is ConvTranspose2d }.count == 2)
        let weights = Dictionary(uniqueKeysWithValues: resized.parameters.map { ($0.name, $0.value) })
        #expect(weights["g.up2.weight"]?.shape == [4, 3, 3, 3])
        #expect(weights["g.up1.weight"]?.shape == [8, 4, 4, 4])
        for p in plain.parameters where p.name != "g.up2.weight" { #expect(weights[p.name]?.data == p.value.data, "\(p.name)") }
        let noise = Tensor.normal([2, 100], std: 1, using: &rng), text = Tensor.normal([2, 50], std: 1, using: &rng)
        #expect(resized.forward(noise: noise, text: text).shape == [2, 16, 16, 3])
    }

    /// G's weight gradients through D, with both of G's stages resized, against central finite
    /// differences of G's loss.
    @Test func generatorGradientMatchesFiniteDifferences() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.generatorResize = [8, 16]
        let weights = checkGeneratorWeightGradients(c)
        #expect(weights.filter { $0.value.rank == 4 && $0.value.shape[1] == 3 }.map(\.name) == ["g.up1.weight", "g.up2.weight"])
    }

    /// Any of G's stages, the image's own side included; not a side twice, not a side G lacks.
    @Test func sidesMustBeStagesOfG() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.generatorResize = [8, 16]
        #expect(c.problem == nil)
        c.generatorResize = [4]
        #expect(c.problem?.contains("generatorResize: 4 is not the side of one of G's stages (16, 8)") == true)
        c.generatorResize = [16, 16]
        #expect(c.problem?.contains("twice") == true)
    }

    /// With `generatorResizeInterpolation: bilinear` the resized stages blur their outputs: same
    /// weights as nearest, a different image, and the gradients of G's convolutions (both blurred
    /// stages and the projection before them, whose gradient passes through both blurs) still
    /// match finite differences. The text Linear's largest gradient entries here are about 7e-4,
    /// where G's Float loss resolves a central difference at step 3e-4 only to about 2e-4, so
    /// it is left to the nearest-neighbour test above.
    @Test func bilinearStagesBlurAndKeepTheirGradients() {
        var c = smallConfiguration(.glove, interpolation: false)
        c.generatorResize = [8, 16]
        var rng = SeededGenerator(seed: 6)
        let nearest = Generator(c, generator: &rng)
        c.generatorResizeInterpolation = .bilinear
        rng = SeededGenerator(seed: 6)
        let bilinear = Generator(c, generator: &rng)
        let layers = bilinear.body.layers.compactMap { $0 as? UpsampleConv2d }
        #expect(layers.count == 2 && layers.allSatisfy { $0.interpolation == .bilinear })
        #expect(zip(nearest.parameters, bilinear.parameters).allSatisfy { $0.value.data == $1.value.data })
        let noise = Tensor.normal([2, 100], std: 1, using: &rng), text = Tensor.normal([2, 50], std: 1, using: &rng)
        #expect(nearest.forward(noise: noise, text: text).data != bilinear.forward(noise: noise, text: text).data)
        let weights = checkGeneratorWeightGradients(c, include: { $0.value.rank == 4 })
        #expect(weights.map(\.name) == ["g.project.weight", "g.up1.weight", "g.up2.weight"])
    }
}
