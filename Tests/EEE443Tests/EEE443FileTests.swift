import EEE443
import Foundation
import HDF5
import Testing
import TestSupport

/// What `scripts/make_eee443_fixtures.py` says it wrote.
struct Expected: Decodable {
    struct Example: Decodable { let imid: Int?; let row: [Int]; let printed: String; let words: [String] }
    struct Split: Decodable { let captions: Int; let images: Int; let urls: [String]; let lastRow: [Int] }
    struct Train: Decodable {
        let captions: Int; let images: Int; let urls: [String]; let captionsPerImage: [Int]
        let lastRow: [Int]; let lastImid: Int
    }
    let examples: [Example]
    let train: Train
    let test: Split

    static func load() throws -> Expected {
        let data = try Data(contentsOf: URL(fileURLWithPath: try GeneratedFixtures.eee443() + "/expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }
}

func fixture(_ name: String) throws -> String { try GeneratedFixtures.eee443() + "/" + name }

@Suite struct EEE443FileTests {
    static let trainVariants = [
        "train_int32_fixed_int.h5", "train_int64_vlen_float.h5", "train_uint16_fixed_float.h5",
        "train_int32_vlen_int64_ordered.h5", "train_space_padded.h5", "train_userblock_bigendian.h5",
        "train_userblock_float.h5",
    ]

    @Test(arguments: trainVariants)
    func everyVariantReadsTheSameContent(name: String) throws {
        let expected = try Expected.load()
        let file = try EEE443File(path: try fixture(name))
        #expect(file.split == .train)
        #expect(file.vocabulary == Vocabulary.eee443)
        #expect(file.captionCount == expected.train.captions)
        #expect(file.imageCount == expected.train.images)
        let all = try file.loadAll()
        #expect(all.imageIDBase == 1)
        #expect(Array(all.urls) == expected.train.urls)
        #expect(all.row(all.count - 1).map(Int.init) == expected.train.lastRow)
        #expect(Int(all.imageRows[all.count - 1]) == expected.train.lastImid - 1)
        #expect(all.captionsByImage().map(\.count).sorted() == expected.train.captionsPerImage)
    }

    @Test(arguments: trainVariants)
    func realRowsDecodeToThePrintedSentences(name: String) throws {
        let expected = try Expected.load()
        let file = try EEE443File(path: try fixture(name))
        let all = try file.loadAll()
        #expect(expected.examples.count >= 16)
        for (index, example) in expected.examples.enumerated() {
            #expect(all.row(index).map(Int.init) == example.row)
            let text = all.text(index)
            // The printed decoding, between x_START_ and x_END_, in stored member names.
            let printed = example.printed.split(separator: " ").map(String.init)
                .filter { !["x_START_", "x_END_", "x_NULL_"].contains($0) }
            #expect(text.split(separator: " ").map { Vocabulary.memberName(ofDisplay: String($0)) } == printed)
            #expect(text == example.words.joined(separator: " "))
            if let imid = example.imid { #expect(Int(all.imageRows[index]) == imid - 1) }
        }
        #expect(all.text(0) == "a very clean and well decorated empty bathroom")
    }

    @Test func testFileIsZeroBasedAndUsesTestCaps() throws {
        let expected = try Expected.load()
        let file = try EEE443File(path: try fixture("test_int32_zero_based.h5"))
        #expect(file.split == .test)
        #expect(try file.imageIDBase() == 0)
        let all = try file.loadAll()
        #expect(all.count == expected.test.captions)
        #expect(Array(all.urls) == expected.test.urls)
        #expect(all.url(ofCaption: all.count - 1) == expected.test.urls.last)
    }

    @Test func hyperslabReadsReturnTheRowsAsked() throws {
        let file = try EEE443File(path: try fixture("train_int64_vlen_float.h5"))
        let all = try file.loadAll()
        let middle = try file.readCaptionTokens(rows: 10..<13)
        #expect(middle == Array(all.tokens[(10 * 17)..<(13 * 17)]))
        #expect(Array(try file.readURLs(rows: 5..<7)) == Array(all.urls[5..<7]))
        #expect(try file.readImageRows(rows: 3..<4, base: 1) == [all.imageRows[3]])
        #expect(throws: HDF5Error.self) { try file.readCaptionTokens(rows: 0..<(file.captionCount + 1)) }
    }

    @Test(arguments: [
        ("broken_not_hdf5.h5", "not an HDF5 file"),
        ("broken_truncated.h5", "truncated file: eof = "),
        ("broken_missing_url.h5", "'train_url': open: dataset is missing"),
        ("broken_rank.h5", "'train_cap': rank 1"),
        ("broken_width.h5", "'train_cap': width 16, expected 17"),
        ("broken_vocab.h5", "'word_code': id 4 is given to both"),
        ("eee443_project_dataset.h5", "older single-file edition"),
        ("no_such_file.h5", "no such file"),
    ])
    func brokenFilesFailOnOpenWithOneLine(name: String, message: String) throws {
        let path = try fixture(name)
        do {
            _ = try EEE443File(path: path)
            Issue.record("\(name) opened without error")
        } catch {
            let text = "\(error)"
            #expect(text.contains(path), "error does not name the file: \(text)")
            #expect(text.contains(message), "\(text)")
            #expect(!text.contains("\n"))
        }
    }

    @Test func tokenOutsideTheVocabularyIsNamed() throws {
        let file = try EEE443File(path: try fixture("broken_token.h5"))
        #expect { try file.readCaptionTokens() } throws: { error in
            "\(error)".contains("dataset 'train_cap': row 5, column 2: value 1004 is outside the vocabulary")
        }
    }

    @Test func imageIDOutsideTheURLRangeIsNamed() throws {
        let file = try EEE443File(path: try fixture("broken_imid.h5"))
        #expect { try file.imageIDBase() } throws: { error in
            "\(error)".contains("dataset 'train_imid': value 121 is outside the URL range")
        }
    }
}
