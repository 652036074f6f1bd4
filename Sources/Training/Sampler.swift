import GAN
import Tensor

/// Images from a trained G for free-text captions.
public struct Sampler {
    public let model: GANModel
    public let encoder: CaptionEncoder
    /// Normalise G's activations with each call's batch statistics instead of the running ones.
    public var batchStatistics = false
    /// Draw from the model's averaged G when it keeps one (`model.generatorAverage`); false: from G itself.
    public var averaged = true

    public init(model: GANModel, encoder: CaptionEncoder) {
        self.model = model
        self.encoder = encoder
    }

    /// `perCaption` images for each caption, the same noise vectors (drawn from `seed`) for every caption.
    /// - Returns: images `[captions * perCaption, S, S, 3]` in caption-major order and the out-of-vocabulary words.
    public func images(captions: [String], perCaption: Int, seed: UInt64) -> (images: Tensor, unknown: [String]) {
        var rng = SeededGenerator(seed: seed)
        let noise = Tensor.normal([perCaption, model.configuration.noiseDimension], std: 1, using: &rng)
        let encoded = encoder.encode(captions.flatMap { [String](repeating: $0, count: perCaption) })
        var allNoise = noise
        for _ in 1..<Swift.max(captions.count, 1) { allNoise = allNoise.batchConcatenated(noise) }
        return (model.sample(captions: encoded.captions, noise: allNoise, batchStatistics: batchStatistics, averaged: averaged), Array(Set(encoded.unknown)).sorted())
    }

    /// Writes a PNG grid with one row per caption.
    /// - Returns: the out-of-vocabulary words (mapped to `<UNK>`).
    /// - Throws: `PNGWriteError`.
    @discardableResult
    public func writeGrid(captions: [String], perCaption: Int, seed: UInt64, to path: String) throws -> [String] {
        let result = images(captions: captions, perCaption: perCaption, seed: seed)
        try ImageGrid.writePNG(images: result.images.data, imageSize: model.configuration.imageSize,
                               rows: captions.count, columns: perCaption, to: path)
        return result.unknown
    }
}
