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

/// A per-dimension affine map of caption vectors: (v - centre) / scale.
///
/// Mean word vectors of captions are much alike (on the demo shards two random captions have a
/// mean cosine of 0.62: function words and category centroids dominate), so G's text projection,
/// initialised at N(0, 0.02), starts with a text signal far below the noise. Standardising each
/// dimension over the training captions turns the differences between captions into the signal.
public struct CaptionStandardization: Sendable, Equatable {
    public let centre: [Float]
    public let scale: [Float]

    /// The mean and standard deviation of each dimension over `vectors` (rows of `dimension`).
    public init(fitting vectors: [Float], dimension: Int) {
        precondition(dimension > 0 && vectors.count % dimension == 0 && !vectors.isEmpty, "vectors of dimension \(dimension)")
        let rows = vectors.count / dimension
        var sum = [Double](repeating: 0, count: dimension), squares = sum
        for r in 0..<rows {
            for j in 0..<dimension { let v = Double(vectors[r * dimension + j]); sum[j] += v; squares[j] += v * v }
        }
        centre = sum.map { Float($0 / Double(rows)) }
        scale = (0..<dimension).map { j in
            let mean = sum[j] / Double(rows)
            return Float(Swift.max(squares[j] / Double(rows) - mean * mean, 1e-12).squareRoot())
        }
    }

    /// Standardises `vectors` (rows of `centre.count`) in place.
    public func apply(to vectors: inout [Float]) {
        let d = centre.count
        for i in vectors.indices { vectors[i] = (vectors[i] - centre[i % d]) / scale[i % d] }
    }
}

/// Free text to the caption form the model reads: token rows and mean word vectors.
public struct CaptionEncoder: Sendable {
    public let vocabulary: Vocabulary
    public let vectors: CaptionVectorTable
    /// Applied to every mean vector, when the training data standardises them.
    public let standardization: CaptionStandardization?

    public init(vocabulary: Vocabulary = .eee443, vectors: CaptionVectorTable, standardization: CaptionStandardization? = nil) {
        self.vocabulary = vocabulary
        self.vectors = vectors
        self.standardization = standardization
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
        standardization?.apply(to: &glove)
        return (CaptionBatch(tokens: tokens, glove: Tensor(shape: [sentences.count, vectors.dimension], data: glove)), unknown)
    }
}
