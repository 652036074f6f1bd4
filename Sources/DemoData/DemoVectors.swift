import EEE443
import Foundation

/// Demo word vectors in GloVe's text format (`word v1 ... v50` per line), covering every display
/// word of the EEE443 vocabulary except `<NULL> <START> <END> <UNK>`. Not GloVe: words of one
/// scene category (colours, objects, backgrounds, sizes, positions) share a centroid, so related
/// words lie closer together than unrelated ones, which is all a demo needs.
public enum DemoVectors {
    /// The file name demo-data writes.
    public static let fileName = "demo_vectors.50d.txt"
    public static let dimensions = 50

    /// The vector of every covered word, in vocabulary id order.
    public static func vectors(seed: UInt64, vocabulary: Vocabulary = .eee443) -> [(word: String, vector: [Float])] {
        let categories: [[String]] = [
            DemoColour.allCases.map(\.rawValue),
            DemoObjectKind.allCases.map(\.rawValue),
            DemoBackground.allCases.map(\.rawValue) + ["sand", "ocean", "lawn", "clouds", "road"],
            ["small", "little", "large", "big", "huge", "tiny"],
            ["left", "right", "top", "bottom", "center", "middle", "above", "below", "next", "beside"],
        ]
        var centroids: [String: [Float]] = [:]
        for (index, words) in categories.enumerated() {
            var rng = _SplitMix64(seed: seed, 0x5645_4354, 1, UInt64(index))
            let centroid = (0..<dimensions).map { _ in Float(rng.normal() * 0.45) }
            for word in words { centroids[word] = centroid }
        }
        return vocabulary.words.enumerated().dropFirst(4).map { id, word in
            var rng = _SplitMix64(seed: seed, 0x5645_4354, 2, UInt64(id))
            let centroid = centroids[word]
            let own: Float = centroid == nil ? 0.42 : 0.2
            let vector = (0..<dimensions).map { k in (centroid?[k] ?? 0) + Float(rng.normal()) * own }
            return (word, vector)
        }
    }

    /// Writes the vectors to `path`.
    /// - Throws: `DemoDataError` when the file cannot be written.
    public static func write(to path: String, seed: UInt64) throws {
        var text = ""
        text.reserveCapacity(1000 * 400)
        for (word, vector) in vectors(seed: seed) {
            text += word
            for value in vector { text += " " + String(format: "%.5f", value) }
            text += "\n"
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw DemoDataError(subject: path, message: "cannot write the demo vectors: \(error.localizedDescription)")
        }
    }
}
