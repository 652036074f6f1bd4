import GAN
import Tensor

/// A small deterministic batch: random images in [-1, 1], token rows of varied lengths and
/// random 50-d caption vectors.
func testBatch(size n: Int, imageSize: Int, seed: UInt64 = 7) -> (images: Tensor, captions: CaptionBatch) {
    var rng = SeededGenerator(seed: seed)
    let images = Tensor.uniform([n, imageSize, imageSize, 3], low: -1, high: 1, using: &rng)
    var tokens: [Int32] = []
    for i in 0..<n {
        let words = 3 + i % 6
        var row: [Int32] = [1]
        for _ in 0..<words { row.append(Int32(4 + rng.next() % 1000)) }
        row.append(2)
        tokens += row + [Int32](repeating: 0, count: 17 - row.count)
    }
    return (images, CaptionBatch(tokens: tokens, glove: .normal([n, 50], std: 0.3, using: &rng)))
}

func smallConfiguration(_ encoder: TextEncoderKind, interpolation: Bool = true) -> GANConfiguration {
    GANConfiguration(imageSize: 16, width: 4, textEncoder: encoder, interpolation: interpolation)
}
