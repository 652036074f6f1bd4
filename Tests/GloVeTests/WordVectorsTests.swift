import EEE443
import Foundation
import GloVe
import Testing
import TestSupport

@Suite struct WordVectorsTests {
    func write(_ text: String, in directory: TemporaryDirectory, name: String = "vectors.txt") throws -> String {
        let path = directory.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func parsesTheStandardFormatExactly() throws {
        let directory = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        var lines: [String] = []
        var expected: [[Float]] = []
        let formats = ["%.6f", "%.5e", "%g", "%.9g", "%.1f"]
        for row in 0..<3000 {
            var numbers: [String] = []
            var values: [Float] = []
            for column in 0..<50 {
                let raw = Double.random(in: -4...4, using: &generator) * pow(10, Double(Int.random(in: -7...2, using: &generator)))
                let text = String(format: formats[(row + column) % formats.count], raw)
                numbers.append(text)
                values.append(try #require(Float(text)))
            }
            lines.append("w\(row) " + numbers.joined(separator: " "))
            expected.append(values)
        }
        let path = try write(lines.joined(separator: "\n") + "\n", in: directory)
        let vectors = try WordVectors.load(path: path)
        #expect(vectors.dimension == 50)
        #expect(vectors.words.count == 3000)
        #expect(vectors.words.first == "w0" && vectors.words.last == "w2999")
        for row in [0, 1, 1499, 2999] { #expect(Array(vectors.vector(at: row)) == expected[row]) }
        #expect(vectors.values == expected.flatMap { $0 })
    }

    @Test func largeFilesSplitAcrossCoresKeepOrder() throws {
        let directory = try TemporaryDirectory()
        let lines = (0..<40_000).map { row in "word\(row) " + (0..<25).map { "\(Float(row) + Float($0) / 100)" }.joined(separator: " ") }
        let vectors = try WordVectors.load(path: try write(lines.joined(separator: "\n"), in: directory))
        #expect(vectors.words.count == 40_000 && vectors.dimension == 25)
        #expect(vectors.words[39_999] == "word39999")
        #expect(Array(vectors.vector(at: 31_000)) == (0..<25).map { Float(31_000) + Float($0) / 100 })
    }

    @Test(arguments: [
        ("the 0.1 0.2 0.3\nof 0.4 0.5\n", "line 2: word 'of' has 2 values, expected 3"),
        ("the 0.1 0.2 0.3\nof 0.4 0.5 0.6\nand 0.1 x7 0.3\n", "line 3: 'x7' (value 2 of word 'and') is not a number"),
        ("the 0.1 0.2 0.3\nof 0.4 0.5 0.6 0.7\n", "line 2: word 'of' has 4 values, expected 3"),
        ("lonely\n", "line 1: expected a word and its vectors"),
        ("", "the file is empty"),
    ])
    func malformedFilesNameTheLine(text: String, message: String) throws {
        let directory = try TemporaryDirectory()
        let path = try write(text, in: directory)
        #expect { try WordVectors.load(path: path) } throws: { error in
            "\(error)" == "\(path): \(message)" || "\(error)".hasPrefix("\(path): \(message)")
        }
    }

    @Test func missingFileIsNamed() {
        #expect { try WordVectors.load(path: "/nonexistent/glove.txt") } throws: { "\($0)".hasPrefix("/nonexistent/glove.txt: cannot read") }
    }

    @Test func embeddingLooksUpDisplayWordsAndCountsMisses() throws {
        let directory = try TemporaryDirectory()
        let path = try write("a 1 2\nbathroom 3 4\nwhile 5 6\nunrelated 7 8\n", in: directory)
        let embedding = VocabularyEmbedding(vocabulary: .eee443, vectors: try WordVectors.load(path: path))
        #expect(embedding.dimension == 2)
        #expect(Array(embedding.vector(of: 4)) == [1, 2])
        #expect(Array(embedding.vector(of: 58)) == [3, 4])
        #expect(Array(embedding.vector(of: 55)) == [5, 6], "xWhile is looked up as 'while'")
        #expect(Array(embedding.vector(of: 1)) == [0, 0])
        #expect(embedding.wordsLookedUp == 1000)
        #expect(embedding.missingWords.count == 997)
        #expect(!embedding.missingWords.contains("<UNK>"))
        #expect(abs(embedding.coverage - 0.003) < 1e-9)
    }

    @Test func writeThenLoadRoundTrips() throws {
        let directory = try TemporaryDirectory()
        let original = WordVectors(dimension: 3, words: ["red", "ball"], values: [0.1, -2.5e-7, 3, 4, 5.125, -6])
        try original.write(to: directory.file("out.txt"))
        let loaded = try WordVectors.load(path: directory.file("out.txt"))
        #expect(loaded.words == original.words && loaded.values == original.values)
    }
}
