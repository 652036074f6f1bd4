import EEE443
import Foundation
import Testing
import TestSupport

@Suite struct VocabularyTests {
    @Test func embeddedListMatchesTheTSV() throws {
        let tsv = try String(contentsOf: repositoryRoot.appendingPathComponent("Manifests/eee443_vocab.tsv"), encoding: .utf8)
        let rows = tsv.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.map { Int($0[0]) } == Array(0..<1004))
        #expect(rows.map { $0[1] } == Vocabulary.eee443MemberNames)
    }

    @Test(arguments: [
        ("x_NULL_", "<NULL>"), ("x_START_", "<START>"), ("x_END_", "<END>"), ("x_UNK_", "<UNK>"),
        ("xWhile", "while"), ("xFor", "for"), ("xCatch", "catch"), ("xCase", "case"), ("xEnd", "end"),
        ("bathroom", "bathroom"), ("x", "x"), ("xray", "xray"),
    ])
    func unmanglesMatlabNames(member: String, display: String) {
        #expect(Vocabulary.displayName(ofMember: member) == display)
        #expect(Vocabulary.memberName(ofDisplay: display) == member)
    }

    @Test func realVocabularyHasTheKnownIds() {
        let vocabulary = Vocabulary.eee443
        #expect(vocabulary.count == 1004)
        #expect(vocabulary.words[0...3] == ["<NULL>", "<START>", "<END>", "<UNK>"])
        #expect(vocabulary.words[55] == "while" && vocabulary.words[80] == "for" && vocabulary.words[621] == "end")
        #expect(vocabulary.words[1000...1003] == ["produce", "farm", "stack", "apartment"])
        #expect(vocabulary.id(of: "bathroom") == 58)
    }

    @Test func decodeSkipsStartAndPaddingAndStopsAtEnd() {
        let vocabulary = Vocabulary.eee443
        #expect(vocabulary.decode([1, 4, 142, 510, 10, 667, 415, 277, 58, 2, 0, 0, 0, 0, 0, 0, 0] as [Int32])
            == "a very clean and well decorated empty bathroom")
        #expect(vocabulary.decode([1, 4, 2, 58, 58] as [Int]) == "a")
        #expect(vocabulary.decode([0, 1, 2] as [Int]) == "")
    }

    @Test func encodeRoundTripsAndNamesUnknownWords() {
        let vocabulary = Vocabulary.eee443
        let (row, unknown, truncated) = vocabulary.encode("A red ball on the green grass zzyzx")
        #expect(row.count == 17 && row.first == 1 && !truncated)
        #expect(unknown == ["zzyzx"])
        #expect(vocabulary.decode(row) == "a red ball on the green grass <UNK>")
    }
}
