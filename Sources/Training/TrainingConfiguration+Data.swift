import EEE443
import GAN
import GloVe
import Shards

extension TrainingConfiguration {
    /// The caption encoder for free text, the same as training used: the shard folder's own
    /// vectors (and standardisation) for `"shards"`; GloVe means from `data.glove`, or the seeded
    /// stand-in, for `"synthetic"`.
    /// - Throws: `GloVeError`, `ShardError` or `TrainingConfigurationError` if the source is unusable.
    public func captionEncoder() throws -> CaptionEncoder {
        if data.source == "shards" { return try makeData().captionEncoder }
        let vocabulary = Vocabulary.eee443
        guard let path = data.glove else {
            return CaptionEncoder(vocabulary: vocabulary, vectors: .seeded(vocabularySize: vocabulary.count,
                                                                          dimension: model.gloveDimension, seed: data.seed))
        }
        let embedding = VocabularyEmbedding(vocabulary: vocabulary, vectors: try WordVectors.load(path: path))
        guard embedding.dimension == model.gloveDimension else {
            throw TrainingConfigurationError(path: path, reason: "GloVe dimension \(embedding.dimension), model expects \(model.gloveDimension)")
        }
        return CaptionEncoder(vocabulary: vocabulary, vectors: CaptionVectorTable(dimension: embedding.dimension, table: embedding.table))
    }

    /// The training records this configuration names.
    ///
    /// The Shards seam: `"shards"` will open `data.path` with the Shards reader behind a
    /// `TrainingData` adapter once that module is merged.
    /// - Throws: `TrainingConfigurationError` if the source cannot be opened.
    public func makeData() throws -> any AttributeLabeledData {
        switch data.source {
        case "synthetic":
            let held = Set(data.heldOut)
            let combinations = SyntheticShapes.allCombinations.filter { !held.contains($0) }
            return SyntheticShapes(count: data.count, imageSize: model.imageSize, seed: data.seed,
                                   combinations: combinations, captionEncoder: try captionEncoder())
        default:
            guard let path = data.path else {
                throw TrainingConfigurationError(path: "data.path", reason: "data.source \"shards\" needs data.path, a shard folder")
            }
            return try ShardsTrainingData(directory: path, demoSeed: data.demoSeed,
                                          standardizeFrom: data.standardizeCaptionVectors ? path : nil)
        }
    }

    /// Held-out real records with every attribute combination: synthetic records from another
    /// seed. (The demo dataset's adapter will return its test split here.)
    /// - Throws: `TrainingConfigurationError` if the source cannot be opened.
    public func makeTestData() throws -> any AttributeLabeledData {
        guard data.source == "synthetic" else {
            guard let path = data.testPath else { return try makeData() }
            return try ShardsTrainingData(directory: path, demoSeed: data.demoSeed,
                                          standardizeFrom: data.standardizeCaptionVectors ? data.path : nil)
        }
        return SyntheticShapes(count: 2048, imageSize: model.imageSize, seed: data.seed &+ 0x7E57,
                               captionEncoder: try captionEncoder())
    }
}

extension TrainingConfiguration {
    /// Attribute triples that never appeared in training: the configured synthetic ones, or the
    /// demo dataset's held-out triples for demo shards.
    public var heldOutCombinations: [[Int]] {
        data.source == "shards" && data.demoSeed != nil ? ShardsTrainingData.demoHeldOut : data.heldOut
    }
}
