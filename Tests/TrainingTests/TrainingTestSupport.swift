import Foundation
import GAN
import Training

/// A run small enough for tests: 16x16 images, width 4, 64 synthetic records, batch 8.
func smallTrainingConfiguration(output: String, encoder: TextEncoderKind = .gru, steps: Int = 12) -> TrainingConfiguration {
    var c = TrainingConfiguration()
    c.output = output
    c.model = GANConfiguration(imageSize: 16, width: 4, textEncoder: encoder)
    c.data = DataConfiguration(count: 64, seed: 5)
    c.steps = steps
    c.batch = 8
    c.checkpointEvery = 5
    c.sampleEvery = 1000
    c.threads = 2
    return c
}

/// The loss columns (steps, epoch and the five losses, as written) of a run's CSV.
/// The rows of a losses CSV without their header and last field (images/s, which varies run to run).
func lossRows(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        .map { $0.split(separator: ",").dropLast().joined(separator: ",") }
}

func writeJSON(_ configuration: TrainingConfiguration, to path: String) throws {
    try JSONEncoder().encode(configuration).write(to: URL(fileURLWithPath: path))
}
