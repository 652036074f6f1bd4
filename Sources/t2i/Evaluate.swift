import ArgumentParser
import Evaluation
import Foundation
import Training

/// `t2i evaluate --checkpoint C`: does the generator follow the caption?
struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a checkpoint: attribute accuracy of generated images, diversity, Frechet distance.",
        discussion: """
            Trains an attribute classifier (colour, object, background) on the checkpoint's training data, \
            then classifies images generated for every combination's caption, overall and per class. Needs \
            attribute-labelled data: the demo shards or the synthetic shapes.
            """)

    @Option(help: "A checkpoint written by `t2i train`.") var checkpoint: String
    @Option(help: "Classifier training steps.") var classifierSteps = 3000
    @Option(help: "Channels of the classifier's first layer (doubling per scale).") var classifierWidth = 32
    @Option(help: "Generated images per caption.") var samples = 16
    @Option(help: "Held-out real images.") var realImages = 1024
    @Flag(help: "Score G itself, not the moving average of its weights the checkpoint keeps (model.generatorAverage).")
    var rawGenerator = false
    @Option(help: ArgumentHelp("Keep the trained classifier in this file and reuse it while the classifier settings and the training data's configuration stay the same.",
                               valueName: "file")) var classifier: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        do {
            let (model, position) = try Checkpoint.load(from: checkpoint)
            let configuration = position.configuration
            let train = try configuration.makeData()
            let test = try configuration.makeTestData()
            var evaluator = Evaluator()
            evaluator.classifierSteps = classifierSteps
            evaluator.classifierWidth = classifierWidth
            evaluator.averagedGenerator = !rawGenerator
            evaluator.samplesPerCaption = samples
            evaluator.realTestImages = realImages
            evaluator.log = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
            evaluator.classifierFile = classifier
            let dataEncoder = JSONEncoder()
            dataEncoder.outputFormatting = .sortedKeys
            evaluator.trainingDataKey = String(decoding: try dataEncoder.encode(configuration.data), as: UTF8.self)
            let report = try evaluator.evaluate(model: model, step: position.step, train: train, test: test,
                                                heldOut: configuration.heldOutCombinations)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.text)
            }
        } catch {
            printError(error)
            throw ExitCode(1)
        }
    }
}
