import EEE443
import GloVe

/// Turns one caption row (17 token ids) into a fixed-length vector. The encode stage runs any
/// encoder; `GloVeMeanEncoder` is the one the seed used. A trained GRU text encoder joins by
/// conforming to this protocol and being named in `[encode] encoder`.
public protocol CaptionVectorEncoder: Sendable {
    /// Recorded in the ledger's stage hash and the shard manifest.
    var name: String { get }
    var details: [String: String] { get }
    var dimension: Int { get }
    /// Writes the encoding of `row` into `output` (`dimension` floats).
    func encode(_ row: UnsafeBufferPointer<UInt16>, into output: UnsafeMutableBufferPointer<Float>)
}

/// The mean of the caption's word vectors: every position between <START> and <END> (words and
/// <UNK>) counts, and a word without a vector (or <UNK>) contributes zeros.
public struct GloVeMeanEncoder: CaptionVectorEncoder {
    public let embedding: VocabularyEmbedding
    public let source: String

    public init(embedding: VocabularyEmbedding, source: String) {
        self.embedding = embedding
        self.source = source
    }

    public var name: String { "glove-mean" }
    public var dimension: Int { embedding.dimension }
    public var details: [String: String] {
        ["vectors": source, "dimension": "\(dimension)", "missingWords": "\(embedding.missingWords.count)",
         "rule": "mean over word positions between <START> and <END>; <UNK> and words without a vector add zeros"]
    }

    public func encode(_ row: UnsafeBufferPointer<UInt16>, into output: UnsafeMutableBufferPointer<Float>) {
        let dimension = embedding.dimension
        for index in 0..<dimension { output[index] = 0 }
        var words = 0
        embedding.table.withUnsafeBufferPointer { table in
            for token in row {
                let id = Int(token)
                if id == Vocabulary.endID { break }
                if id == Vocabulary.nullID || id == Vocabulary.startID { continue }
                words += 1
                let base = id * dimension
                for index in 0..<dimension { output[index] += table[base + index] }
            }
        }
        if words > 0 {
            let scale = 1 / Float(words)
            for index in 0..<dimension { output[index] *= scale }
        }
    }
}
