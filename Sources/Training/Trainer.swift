import Foundation
import EEE443
import GAN
import Tensor

/// How the trainer reports progress on standard error.
public enum ProgressStyle: Sendable {
    /// One line rewritten in place (a terminal).
    case live
    /// A plain line every `logEvery` steps (a log file or pipe).
    case lines
    case quiet
}

/// The training loop: epoch shuffles, per-step losses to CSV, sample grids, atomic checkpoints,
/// exact resumption from the last checkpoint.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let data: any TrainingData
    public let model: GANModel
    public private(set) var position: TrainingPosition
    public var progress: ProgressStyle = .quiet
    /// The losses of the steps run by this object, in order.
    public private(set) var losses: [GANLosses] = []
    private var order: (epoch: Int, records: [Int])?

    public var checkpointPath: String { configuration.output + "/checkpoint.t2it" }
    public var csvPath: String { configuration.output + "/losses.csv" }
    public var batchesPerEpoch: Int { data.count / configuration.batch }
    public var totalSteps: Int { configuration.epochs.map { $0 * batchesPerEpoch } ?? configuration.steps }

    /// A trainer that continues from `output/checkpoint.t2it` if it exists (with the
    /// checkpoint's configuration, which must match `configuration` apart from the intervals),
    /// or starts afresh.
    /// - Throws: checkpoint, file or configuration errors naming the file.
    public init(configuration: TrainingConfiguration, data: any TrainingData) throws {
        precondition(configuration.problem == nil, configuration.problem ?? "")
        guard data.count >= configuration.batch else {
            throw TrainingConfigurationError(path: configuration.output, reason: "\(data.count) records are fewer than one batch of \(configuration.batch)")
        }
        guard data.imageSize == configuration.model.imageSize else {
            throw TrainingConfigurationError(path: configuration.output, reason: "data is \(data.imageSize)px, model \(configuration.model.imageSize)px")
        }
        self.configuration = configuration
        self.data = data
        try FileManager.default.createDirectory(atPath: configuration.output + "/samples", withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: configuration.output + "/checkpoint.t2it") {
            let (model, position) = try Checkpoint.load(from: configuration.output + "/checkpoint.t2it")
            guard position.configuration.model == configuration.model, position.configuration.data == configuration.data,
                  position.configuration.batch == configuration.batch,
                  [position.configuration.seed, position.configuration.shuffleSeed, position.configuration.noiseSeed]
                    == [configuration.seed, configuration.shuffleSeed, configuration.noiseSeed]
            else {
                throw CheckpointError(path: configuration.output + "/checkpoint.t2it",
                                      reason: "was written by a run with another model, data, batch or seeds; use a new output folder")
            }
            self.model = model
            self.position = position
            try Self.truncateCSV(configuration.output + "/losses.csv", keepingSteps: position.step)
        } else {
            model = GANModel(configuration.model, seed: configuration.seed, learningRate: configuration.learningRate,
                             beta1: configuration.beta1, discriminatorLearningRate: configuration.discriminatorLearningRate)
            position = TrainingPosition(step: 0, epoch: 0, batchInEpoch: 0, configuration: configuration)
            try Data((Self.csvHeader + "\n").utf8).write(to: URL(fileURLWithPath: configuration.output + "/losses.csv"))
        }
    }

    static let csvHeader = "step,epoch,d_real,d_wrong,d_fake,d_loss,g_loss,g_interp,g_match,d_caption,d_caption_fake,g_caption,g_mode_ratio,images_per_s"

    /// Keeps the header and the rows of steps 1...steps (a killed run may have logged more).
    /// A log written before a column existed (`g_match`, `d_caption`, `d_caption_fake`, `g_caption`, `g_mode_ratio`) gets that
    /// column with 0, the term's value then.
    static func truncateCSV(_ path: String, keepingSteps steps: Int) throws {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n")
        let columns = csvHeader.split(separator: ",").map(String.init)
        let written = lines.first.map { $0.split(separator: ",").map(String.init) } ?? columns
        let sources = columns.map { written.firstIndex(of: $0) }
        let rows = lines.dropFirst().compactMap { line -> String? in
            // A line cut short by a kill has fewer fields; it belongs to a step past the checkpoint.
            guard let step = Int(line.prefix { $0 != "," }), step <= steps else { return nil }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == written.count else { return nil }
            return sources.map { $0.map { fields[$0] } ?? "0.0" }.joined(separator: ",")
        }
        try Data(([csvHeader] + rows).map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Epoch `epoch`'s record order: a Fisher-Yates shuffle seeded by (shuffleSeed, epoch).
    public func records(epoch: Int) -> [Int] {
        if let order, order.epoch == epoch { return order.records }
        var rng = SeededGenerator(seed: configuration.shuffleSeed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        var r = Array(0..<data.count)
        for i in stride(from: r.count - 1, to: 0, by: -1) { r.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        order = (epoch, r)
        return r
    }

    /// Runs until `totalSteps`, or until `stopAfter` more steps (a simulated kill: no final
    /// checkpoint or grid). Checkpoints every `checkpointEvery` steps and at the end.
    /// - Throws: data, file and checkpoint errors.
    public func run(stopAfter: Int? = nil) throws {
        TensorThreads.set(configuration.threads)
        let csv = try FileHandle(forWritingTo: URL(fileURLWithPath: csvPath))
        defer { try? csv.close() }
        try csv.seekToEnd()
        let b = configuration.batch
        var ran = 0
        while position.step < totalSteps {
            if let stopAfter, ran >= stopAfter { return }
            let started = DispatchTime.now().uptimeNanoseconds
            let chosen = Array(records(epoch: position.epoch)[position.batchInEpoch * b..<(position.batchInEpoch + 1) * b])
            var random = SeededGenerator(seed: configuration.noiseSeed &+ UInt64(position.step) &* 0xD1B5_4A32_D192_ED03)
            let captions = chosen.map { Int(random.next() % UInt64(data.captionCount(of: $0))) }
            let batch = try data.batch(records: chosen, captions: captions)
            setLearningRates(atStep: position.step)
            let l = model.trainStep(images: batch.images, captions: batch.captions, random: &random,
                                    instanceNoise: instanceNoise(atStep: position.step))
            losses.append(l)
            ran += 1
            let epoch = position.epoch
            position.step += 1
            position.batchInEpoch += 1
            if position.batchInEpoch == batchesPerEpoch { position.epoch += 1; position.batchInEpoch = 0 }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let rate = Double(b) / Swift.max(seconds, 1e-9)
            let row = [position.step, epoch].map(String.init) + [l.real, l.wrong, l.fake, l.discriminator, l.generator,
                                                                          l.interpolated, l.matching, l.caption,
                                                                          l.captionFake, l.generatorCaption, l.modeRatio].map { "\($0)" }
                + [String(format: "%.1f", rate)]
            try csv.write(contentsOf: Data((row.joined(separator: ",") + "\n").utf8))
            report(l, epoch: epoch, rate: rate)
            if position.step % configuration.checkpointEvery == 0 || position.step == totalSteps {
                try refreshAverageStatistics()
                try Checkpoint.save(model: model, position: position, to: checkpointPath)
            }
            if position.step % configuration.sampleEvery == 0 {
                try writeSampleGrid(to: configuration.output + String(format: "/samples/step-%06d.png", position.step))
            }
        }
        if progress == .live { FileHandle.standardError.write(Data("\n".utf8)) }
        try writeSampleGrid(to: configuration.output + "/samples/final.png")
    }

    private var averageStatisticsStep: Int?

    /// Measures the averaged G's batch-norm statistics (if the model keeps an average) on the
    /// first caption of the first `averageStatisticsBatches` batches of records, with noise from
    /// `sampleSeed`; once per step. Training does not read them, so resuming stays exact.
    public func refreshAverageStatistics() throws {
        guard model.averagedGenerator != nil, averageStatisticsStep != position.step else { return }
        let b = configuration.batch
        let texts = try stride(from: 0, to: Swift.min(data.count, Self.averageStatisticsBatches * b) - b + 1, by: b).map { start in
            let records = Array(start..<start + b)
            return model.encode(try data.batch(records: records, captions: [Int](repeating: 0, count: b)).captions)
        }
        var rng = SeededGenerator(seed: configuration.sampleSeed)
        let noise = texts.map { Tensor.normal([$0.shape[0], model.configuration.noiseDimension], std: 1, using: &rng) }
        model.refreshAverageStatistics(noise: noise, texts: texts)
        averageStatisticsStep = position.step
    }

    /// Batches the averaged G's statistics are measured on.
    public static let averageStatisticsBatches = 8

    /// The instance noise of step `step` (0-based): `instanceNoise` falling linearly to 0.
    public func instanceNoise(atStep step: Int) -> Float {
        let span = configuration.instanceNoiseSteps ?? totalSteps
        guard configuration.instanceNoise > 0, step < span else { return 0 }
        return configuration.instanceNoise * Float(span - step) / Float(span)
    }

    /// The factor on both learning rates at step `step` (0-based): 1, then over the last
    /// `learningRateDecaySteps` steps (totalSteps − step) / learningRateDecaySteps, down to
    /// 1 / learningRateDecaySteps at the last step. A function of the step alone, so resuming is exact.
    public func learningRateFactor(atStep step: Int) -> Float {
        guard let span = configuration.learningRateDecaySteps, totalSteps - step < span else { return 1 }
        return Float(Swift.max(totalSteps - step, 0)) / Float(span)
    }

    private func setLearningRates(atStep step: Int) {
        let factor = learningRateFactor(atStep: step)
        model.generatorOptimizer.learningRate = configuration.learningRate * factor
        model.discriminatorOptimizer.learningRate = (configuration.discriminatorLearningRate ?? configuration.learningRate) * factor
    }

    private func report(_ l: GANLosses, epoch: Int, rate: Double) {
        var text = String(format: "step %d/%d epoch %d | %.1f img/s | D %.3f (real %.3f wrong %.3f fake %.3f) G %.3f int %.3f match %.3f",
                          position.step, totalSteps, epoch, rate, l.discriminator, l.real, l.wrong, l.fake,
                          l.generator, l.interpolated, l.matching)
        if model.configuration.captionReconstruction > 0 {
            text += String(format: " | caption D %.3f G %.3f", l.caption, l.generatorCaption)
            if model.configuration.captionTarget == .wordsOrFake { text += String(format: " D-fake %.3f", l.captionFake) }
        }
        if model.configuration.modeSeeking > 0 { text += String(format: " | mode ratio %.3f", l.modeRatio) }
        switch progress {
        case .live: FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
        case .lines where position.step % configuration.logEvery == 0 || position.step == totalSteps:
            FileHandle.standardError.write(Data("\(text)\n".utf8))
        default: break
        }
    }

    /// The grid captions: the configured ones, or the first caption of records 0..<8.
    public var sampleCaptions: [String] {
        if let c = configuration.sampleCaptions, !c.isEmpty { return c }
        let n = Swift.min(8, data.count)
        let batch = try? data.batch(records: Array(0..<n), captions: [Int](repeating: 0, count: n))
        return (0..<n).map { i in
            batch.map { data.captionEncoder.vocabulary.decode($0.captions.tokens[i * 17..<(i + 1) * 17]) } ?? ""
        }
    }

    /// Writes a grid: one row per sample caption, 8 fixed noise vectors (from `sampleSeed`) as columns.
    public func writeSampleGrid(to path: String) throws {
        try refreshAverageStatistics()
        try Sampler(model: model, encoder: data.captionEncoder)
            .writeGrid(captions: sampleCaptions, perCaption: 8, seed: configuration.sampleSeed, to: path)
    }
}
