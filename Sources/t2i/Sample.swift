import ArgumentParser
import Foundation
import GAN
import Training

/// `t2i sample --checkpoint C --caption "..." -n 16 --out grid.png`.
struct Sample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate images for captions from a training checkpoint.",
        discussion: "Words outside the vocabulary are named on standard error and read as <UNK>.")

    @Option(help: "A checkpoint written by `t2i train`.") var checkpoint: String
    @Option(help: "A caption; repeat for one grid row per caption.") var caption: [String]
    @Option(name: .short, help: "Images per caption.") var n = 16
    @Option(help: "Seed of the noise vectors.") var seed: UInt64 = 1
    @Option(help: "Output PNG grid.") var out: String
    @Flag(help: "Normalise with the grid's own batch statistics (as in training) instead of the running ones.")
    var batchStatistics = false
    @Flag(help: "Draw from G itself, not the moving average of its weights the checkpoint keeps (model.generatorAverage).")
    var rawGenerator = false

    func validate() throws {
        guard !caption.isEmpty else { throw ValidationError("give at least one --caption") }
        guard n >= 1 else { throw ValidationError("-n must be at least 1") }
    }

    func run() async throws {
        do {
            let (model, position) = try Checkpoint.load(from: checkpoint)
            var sampler = Sampler(model: model, encoder: try position.configuration.captionEncoder())
            sampler.batchStatistics = batchStatistics
            sampler.averaged = !rawGenerator
            let unknown = try sampler.writeGrid(captions: caption, perCaption: n, seed: seed, to: out)
            if !unknown.isEmpty {
                FileHandle.standardError.write(Data("t2i: not in the vocabulary, read as <UNK>: \(unknown.joined(separator: ", "))\n".utf8))
            }
            print("wrote \(out): \(caption.count) x \(n) images of \(model.configuration.imageSize)px from step \(position.step)")
        } catch {
            printError(error)
            throw ExitCode(1)
        }
    }
}
