import DemoData
import EEE443
import Foundation
import Testing
import TestSupport

@Suite struct DemoVectorsTests {
    @Test func gloveTextFormatCoveringTheDisplayWords() throws {
        let folder = try SmallDemo.folder()
        let text = try String(contentsOfFile: folder.file(DemoVectors.fileName), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == Vocabulary.eee443.count - 4)
        #expect(lines.map { String($0.split(separator: " ")[0]) } == Array(Vocabulary.eee443.words.dropFirst(4)))
        for line in lines {
            let fields = line.split(separator: " ")
            #expect(fields.count == 51)
            #expect(fields.dropFirst().allSatisfy { Float($0) != nil })
        }
        #expect(!text.contains("<") && text.contains("\nfor ") && text.contains("\nwhile "))
    }

    @Test func relatedWordsAreCloser() {
        let vectors = Dictionary(uniqueKeysWithValues: DemoVectors.vectors(seed: 443).map { ($0.word, $0.vector) })
        func distance(_ a: String, _ b: String) -> Float {
            guard let x = vectors[a], let y = vectors[b] else { return .infinity }
            return zip(x, y).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        }
        #expect(distance("red", "blue") < distance("red", "kitchen"))
        #expect(distance("ball", "kite") < distance("ball", "purple"))
        #expect(distance("grass", "sky") < distance("grass", "pizza"))
        #expect(distance("small", "big") < distance("small", "beach"))
    }
}
