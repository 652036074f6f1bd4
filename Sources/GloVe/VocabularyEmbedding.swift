import EEE443

/// Word vectors for each id of a vocabulary: the GloVe vector of its display word, or zeros for
/// the special tokens and for words the vector file lacks (those are counted and named).
public struct VocabularyEmbedding: Sendable {
    public let dimension: Int
    /// `vocabulary.count * dimension` floats; row `id` is the vector of word `id`.
    public let table: [Float]
    /// Display words (not special tokens) that had no vector, in id order.
    public let missingWords: [String]
    /// Number of ordinary words (ids past the special tokens) looked up.
    public let wordsLookedUp: Int

    /// Looks up every display word of `vocabulary` in `vectors`.
    /// - Complexity: O(vectors.words.count) to scan, O(vocabulary.count * dimension) to copy.
    public init(vocabulary: Vocabulary, vectors: WordVectors) {
        dimension = vectors.dimension
        var wanted: [String: Int] = [:]
        for (id, word) in vocabulary.words.enumerated() where id > Vocabulary.unknownID { wanted[word] = id }
        var table = [Float](repeating: 0, count: vocabulary.count * vectors.dimension)
        var found = Set<Int>()
        for (row, word) in vectors.words.enumerated() {
            guard let id = wanted[word], found.insert(id).inserted else { continue }
            let source = vectors.vector(at: row)
            table.replaceSubrange((id * dimension)..<((id + 1) * dimension), with: source)
        }
        self.table = table
        missingWords = vocabulary.words.enumerated().filter { $0.offset > Vocabulary.unknownID && !found.contains($0.offset) }.map(\.element)
        wordsLookedUp = max(0, vocabulary.count - (Vocabulary.unknownID + 1))
    }

    /// Share of ordinary vocabulary words that have a vector.
    public var coverage: Double {
        wordsLookedUp == 0 ? 0 : Double(wordsLookedUp - missingWords.count) / Double(wordsLookedUp)
    }

    /// The vector of id `id`.
    public func vector(of id: Int) -> ArraySlice<Float> { table[(id * dimension)..<((id + 1) * dimension)] }
}
