import Foundation
import GAN
import Tensor
import TestSupport
import Testing
import Training

@Suite(.serialized, .tensorExclusive) struct ResumeTests {
    /// 12 steps straight through against 7 steps, a stop (the last checkpoint is at step 5),
    /// and a new trainer that resumes from the checkpoint: identical CSV losses and weights.
    /// The glove run also uses label smoothing, annealed instance noise and augmentation (both drawn
    /// from each step's own stream), learning rates that decay over the last 6 steps (across the
    /// stop) and an averaged G, whose weights and statistics must survive the checkpoint too.
    @Test(arguments: [TextEncoderKind.gru, .glove])
    func resumedRunMatchesUninterruptedRunBitForBit(encoder: TextEncoderKind) throws {
        let dir = try TemporaryDirectory("resume")
        func configuration(output: String) -> TrainingConfiguration {
            var c = smallTrainingConfiguration(output: output, encoder: encoder)
            if encoder == .glove {
                (c.model.realLabel, c.instanceNoise, c.model.generatorAverage) = (0.9, 0.3, 0.99)
                (c.model.augmentTranslation, c.model.augmentCutout) = (2, 4)
                c.learningRateDecaySteps = 6
            }
            return c
        }
        let straight = configuration(output: dir.file("straight"))
        let a = try Trainer(configuration: straight, data: try straight.makeData())
        try a.run()
        #expect(a.losses.count == 12)

        let interrupted = configuration(output: dir.file("interrupted"))
        let b1 = try Trainer(configuration: interrupted, data: try interrupted.makeData())
        try b1.run(stopAfter: 7)
        #expect(b1.position.step == 7)
        let b2 = try Trainer(configuration: interrupted, data: try interrupted.makeData())
        #expect(b2.position.step == 5 && b2.position.epoch == 0 && b2.position.batchInEpoch == 5)
        try b2.run()
        #expect(b2.losses.count == 7)
        #expect(b2.losses == Array(a.losses.suffix(7)))
        #expect(try lossRows(interrupted.output + "/losses.csv") == lossRows(straight.output + "/losses.csv"))
        for (p, q) in zip(a.model.parameters, b2.model.parameters) {
            #expect(p.value.data.map(\.bitPattern) == q.value.data.map(\.bitPattern), "\(p.name) differs after resuming")
        }
        for (x, y) in zip(a.model.batchNorms, b2.model.batchNorms) { #expect(x.runningVar == y.runningVar) }
        #expect((a.model.averagedGenerator == nil) == (encoder == .gru))
        if let x = a.model.averagedGenerator, let y = b2.model.averagedGenerator {
            for (p, q) in zip(x.parameters, y.parameters) {
                #expect(p.value.data.map(\.bitPattern) == q.value.data.map(\.bitPattern), "average of \(p.name) differs after resuming")
            }
            for (u, v) in zip(x.batchNorms, y.batchNorms) { #expect(u.runningMean == v.runningMean && u.runningVar == v.runningVar) }
            let (reloaded, _) = try Checkpoint.load(from: interrupted.output + "/checkpoint.t2it")
            let z = try #require(reloaded.averagedGenerator)
            for (p, q) in zip(y.parameters, z.parameters) { #expect(p.value == q.value, "\(p.name) as saved") }
            for (u, v) in zip(y.batchNorms, z.batchNorms) { #expect(u.runningMean == v.runningMean && u.runningVar == v.runningVar) }
        }
    }

    /// The position is stored with its keys sorted at every level, so one run's checkpoint has the
    /// same bytes whichever process wrote it (a dictionary's order changes from process to process).
    @Test func checkpointStoresItsPositionWithSortedKeys() throws {
        let dir = try TemporaryDirectory("sorted")
        let c = smallTrainingConfiguration(output: dir.path, steps: 2)
        try Trainer(configuration: c, data: try c.makeData()).run()
        let stored = try ParameterFile.load(from: dir.file("checkpoint.t2it"))
        let bytes = try #require(stored.first { $0.name == "checkpoint.json" }).value.data.map { UInt8(clamping: Int($0)) }
        // Re-encoding with sorted keys reproduces the stored bytes; the position has dozens of keys
        // (the whole configuration), so an unsorted encoding matches by chance with odds near zero.
        let position = try JSONDecoder().decode(TrainingPosition.self, from: Data(bytes))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(position) == Data(bytes))
    }

    @Test func epochsShuffleDifferentlyAndCoverEveryRecordOnce() throws {
        let dir = try TemporaryDirectory("order")
        var c = smallTrainingConfiguration(output: dir.path)
        c.steps = 16
        let t = try Trainer(configuration: c, data: try c.makeData())
        try t.run()
        let rows = try lossRows(c.output + "/losses.csv").map { $0.split(separator: ",").map(String.init) }
        #expect(rows.map { $0[1] } == [String](repeating: "0", count: 8) + [String](repeating: "1", count: 8))
        #expect(t.position.epoch == 2 && t.position.batchInEpoch == 0)
        let (e0, e1) = (t.records(epoch: 0), t.records(epoch: 1))
        #expect(e0.sorted() == Array(0..<64) && e1.sorted() == Array(0..<64))
        #expect(e0 != e1 && e0 != Array(0..<64))
    }

    @Test func checkpointFromAnotherRunIsRefused() throws {
        let dir = try TemporaryDirectory("refuse")
        let c = smallTrainingConfiguration(output: dir.path, steps: 5)
        try Trainer(configuration: c, data: try c.makeData()).run()
        var other = c
        other.model.width = 8
        #expect(throws: CheckpointError.self) { _ = try Trainer(configuration: other, data: try other.makeData()) }
    }

    /// A run logged before the `g_match`, `d_caption`, `d_caption_fake`, `g_caption` and `g_mode_ratio` columns resumes with its
    /// rows kept, each given a 0 there.
    @Test func resumeUpgradesALossLogWithoutTheNewerColumns() throws {
        let dir = try TemporaryDirectory("oldcsv")
        var c = smallTrainingConfiguration(output: dir.path, steps: 4)
        c.checkpointEvery = 2
        try Trainer(configuration: c, data: try c.makeData()).run()
        let path = c.output + "/losses.csv"
        let old = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            var f = line.split(separator: ",", omittingEmptySubsequences: false)
            f.removeSubrange(8...12)
            return f.joined(separator: ",")
        }
        #expect(old[0] == "step,epoch,d_real,d_wrong,d_fake,d_loss,g_loss,g_interp,images_per_s")
        try Data((old.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        c.steps = 6
        try Trainer(configuration: c, data: try c.makeData()).run()
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows.first.map { Array($0[8...12]) } == ["g_match", "d_caption", "d_caption_fake", "g_caption", "g_mode_ratio"])
        #expect(rows.count == 7 && rows.allSatisfy { $0.count == 14 })
        #expect(rows.dropFirst().map { $0[0] } == ["1", "2", "3", "4", "5", "6"])
        #expect(rows.dropFirst().allSatisfy { $0[8...12].allSatisfy { $0 == "0.0" } })
        // The kept rows keep their values in the columns they had.
        #expect(rows.dropFirst().prefix(4).map { Array($0[0..<8]) + [$0[13]] }
                    == old.dropFirst().map { $0.split(separator: ",").map(String.init) })
    }
}
