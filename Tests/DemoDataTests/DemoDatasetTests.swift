import DemoData
import EEE443
import Foundation
import HDF5
import Testing
import TestSupport

/// One small dataset written once per test process (tiny images keep the debug build fast).
enum SmallDemo {
    static let options = DemoDatasetOptions(trainImages: 60, testImages: 20, seed: 7, longSide: 48)
    static let dataset = DemoDataset(options: options)
    private static let written: Result<TemporaryDirectory, any Error> = Result {
        let folder = try TemporaryDirectory("demo-data")
        try dataset.write(to: folder.path)
        return folder
    }
    static func folder() throws -> TemporaryDirectory { try written.get() }
}

@Suite struct DemoDatasetTests {
    @Test func filesReadBackThroughTheEEE443Reader() throws {
        let folder = try SmallDemo.folder()
        for (split, images) in [(EEE443Split.train, SmallDemo.dataset.train), (.test, SmallDemo.dataset.test)] {
            let file = try EEE443File(path: folder.file(split.fileName))
            #expect(file.split == split)
            #expect(file.vocabulary == Vocabulary.eee443)
            let captions = try file.loadAll()
            #expect(captions.imageIDBase == (split == .train ? 1 : 0))
            #expect(Array(captions.urls) == images.map(\.url))
            #expect(captions.count == images.map(\.captions.count).reduce(0, +))
            // Every caption row decodes to a caption generated for its image, and each one appears once.
            var expected = Dictionary(uniqueKeysWithValues: images.map { ($0.row, $0.captions) })
            for index in 0..<captions.count {
                let row = Int(captions.imageRows[index])
                let text = captions.text(index)
                let position = try #require(expected[row]?.firstIndex(of: text), "row \(index): '\(text)' is not a caption of image \(row)")
                expected[row]?.remove(at: position)
            }
            #expect(expected.values.allSatisfy { $0.isEmpty })
        }
    }

    @Test func storedTypesFollowTheRealLayout() throws {
        let folder = try SmallDemo.folder()
        let train = try HDF5File(readingFrom: folder.file(EEE443Split.train.fileName))
        let captions = try train.dataset("train_cap")
        #expect(captions.shape == [SmallDemo.dataset.train.map(\.captions.count).reduce(0, +), 17])
        #expect(captions.type == .integer(signed: true, bytes: 4))
        #expect(try train.dataset("train_imid").type == .integer(signed: true, bytes: 4))
        #expect(try train.dataset("train_ims").shape == [60, 512])
        #expect(try train.dataset("train_ims").type == .float(bytes: 4))
        guard case .string(let length?) = try train.dataset("train_url").type else {
            Issue.record("train_url is not fixed-length strings")
            return
        }
        #expect(length == 56)
        guard case .compound(let members) = try train.dataset("word_code").type else {
            Issue.record("word_code is not a compound")
            return
        }
        #expect(members.count == 1004)
        #expect(members.allSatisfy { $0.type == .float(bytes: 8) })
        #expect(Set(members.map(\.name)) == Set(Vocabulary.eee443.memberNames))
        #expect(members.map(\.name) != Vocabulary.eee443.memberNames, "member order should be shuffled like the real file")
        let test = try HDF5File(readingFrom: folder.file(EEE443Split.test.fileName))
        #expect(Set(try test.rootNames()) == ["test_caps", "test_imid", "test_url", "test_ims", "word_code"])
    }

    @Test func sameSeedSameDatasetOtherSeedDifferent() throws {
        let again = DemoDataset(options: SmallDemo.options)
        #expect(again.images == SmallDemo.dataset.images)
        let folder = try SmallDemo.folder()
        for image in again.images.prefix(40) {
            let stored = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/images" + image.path))
            #expect(Data(try again.fileBytes(of: image)) == stored, "image \(image.id) differs between two runs")
        }
        let second = try TemporaryDirectory("demo-data-again")
        try again.write(to: second.path)
        let first = try EEE443File(path: folder.file(EEE443Split.train.fileName)).loadAll()
        let repeated = try EEE443File(path: second.file(EEE443Split.train.fileName)).loadAll()
        #expect(first.tokens == repeated.tokens && first.imageRows == repeated.imageRows && first.urls == repeated.urls)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file(DemoVectors.fileName)))
                == Data(contentsOf: URL(fileURLWithPath: second.file(DemoVectors.fileName))))
        var other = SmallDemo.options
        other.seed = 8
        let different = DemoDataset(options: other)
        #expect(different.train.map(\.url) != SmallDemo.dataset.train.map(\.url))
        #expect(different.train.map(\.scene) != SmallDemo.dataset.train.map(\.scene))
    }

    @Test func captionsUseOnlyVocabularyWordsAndFitARow() {
        let dataset = DemoDataset(options: DemoDatasetOptions(trainImages: 2000, testImages: 200, seed: 1, longSide: 48))
        var phrasings = Set<String>()
        for image in dataset.images {
            #expect((4...6).contains(image.captions.count))
            #expect(Set(image.captions).count == image.captions.count)
            for caption in image.captions {
                let encoded = Vocabulary.eee443.encode(caption)
                #expect(encoded.unknown.isEmpty, "'\(caption)' has unknown words \(encoded.unknown)")
                #expect(!encoded.truncated, "'\(caption)' is longer than 15 words")
                #expect(caption.contains(image.scene.first.kind.rawValue) && caption.contains(image.scene.first.colour.rawValue))
                phrasings.insert(caption.split(separator: " ").prefix(2).joined(separator: " "))
            }
        }
        #expect(phrasings.count >= 8, "captions should vary in phrasing: \(phrasings)")
    }

    @Test func heldOutTriplesNeverInTrainAndAFixedShareOfTest() {
        let dataset = DemoDataset(options: DemoDatasetOptions(trainImages: 3000, testImages: 500, seed: 3, longSide: 48))
        let heldOut = Set(DemoCombination.heldOut)
        #expect(!heldOut.isEmpty && heldOut.count < DemoCombination.all.count / 4)
        #expect(dataset.train.allSatisfy { image in image.scene.combinations.allSatisfy { !heldOut.contains($0) } })
        for image in dataset.test {
            let expectHeldOut = image.row % DemoDatasetOptions.heldOutTestStride == 0
            #expect(image.isHeldOut == expectHeldOut)
            #expect(heldOut.contains(image.scene.combinations[0]) == expectHeldOut)
        }
        // Every object, colour and background still occurs in train.
        let seen = dataset.train.flatMap(\.scene.combinations)
        #expect(Set(seen.map(\.kind)).count == DemoObjectKind.allCases.count)
        #expect(Set(seen.map(\.colour)).count == DemoColour.allCases.count)
        #expect(Set(seen.map(\.background)).count == DemoBackground.allCases.count)
    }

    @Test func urlsKeepTheFlickrShapeAndGiveBackTheImageID() {
        for image in SmallDemo.dataset.images {
            #expect(image.url.hasPrefix("http://demo.t2i.invalid/"))
            #expect((54...63).contains(image.url.count))
            #expect(image.url.hasSuffix("_z.jpg"))
            #expect(DemoURL.imageID(from: image.url) == image.id)
            #expect(DemoURL.imageID(from: image.path) == image.id)
        }
        #expect(DemoURL.imageID(from: "/1234/1000000001_0123456789_b.jpg") == nil)
        #expect(DemoURL.imageID(from: "/../1000000001_0123456789_z.jpg") == nil)
        #expect(DemoURL.isValidHost("127.0.0.1:8443") && !DemoURL.isValidHost("a b") && !DemoURL.isValidHost("host:0"))
        let literal = DemoDataset(options: DemoDatasetOptions(trainImages: 2, testImages: 1, host: "127.0.0.1:8443", longSide: 48))
        #expect(literal.train[0].url.hasPrefix("http://127.0.0.1:8443/"))
    }
}
