import Foundation
import Testing
import TestSupport

@Suite struct InspectCommandTests {
    @Test func describesATrainFileWithDecodedCaptions() throws {
        let path = try GeneratedFixtures.eee443() + "/train_int32_fixed_int.h5"
        let result = try runT2I(["inspect", path, "--captions", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(path): EEE443 train file"))
        #expect(result.stdout.contains("train_cap   (509, 17)"))
        #expect(result.stdout.contains("word_code   (1,)            compound(1004 members: int32)"))
        #expect(result.stdout.contains("vocabulary: 1004 words"))
        #expect(result.stdout.contains("imid base: 1 (values 1..120)"))
        #expect(result.stdout.contains("images: 120  captions: 509"))
        #expect(result.stdout.contains("a very clean and well decorated empty bathroom"))
        #expect(result.stdout.contains("a restaurant has modern wooden tables and chairs"))
        #expect(!result.stdout.contains("a long restaurant table"), "--captions 2 shows two")
    }

    @Test func jsonForOneImage() throws {
        let path = try GeneratedFixtures.eee443() + "/train_int64_vlen_float.h5"
        let result = try runT2I(["inspect", path, "--image", "0", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let report = try #require(reports.first)
        #expect(report["imidBase"] as? Int == 1)
        #expect(report["vocabularySize"] as? Int == 1004)
        let shown = try #require(report["shown"] as? [[String: Any]])
        #expect(!shown.isEmpty && shown.allSatisfy { $0["imageRow"] as? Int == 0 && $0["imid"] as? Int == 1 })
        #expect(shown.contains { $0["text"] as? String == "a long table with a flower <UNK> in the middle for <UNK>" })
    }

    @Test func badFilesGiveOneLineEachAndFail() throws {
        let directory = try GeneratedFixtures.eee443()
        let result = try runT2I(["inspect", directory + "/broken_token.h5", directory + "/test_int32_zero_based.h5"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("t2i: \(directory)/broken_token.h5: dataset 'train_cap': row 5, column 2: value 1004") == true)
        #expect(result.stdout.contains("EEE443 test file"), "the good file is still reported")
        #expect(result.stdout.contains("imid base: 0"))
    }

    @Test func describesAGloVeFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("vectors.50d.txt")
        let words = ["a", "red", "ball", "while", "notaword"]
        let text = words.map { word in word + String(repeating: " 0.25", count: 50) }.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runT2I(["inspect", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("dimension: 50"))
        #expect(result.stdout.contains("words: 5"))
        #expect(result.stdout.contains("EEE443 vocabulary coverage: 4 of 1000 words (0.4%); 996 out of vocabulary"))
    }
}
