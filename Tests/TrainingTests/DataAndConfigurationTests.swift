import EEE443
import Foundation
import GAN
import Tensor
import TestSupport
import Testing
import Training

@Suite(.tensorExclusive) struct DataAndConfigurationTests {
    @Test func syntheticCaptionsUseTheVocabularyAndNameTheAttributes() throws {
        let c = TrainingConfiguration()
        let data = try c.makeData()
        #expect(data.count == 4096 && data.imageSize == 64)
        for record in 0..<20 {
            let labels = data.labels(of: record)
            let caption = data.caption(for: labels)
            #expect(Vocabulary.eee443.encode(caption).unknown.isEmpty, "\(caption)")
            for (attribute, label) in zip(data.attributes, labels) { #expect(caption.contains(attribute.classes[label])) }
            for choice in 0..<data.captionCount(of: record) {
                let b = try data.batch(records: [record], captions: [choice])
                #expect(!b.captions.tokens.contains(Int32(Vocabulary.unknownID)))
                #expect(b.images.data.allSatisfy { $0 >= -1 && $0 <= 1 })
            }
        }
        // The same record renders the same pixels; its caption vector is the mean of its word vectors.
        let x = try data.batch(records: [3, 3], captions: [0, 1])
        #expect(x.images.batchSlice(0..<1) == x.images.batchSlice(1..<2))
        #expect(x.captions.glove.batchSlice(0..<1) != x.captions.glove.batchSlice(1..<2))
    }

    @Test func heldOutCombinationsNeverAppear() throws {
        var c = TrainingConfiguration()
        c.data.heldOut = [[0, 0, 0], [2, 1, 3]]
        let data = try c.makeData()
        #expect((0..<data.count).allSatisfy { !c.data.heldOut.contains(data.labels(of: $0)) })
    }

    @Test func configurationKeepsDefaultsAndRejectsUnknownKeys() throws {
        let dir = try TemporaryDirectory("config")
        try Data(#"{"model": {"width": 64, "textEncoder": "gru"}, "steps": 7}"#.utf8).write(to: dir.url.appendingPathComponent("a.json"))
        let a = try TrainingConfiguration.load(path: dir.file("a.json"))
        #expect(a.model.width == 64 && a.model.textEncoder == .gru && a.model.imageSize == 64 && a.steps == 7 && a.batch == 64)
        try Data(#"{"model": {"widht": 64}}"#.utf8).write(to: dir.url.appendingPathComponent("b.json"))
        let error = #expect(throws: TrainingConfigurationError.self) { try TrainingConfiguration.load(path: dir.file("b.json")) }
        #expect(error?.description.contains("model.widht") == true)
        try Data(#"{"model": {"imageSize": 48}}"#.utf8).write(to: dir.url.appendingPathComponent("c.json"))
        #expect(throws: TrainingConfigurationError.self) { try TrainingConfiguration.load(path: dir.file("c.json")) }
    }

    /// What `make train` runs must load (unknown keys and bad values are errors) and use the
    /// settings docs/training.md reports for it.
    @Test func theDemoConfigurationLoads() throws {
        let c = try TrainingConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/train-demo.json").path)
        #expect(c.model.mismatch == .nearest && c.model.realLabel == 0.9 && c.model.width == 32 && c.batch == 64)
        #expect(c.data.standardizeCaptionVectors && c.sampleCaptions?.count == 8)
        #expect(c.model.generatorAverage == 0.995 && c.model.interpolation == false && c.steps == 4000)
        #expect(c.learningRate == 0.0008 && c.discriminatorLearningRate == 0.0016 && TrainingConfiguration().learningRate == 0.0002)
        #expect(c.model.captionReconstruction == 12 && c.model.captionHeadPooled && c.model.captionTarget == .words)
        #expect(c.model.conditionalBatchNorm && c.model.wordProjection)
        #expect(c.model.discriminatorRefine == [32] && c.model.generatorRefine.isEmpty && c.model.generatorResize == [8, 16, 32, 64])
        #expect(c.model.modeSeeking == 0.1 && c.model.generatorResizeInterpolation == .nearest)
    }

    @Test func stabilisationKeysLoadAndBadValuesAreNamed() throws {
        let dir = try TemporaryDirectory("config")
        try Data(#"{"model": {"realLabel": 0.9, "mismatch": "nearest", "generatorAverage": 0.999}, "instanceNoise": 0.2, "instanceNoiseSteps": 100, "discriminatorLearningRate": 0.0001}"#.utf8)
            .write(to: dir.url.appendingPathComponent("a.json"))
        let a = try TrainingConfiguration.load(path: dir.file("a.json"))
        #expect(a.model.mismatch == .nearest && TrainingConfiguration().model.mismatch == .next)
        #expect(a.model.realLabel == 0.9 && a.instanceNoise == 0.2 && a.instanceNoiseSteps == 100 && a.discriminatorLearningRate == 0.0001)
        #expect(TrainingConfiguration().model.realLabel == 1 && TrainingConfiguration().instanceNoise == 0)
        #expect(a.model.generatorAverage == 0.999 && TrainingConfiguration().model.generatorAverage == nil)
        try Data(#"{"model": {"generatorResize": [64], "generatorResizeInterpolation": "bilinear"}}"#.utf8)
            .write(to: dir.url.appendingPathComponent("bilinear.json"))
        #expect(try TrainingConfiguration.load(path: dir.file("bilinear.json")).model.generatorResizeInterpolation == .bilinear)
        #expect(TrainingConfiguration().model.generatorResizeInterpolation == .nearest)
        for (name, text, key) in [("b", #"{"model": {"realLabel": 1.5}}"#, "realLabel"), ("c", #"{"instanceNoise": -1}"#, "instanceNoise"),
                                  ("d", #"{"discriminatorLearningRate": 0}"#, "discriminatorLearningRate"),
                                  ("e", #"{"model": {"mismatch": "random"}}"#, "mismatch"),
                                  ("f", #"{"model": {"generatorAverage": 1}}"#, "generatorAverage"),
                                  ("g", #"{"model": {"captionReconstruction": -1}}"#, "captionReconstruction"),
                                  ("h", #"{"model": {"captionTarget": "letters"}}"#, "captionTarget"),
                                  ("i", #"{"model": {"conditionalBatchNorm": 1}}"#, "conditionalBatchNorm"),
                                  ("j", #"{"model": {"wordProjection": "yes"}}"#, "wordProjection"),
                                  ("k", #"{"model": {"discriminatorRefine": [7]}}"#, "discriminatorRefine"),
                                  ("l", #"{"model": {"generatorRefine": [64]}}"#, "generatorRefine"),
                                  ("m", #"{"model": {"generatorResize": [128]}}"#, "generatorResize"),
                                  ("n", #"{"model": {"modeSeeking": -1}}"#, "modeSeeking"),
                                  ("o", #"{"model": {"generatorResizeInterpolation": "cubic"}}"#, "generatorResizeInterpolation"),
                                  ("p", #"{"model": {"augmentTranslation": 64}}"#, "augmentTranslation"),
                                  ("q", #"{"model": {"augmentCutout": -1}}"#, "augmentCutout")] {
            try Data(text.utf8).write(to: dir.url.appendingPathComponent("\(name).json"))
            let error = #expect(throws: TrainingConfigurationError.self) { try TrainingConfiguration.load(path: dir.file("\(name).json")) }
            #expect(error?.description.contains(key) == true, "\(error?.description ?? "")")
        }
    }

    /// Both learning rates are constant, then fall linearly over the last `learningRateDecaySteps`
    /// steps; without the key they stay constant. The trainer gives them to the optimizers.
    @Test func learningRatesDecayLinearlyOverTheLastSteps() throws {
        let dir = try TemporaryDirectory("decay")
        var c = smallTrainingConfiguration(output: dir.file("run"), encoder: .glove)
        c.steps = 10
        let dRate: Float = 1e-3
        c.discriminatorLearningRate = dRate
        #expect(try Trainer(configuration: c, data: try c.makeData()).learningRateFactor(atStep: 9) == 1)
        c.learningRateDecaySteps = 4
        let t = try Trainer(configuration: c, data: try c.makeData())
        #expect((0..<10).map { t.learningRateFactor(atStep: $0) } == [1, 1, 1, 1, 1, 1, 1, 0.75, 0.5, 0.25])
        try t.run(stopAfter: 9)
        #expect(t.model.generatorOptimizer.learningRate == c.learningRate * 0.5)
        #expect(t.model.discriminatorOptimizer.learningRate == dRate * 0.5)
        c.learningRateDecaySteps = 0
        #expect(c.problem?.contains("learningRateDecaySteps") == true)
    }

    /// The noise falls linearly from its start value to 0 at `instanceNoiseSteps` (or the last step).
    @Test func instanceNoiseIsAnnealedToZero() throws {
        let dir = try TemporaryDirectory("anneal")
        var c = smallTrainingConfiguration(output: dir.path, steps: 10)
        c.instanceNoise = 0.2
        let t = try Trainer(configuration: c, data: try c.makeData())
        #expect(t.instanceNoise(atStep: 0) == 0.2 && abs(t.instanceNoise(atStep: 5) - 0.1) < 1e-7 && t.instanceNoise(atStep: 10) == 0)
        c.instanceNoiseSteps = 4
        let u = try Trainer(configuration: c, data: try c.makeData())
        #expect(abs(u.instanceNoise(atStep: 2) - 0.1) < 1e-7 && u.instanceNoise(atStep: 4) == 0 && u.instanceNoise(atStep: 9) == 0)
    }

    /// Fitted on some vectors, the standardisation gives each dimension mean 0 and deviation 1 on them.
    @Test func captionStandardizationCentresAndScalesEachDimension() {
        var rng = SeededGenerator(seed: 12)
        let (rows, d) = (500, 4)
        var vectors = Tensor.normal([rows, d], std: 1, using: &rng).data.enumerated().map { i, v in v * Float(i % d + 1) * 0.1 + Float(i % d) }
        let s = CaptionStandardization(fitting: vectors, dimension: d)
        #expect(abs(s.centre[3] - 3) < 0.05 && abs(s.scale[3] - 0.4) < 0.05)
        s.apply(to: &vectors)
        for j in 0..<d {
            let column = (0..<rows).map { Double(vectors[$0 * d + j]) }
            let mean = column.reduce(0, +) / Double(rows)
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows)
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3, "dimension \(j): mean \(mean), variance \(variance)")
        }
    }

    @Test func exampleConfigurationLoads() throws {
        let c = try TrainingConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/train-synthetic.json").path)
        #expect(c.model.width == 32 && c.model.imageSize == 64 && c.data.heldOut.count == 4 && c.sampleCaptions?.count == 8)
    }

    /// The grid is a real PNG: Pillow reads its size and the pixel values we wrote.
    @Test func gridIsReadableByPillow() throws {
        let dir = try TemporaryDirectory("png")
        var images = [Float](repeating: -1, count: 6 * 8 * 8 * 3)
        for i in 0..<(8 * 8) { images[(1 * 64 + i) * 3] = 1 }  // image 1 is red
        try ImageGrid.writePNG(images: images, imageSize: 8, rows: 2, columns: 3, to: dir.file("g.png"))
        let script = "from PIL import Image; im = Image.open('\(dir.file("g.png"))'); print(im.size, im.mode, im.getpixel((2 + 10 + 3, 5)), im.getpixel((5, 5)), im.getpixel((0, 0)))"
        let result = try runProcess(pythonExecutable, ["-c", script])
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "(32, 22) RGB (255, 0, 0) (0, 0, 0) (255, 255, 255)",
                "\(result.stderr)")
    }

    @Test func sampleCommandNamesUnknownWordsAndWritesTheGrid() throws {
        let dir = try TemporaryDirectory("sample")
        let c = smallTrainingConfiguration(output: dir.file("run"), steps: 3)
        try Trainer(configuration: c, data: try c.makeData()).run()
        let result = try runT2I(["sample", "--checkpoint", dir.file("run/checkpoint.t2it"), "--caption",
                                 "a red zorblax on the grass", "--caption", "a blue ball", "-n", "5", "--out", dir.file("s.png")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("zorblax") && !result.stderr.contains("blue"))
        let size = try runProcess(pythonExecutable, ["-c", "from PIL import Image; print(Image.open('\(dir.file("s.png"))').size)"])
        #expect(size.stdout.contains("(92, 38)"))  // 5 * 16 + 6 * 2, 2 * 16 + 3 * 2
        let missing = try runT2I(["sample", "--checkpoint", dir.file("nope.t2it"), "--caption", "a", "--out", dir.file("x.png")])
        #expect(missing.status != 0 && missing.stderr.contains("nope.t2it"))
    }
}
