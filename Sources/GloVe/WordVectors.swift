import Foundation

/// Word vectors in GloVe's text format: one word and `dimension` floats per line, separated by
/// single spaces (`glove.6B.50d.txt`). The dimension is taken from the first line and enforced.
public struct WordVectors: Sendable {
    public let dimension: Int
    /// The words, in file order.
    public let words: [String]
    /// `words.count * dimension` floats, row-major: row `i` is the vector of `words[i]`.
    public let values: [Float]

    public init(dimension: Int, words: [String], values: [Float]) {
        precondition(values.count == words.count * dimension, "values do not fill \(words.count) x \(dimension)")
        self.dimension = dimension
        self.words = words
        self.values = values
    }

    /// The vector of row `index`.
    public func vector(at index: Int) -> ArraySlice<Float> {
        values[(index * dimension)..<((index + 1) * dimension)]
    }

    /// Loads a GloVe text file, parsing on every core.
    /// - Throws: `GloVeError` naming the line of the first malformed entry, or the file when it
    ///   cannot be read or is empty.
    /// - Complexity: O(file size).
    public static func load(path: String) throws -> WordVectors {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw GloVeError(file: path, line: nil, message: "cannot read: \(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { raw in
            try _GloVeParser(path: path, bytes: raw.bindMemory(to: UInt8.self)).parse()
        }
    }

    /// Writes vectors in GloVe's text format (shortest round-trip decimal for each float).
    public func write(to path: String) throws {
        var text = ""
        text.reserveCapacity(words.count * (dimension * 10 + 16))
        for (index, word) in words.enumerated() {
            text += word
            for value in vector(at: index) {
                text += " "
                text += "\(value)"
            }
            text += "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
