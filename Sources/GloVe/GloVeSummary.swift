import EEE443
import Foundation

/// What `t2i inspect` reports about a GloVe-format file; Codable for `--json`.
public struct GloVeSummary: Codable, Sendable {
    public let file: String
    public let dimension: Int
    public let words: Int
    /// Ordinary EEE443 vocabulary words with a vector, of those looked up.
    public let vocabularyCovered: Int
    public let vocabularyLookedUp: Int
    public let missingWords: [String]

    public init(file: String, vectors: WordVectors, vocabulary: Vocabulary = .eee443) {
        let embedding = VocabularyEmbedding(vocabulary: vocabulary, vectors: vectors)
        self.file = file
        dimension = vectors.dimension
        words = vectors.words.count
        vocabularyLookedUp = embedding.wordsLookedUp
        vocabularyCovered = embedding.wordsLookedUp - embedding.missingWords.count
        missingWords = embedding.missingWords
    }

    public var text: String {
        let percent = vocabularyLookedUp == 0 ? 0 : Double(vocabularyCovered) * 100 / Double(vocabularyLookedUp)
        var lines = [
            "\(file): word vectors in GloVe text format",
            "  dimension: \(dimension)",
            "  words: \(words)",
            "  EEE443 vocabulary coverage: \(vocabularyCovered) of \(vocabularyLookedUp) words (\(String(format: "%.1f", percent))%); \(missingWords.count) out of vocabulary",
        ]
        if !missingWords.isEmpty {
            lines.append("  missing: " + missingWords.prefix(20).joined(separator: " ") + (missingWords.count > 20 ? " ..." : ""))
        }
        return lines.joined(separator: "\n")
    }
}
