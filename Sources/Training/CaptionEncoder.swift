import EEE443
import GAN
import Tensor

/// Word vectors for each vocabulary id and the caption vector rule: the mean of the vectors of
/// a caption's words (ids >= 3, so `<UNK>` counts; `<START>`, `<END>` and padding do not).
public struct CaptionVectorTable: Sendable {
    public let dimension: Int
    /// `vocabularySize * dimension` floats, row `id` for word id `id`.
    public let table: [Float]

    public init(dimension: Int, table: [Float]) {
        precondition(dimension > 0 && table.count % dimension == 0, "vector table of dimension \(dimension)")
        self.dimension = dimension
        self.table = table
    }

    /// A stand-in for GloVe when no GloVe file is configured: N(0, 1) vectors per id from `seed`.
    public static func seeded(vocabularySize: Int, dimension: Int, seed: UInt64) -> CaptionVectorTable {
        var rng = SeededGenerator(seed: seed)
        return CaptionVectorTable(dimension: dimension,
                                  table: Tensor.normal([vocabularySize, dimension], std: 1, using: &rng).data)
    }

    /// The mean vector of the words in one token row (zeros if it has none).
    public func mean<C: Collection>(of row: C) -> [Float] where C.Element == Int32 {
        var sum = [Float](repeating: 0, count: dimension)
        var words = 0
        for id in row where id >= Int32(Vocabulary.unknownID) && Int(id) * dimension < table.count {
            words += 1
            for j in 0..<dimension { sum[j] += table[Int(id) * dimension + j] }
        }
        return words == 0 ? sum : sum.map { $0 / Float(words) }
    }
}

/// Free text to the caption form the model reads: token rows and mean word vectors.
public struct CaptionEncoder: Sendable {
    public let vocabulary: Vocabulary
    public let vectors: CaptionVectorTable

    public init(vocabulary: Vocabulary = .eee443, vectors: CaptionVectorTable) {
        self.vocabulary = vocabulary
        self.vectors = vectors
    }

    /// Encodes `sentences`; words outside the vocabulary become `<UNK>` and are returned.
    public func encode(_ sentences: [String]) -> (captions: CaptionBatch, unknown: [String]) {
        var tokens: [Int32] = [], glove: [Float] = [], unknown: [String] = []
        for s in sentences {
            let e = vocabulary.encode(s)
            tokens += e.row
            glove += vectors.mean(of: e.row)
            unknown += e.unknown
        }
        return (CaptionBatch(tokens: tokens, glove: Tensor(shape: [sentences.count, vectors.dimension], data: glove)), unknown)
    }
}
