import EEE443
import GAN
import GloVe

extension TrainingConfiguration {
    /// The caption encoder for free text: GloVe means from `data.glove`, or the seeded stand-in.
    /// - Throws: `GloVeError` or `TrainingConfigurationError` if the GloVe file is unusable.
    public func captionEncoder() throws -> CaptionEncoder {
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
            throw TrainingConfigurationError(path: data.path ?? "data.path",
                                             reason: "the Shards reader is not available in this build yet; use data.source \"synthetic\"")
        }
    }

    /// Held-out real records with every attribute combination: synthetic records from another
    /// seed. (The demo dataset's adapter will return its test split here.)
    /// - Throws: `TrainingConfigurationError` if the source cannot be opened.
    public func makeTestData() throws -> any AttributeLabeledData {
        guard data.source == "synthetic" else { return try makeData() }
        return SyntheticShapes(count: 2048, imageSize: model.imageSize, seed: data.seed &+ 0x7E57,
                               captionEncoder: try captionEncoder())
    }
}
