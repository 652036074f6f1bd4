import DemoData
import EEE443
import Foundation
import Shards
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

        let config = """
            {"data": {"source": "shards", "path": "\(trainFolder)", "testPath": "\(testFolder)", "demoSeed": 17},
             "output": "\(fixture.directory.file("run"))",
             "model": {"imageSize": 16, "width": 4, "realLabel": 0.9},
             "steps": 6, "batch": 16, "instanceNoise": 0.1, "checkpointEvery": 3, "sampleEvery": 3, "threads": 2}
            """
        try config.write(toFile: fixture.directory.file("train.json"), atomically: true, encoding: .utf8)
        let trained = try runT2I(["train", "--config", fixture.directory.file("train.json")])
        #expect(trained.status == 0, "\(trained.stderr)")
        let csv = try String(contentsOfFile: fixture.directory.file("run/losses.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 7)
        #expect(FileManager.default.fileExists(atPath: fixture.directory.file("run/samples/final.png")))

        let evaluated = try runT2I(["evaluate", "--checkpoint", fixture.directory.file("run/checkpoint.t2it"),
                                    "--classifier-steps", "5", "--samples", "2", "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any]
        let attributes = report?["attributes"] as? [[String: Any]] ?? []
        #expect(attributes.compactMap { $0["name"] as? String } == ["object", "colour", "background"])
        let test = try ShardsTrainingData(directory: testFolder, demoSeed: 17)
        let singleTest = (0..<test.count).filter(test.hasUnambiguousLabels).count
        #expect(report?["realTestImages"] as? Int == singleTest, "the held-out real set is the one-object test scenes")
        #expect(report?["step"] as? Int == 6)
    }
}
