@testable import GAN
import Tensor
import TestSupport
import Testing

@Suite(.tensorExclusive) struct AugmentationTests {
    /// Every output pixel against the definition, pixel by pixel: out[y, x] = in[y − dy, x − dx]
    /// where that is inside the image and (y, x) is outside the cutout square, else 0.
    @Test func translationAndCutoutFollowTheirDefinition() {
        var rng = SeededGenerator(seed: 5)
        let images = Tensor.uniform([4, 8, 8, 2], low: -1, high: 1, using: &rng)
        let draws = [ImageAugmentation.Draw(dy: 2, dx: -3, cutY: 1, cutX: 5), .init(dy: -1, dx: 0, cutY: -2, cutX: -2),
                     .init(dy: 0, dx: 0, cutY: 8, cutX: 8), .init(dy: 7, dx: 7, cutY: 3, cutX: 3)]
        let augmentation = ImageAugmentation(draws: draws, cutout: 3)
        let out = augmentation.apply(images)
        var moved = 0, zeroed = 0
        for (i, d) in draws.enumerated() {
            for y in 0..<8 {
                for x in 0..<8 {
                    let (sy, sx) = (y - d.dy, x - d.dx)
                    let cut = y >= d.cutY && y < d.cutY + 3 && x >= d.cutX && x < d.cutX + 3
                    for k in 0..<2 {
                        let expected: Float = !cut && (0..<8).contains(sy) && (0..<8).contains(sx)
                            ? images.data[((i * 8 + sy) * 8 + sx) * 2 + k] : 0
                        #expect(out.data[((i * 8 + y) * 8 + x) * 2 + k] == expected, "image \(i) (\(y), \(x), \(k))")
                        if expected == 0 { zeroed += 1 } else { moved += 1 }
                    }
                }
            }
        }
        // Image 2 is unchanged (its square lies outside), image 3 keeps one pixel.
        #expect(Array(out.data[256..<384]) == Array(images.data[256..<384]))
        #expect(moved > 0 && zeroed > 0)
    }

    /// The adjoint is exact: ⟨apply(x), g⟩ = ⟨x, adjoint(g)⟩ for random draws, in Double.
    @Test func adjointIsExact() {
        var rng = SeededGenerator(seed: 9)
        let x = Tensor.uniform([6, 16, 16, 3], low: -1, high: 1, using: &rng)
        let g = Tensor.uniform([6, 16, 16, 3], low: -1, high: 1, using: &rng)
        for (translation, cutout) in [(3, 0), (0, 8), (4, 6), (15, 16)] {
            let a = ImageAugmentation(count: 6, size: 16, translation: translation, cutout: cutout, random: &rng)
            let ax = a.apply(x), ag = a.adjoint(g)
            let left = zip(ax.data, g.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let right = zip(x.data, ag.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(abs(left - right) < 1e-9 * Swift.max(1, abs(left)), "t \(translation), c \(cutout): \(left) vs \(right)")
            #expect(ax != x, "t \(translation), c \(cutout) changed nothing")
        }
    }

    /// Shifts are uniform over [−t, t] (both ends reached), cutout corners over [−c/2, S − c/2];
    /// with both off the images pass unchanged and no random numbers are drawn.
    @Test func drawsCoverTheirRangesAndOffDrawsNothing() {
        var rng = SeededGenerator(seed: 1)
        let a = ImageAugmentation(count: 400, size: 16, translation: 2, cutout: 6, random: &rng)
        #expect(Set(a.draws.map(\.dy)) == Set(-2...2) && Set(a.draws.map(\.dx)) == Set(-2...2))
        #expect(Set(a.draws.map(\.cutY)) == Set(-3...13) && Set(a.draws.map(\.cutX)) == Set(-3...13))
        var before = SeededGenerator(seed: 4), after = SeededGenerator(seed: 4)
        let off = ImageAugmentation(count: 3, size: 16, translation: 0, cutout: 0, random: &after)
        #expect(before.next() == after.next())
        let x = Tensor.uniform([3, 16, 16, 3], low: -1, high: 1, using: &rng)
        #expect(off.apply(x) == x && off.adjoint(x) == x)
    }

    /// G's weight gradients when D sees G's images translated and cut out, against central finite
    /// differences of G's loss with the same draws: the gradient reaches G through the adjoint.
    @Test func generatorGradientThroughTheAugmentationMatchesFiniteDifferences() {
        var c = smallConfiguration(.glove, interpolation: false)
        (c.augmentTranslation, c.augmentCutout) = (2, 6)
        let model = GANModel(c, seed: 31)
        var rng = SeededGenerator(seed: 6)
        let noise = Tensor.normal([6, 100], std: 1, using: &rng), text = Tensor.normal([6, 50], std: 0.3, using: &rng)
        let augmentation = ImageAugmentation(count: 6, size: 16, translation: 2, cutout: 6, random: &rng)
        func loss() -> Double {
            Double(model.accumulateGeneratorGradients(generated: model.generator.forward(noise: noise, text: text), text: text, batch: 6,
                                                      augmentation: augmentation).loss)
        }
        model.generatorOptimizer.zeroGrad()
        _ = loss()
        // G's convolutions only: every gradient G gets passes through the adjoint and then through
        // them. The text Linear's largest gradients (~4e-4) are below what a Float loss resolves at
        // h = 3e-4 (as in `bilinearStagesBlurAndKeepTheirGradients`).
        let weights = model.generator.parameters.filter { $0.value.rank == 4 }
        let analytic = weights.map(\.grad)
        #expect(checkLargestGradients(weights, analytic, count: 2, h: 3e-4, loss: loss) == 2 * weights.count)
        // Without the adjoint (D's image gradient applied to G's unmoved pixels) the gradient differs.
        model.generatorOptimizer.zeroGrad()
        _ = model.accumulateGeneratorGradients(generated: model.generator.forward(noise: noise, text: text), text: text, batch: 6)
        #expect(zip(weights.map(\.grad), analytic).contains { $0.0 != $0.1 })
    }

    /// A step with augmentation changes D's losses (D sees moved images), off leaves the step bit for
    /// bit as it was, and out-of-range settings are named.
    @Test func stepUsesTheAugmentationAndBadSettingsAreNamed() {
        let batch = testBatch(size: 6, imageSize: 16)
        func step(_ translation: Int, _ cutout: Int) -> GANLosses {
            var c = smallConfiguration(.glove, interpolation: true)
            (c.augmentTranslation, c.augmentCutout) = (translation, cutout)
            var rng = SeededGenerator(seed: 2)
            return GANModel(c, seed: 3).trainStep(images: batch.images, captions: batch.captions, random: &rng)
        }
        let plain = step(0, 0)
        #expect(plain == step(0, 0))
        for (t, k) in [(3, 0), (0, 8)] {
            let moved = step(t, k)
            #expect(moved.real != plain.real && moved.fake != plain.fake && moved.generator.isFinite, "t \(t), c \(k)")
        }
        var c = smallConfiguration(.glove)
        c.augmentTranslation = 16
        #expect(c.problem?.contains("augmentTranslation") == true)
        c.augmentTranslation = 15
        c.augmentCutout = 17
        #expect(c.problem?.contains("augmentCutout") == true)
        c.augmentCutout = 16
        #expect(c.problem == nil)
    }
}
