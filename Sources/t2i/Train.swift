import ArgumentParser
import Foundation
import Training

/// `t2i train --config FILE.json`: trains GAN-INT-CLS, resuming from the output folder's checkpoint.
struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the text-conditioned GAN (GAN-INT-CLS) on the CPU.",
        discussion: """
            The configuration is JSON (keys in docs/training.md). Losses go to OUTPUT/losses.csv, grids to \
            OUTPUT/samples/, the checkpoint to OUTPUT/checkpoint.t2it; running again continues from that checkpoint.
            """)

    @Option(help: "Training configuration (JSON).") var config: String
    @Option(help: "Override the configuration's total steps.") var steps: Int?

    func run() async throws {
        do {
            var configuration = try TrainingConfiguration.load(path: config)
            if let steps { configuration.steps = steps; configuration.epochs = nil }
            let trainer = try Trainer(configuration: configuration, data: try configuration.makeData())
            trainer.progress = isatty(STDERR_FILENO) != 0 ? .live : .lines
            if trainer.position.step > 0 {
                FileHandle.standardError.write(Data("resuming at step \(trainer.position.step) from \(trainer.checkpointPath)\n".utf8))
            }
            try trainer.run()
        } catch {
            printError(error)
            throw ExitCode(1)
        }
    }
}
