import DemoData
import EEE443
import Foundation
import GAN
import Shards
import Tensor
import Testing
import TestSupport
import Training

/// The whole product on a small demo: `t2i prepare` writes shards, `t2i train` trains on them,
/// `t2i evaluate` scores the checkpoint with labels taken from the demo scenes.
@Suite(.serialized) struct TrainOnDemoShardsCLITests {
    @Test func prepareTrainAndEvaluateThroughTheCLI() throws {
        let fixture = try PrepareFixture(images: 160, testImages: 60, seed: 17)
        let pipeline = try fixture.pipeline(output: "out", port: nil, imageSize: 16)
        let prepared = try runT2I(["prepare", "--pipeline", pipeline])
        #expect(prepared.status == 0, "\(prepared.stderr)")
        let trainFolder = fixture.directory.file("out/shards/train"), testFolder = fixture.directory.file("out/shards/test")

        // Labels come from the scene of each record's image id; only one-object scenes are unambiguous.
        let train = try ShardsTrainingData(directory: trainFolder, demoSeed: 17)
        #expect(train.count > 64 && train.imageSize == 16)
        var single = 0
        for record in 0..<train.count {
            let row = Int(try train.dataset.record(record).imageID)
            let scene = DemoDataset.scene(seed: 17, split: .train, row: row)
            #expect(train.labels(of: record) == [DemoObjectKind.allCases.firstIndex(of: scene.first.kind),
                                                 DemoColour.allCases.firstIndex(of: scene.first.colour),
                                                 DemoBackground.allCases.firstIndex(of: scene.background)].compactMap { $0 })
            #expect(train.hasUnambiguousLabels(record) == (scene.second == nil))
            if scene.second == nil { single += 1 }
        }
        #expect(single > 0 && single < train.count, "both one- and two-object scenes are present")

        // Standardised caption vectors: zero mean, unit spread over the training captions, and
        // free text (what `t2i sample` reads) encodes to the vector training used for the same caption.
        let standardized = try ShardsTrainingData(directory: trainFolder, demoSeed: 17, standardizeFrom: trainFolder)
        let records = Array(0..<train.count)
        let plain = try train.batch(records: records, captions: records.map { _ in 0 }).captions
        let batch = try standardized.batch(records: records, captions: records.map { _ in 0 }).captions
        let d = batch.glove.columns
        #expect(batch.tokens == plain.tokens && d == 50)
        for j in 0..<d {
            let column = (0..<train.count).map { Double(batch.glove.data[$0 * d + j]) }
            let mean = column.reduce(0, +) / Double(column.count)
            #expect(abs(mean) < 0.3, "dimension \(j): mean \(mean) over first captions")
        }
        for record in [0, 5, train.count - 1] {
            let text = standardized.captionEncoder.vocabulary.decode(batch.tokens[record * 17..<(record + 1) * 17])
            let encoded = standardized.captionEncoder.encode([text]).captions.glove.data
            let stored = Array(batch.glove.data[record * d..<(record + 1) * d])
            #expect(zip(encoded, stored).allSatisfy { abs($0 - $1) < 0.02 }, "\(text): free text and stored vector differ")
            #expect(zip(encoded, plain.glove.data[record * d..<(record + 1) * d]).contains { abs($0 - $1) > 0.1 })
        }

        let config = """
            {"data": {"source": "shards", "path": "\(trainFolder)", "testPath": "\(testFolder)", "demoSeed": 17, "standardizeCaptionVectors": true},
             "output": "\(fixture.directory.file("run"))",
             "model": {"imageSize": 16, "width": 4, "realLabel": 0.9, "generatorAverage": 0.99},
             "steps": 6, "batch": 16, "instanceNoise": 0.1, "checkpointEvery": 3, "sampleEvery": 3, "threads": 2}
            """
        try config.write(toFile: fixture.directory.file("train.json"), atomically: true, encoding: .utf8)
        let trained = try runT2I(["train", "--config", fixture.directory.file("train.json")])
        #expect(trained.status == 0, "\(trained.stderr)")
        let csv = try String(contentsOfFile: fixture.directory.file("run/losses.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 7)
        #expect(FileManager.default.fileExists(atPath: fixture.directory.file("run/samples/final.png")))

        let sampled = try runT2I(["sample", "--checkpoint", fixture.directory.file("run/checkpoint.t2it"),
                                  "--caption", "a red ball on the grass", "-n", "4", "--out", fixture.directory.file("grid.png")])
        #expect(sampled.status == 0, "\(sampled.stderr)")
        #expect(FileManager.default.fileExists(atPath: fixture.directory.file("grid.png")))
        // The checkpoint keeps an averaged G; `--raw-generator` draws from G itself instead.
        let raw = try runT2I(["sample", "--checkpoint", fixture.directory.file("run/checkpoint.t2it"), "--raw-generator",
                              "--caption", "a red ball on the grass", "-n", "4", "--out", fixture.directory.file("grid-raw.png")])
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(FileManager.default.contents(atPath: fixture.directory.file("grid-raw.png"))
                != FileManager.default.contents(atPath: fixture.directory.file("grid.png")))

        let evaluateArguments = ["evaluate", "--checkpoint", fixture.directory.file("run/checkpoint.t2it"), "--classifier-steps", "5",
                                 "--classifier-width", "4", "--samples", "2", "--json", "--classifier", fixture.directory.file("cls.t2it")]
        let evaluated = try runT2I(evaluateArguments)
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stderr.contains("classifier step 5/5"))
        // The second evaluation reads the classifier the first one kept, and scores the same.
        let again = try runT2I(evaluateArguments)
        #expect(again.stderr.contains("read the classifier from") && !again.stderr.contains("classifier step"), "\(again.stderr)")
        #expect(again.stdout == evaluated.stdout)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any]
        let attributes = report?["attributes"] as? [[String: Any]] ?? []
        #expect(attributes.compactMap { $0["name"] as? String } == ["object", "colour", "background"])
        let test = try ShardsTrainingData(directory: testFolder, demoSeed: 17)
        let singleTest = (0..<test.count).filter(test.hasUnambiguousLabels).count
        #expect(report?["realTestImages"] as? Int == singleTest, "the held-out real set is the one-object test scenes")
        #expect(report?["step"] as? Int == 6)
    }
}
