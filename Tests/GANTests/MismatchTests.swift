import GAN
import Tensor
import TestSupport
import Testing

/// The "wrong caption" of GAN-CLS: which caption each image gets, and that the gradient reaches
/// the caption that was used.
@Suite(.tensorExclusive) struct MismatchTests {
    /// Four captions: 0 and 1 are close, 2 has the same words as 0, 3 is far from everything.
    static func batch() -> CaptionBatch {
        let rows: [[Int32]] = [[1, 10, 11, 2], [1, 10, 12, 2], [1, 10, 11, 2], [1, 40, 41, 2]]
        let vectors: [[Float]] = [[1, 0, 0], [0.9, 0.2, 0], [1, 0, 0], [0, 0, 1]]
        return CaptionBatch(tokens: rows.flatMap { $0 }, tokensPerCaption: 4, glove: Tensor(shape: [4, 3], data: vectors.flatMap { $0 }))
    }

    @Test func nextIsTheFollowingCaption() {
        #expect(Self.batch().mismatchIndices(.next) == [1, 2, 3, 0])
    }

    @Test func nearestIsTheClosestCaptionWithOtherWords() {
        // 0 -> 1 (2 has the same words); 1 -> 0 (2 ties with it: the lower index wins);
        // 2 -> 1 (0 has its words); 3 is orthogonal to all three: the lowest index, 0.
        let m = Self.batch().mismatchIndices(.nearest)
        #expect(m[0] == 1 && m[1] == 0 && m[2] == 1)
        #expect(m[3] == 0)
        #expect(m.enumerated().allSatisfy { $0.offset != $0.element })
    }

    @Test func nearestFallsBackToNextWhenEveryOtherCaptionHasTheSameWords() {
        let same = CaptionBatch(tokens: [1, 5, 2, 1, 5, 2, 1, 5, 2], tokensPerCaption: 3,
                                glove: Tensor(shape: [3, 2], data: [1, 0, 1, 0, 1, 0]))
        #expect(same.mismatchIndices(.nearest) == [1, 2, 0])
    }

    /// `batchScatterAdded` is the adjoint of `batchGathered`, including indices used twice:
    /// <gather(x), g> = <x, scatter(g)>.
    @Test func scatterIsTheAdjointOfGather() {
        var rng = SeededGenerator(seed: 5)
        let x = Tensor.normal([5, 3], std: 1, using: &rng), g = Tensor.normal([5, 3], std: 1, using: &rng)
        let indices = [3, 3, 0, 4, 1]
        func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.data, b.data).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        #expect(abs(dot(x.batchGathered(indices), g) - dot(x, g.batchScatterAdded(indices))) < 1e-5)
        #expect(x.batchGathered(indices).data[0..<3] == x.data[9..<12])
        #expect(g.batchScatterAdded(indices).data[6..<9] == [0, 0, 0], "caption 2 was never used")
    }

    /// `.nearest` changes the captions of D's wrong term only: the fake term (its own forward pass,
    /// before D's update) is bit-identical. The real term shares the head's batch norm with the
    /// wrong one, so it may move too.
    @Test func nearestChangesOnlyTheWrongTerm() {
        func firstStep(_ kind: MismatchKind) -> GANLosses {
            var c = smallConfiguration(.glove, interpolation: false)
            c.mismatch = kind
            let model = GANModel(c, seed: 8)
            let batch = testBatch(size: 8, imageSize: 16)
            var rng = SeededGenerator(seed: 1)
            return model.trainStep(images: batch.images, captions: batch.captions, random: &rng)
        }
        let (next, nearest) = (firstStep(.next), firstStep(.nearest))
        #expect(next.fake == nearest.fake)
        #expect(next.wrong != nearest.wrong)
    }
}
