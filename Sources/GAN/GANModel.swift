import Tensor

/// G, D, the optional GRU text encoder and their optimisers: everything a checkpoint holds
/// besides the trainer's position.
public final class GANModel {
    public let configuration: GANConfiguration
    public let generator: Generator
    public let discriminator: Discriminator
    /// Present when `configuration.textEncoder == .gru`.
    public let textEncoder: GRUTextEncoder?
    /// The moving average of G's weights, present when `configuration.generatorAverage` is set
    /// (see `GANModel+GeneratorAverage.swift`). Samples come from it.
    public let averagedGenerator: Generator?
    /// Optimises G's parameters.
    public let generatorOptimizer: Adam
    /// Optimises D's parameters and the GRU text encoder (which learns only from D's loss).
    public let discriminatorOptimizer: Adam

    /// A freshly initialised model; every weight is drawn from `seed`.
    /// `discriminatorLearningRate` (D and the GRU) defaults to `learningRate`.
    public init(_ configuration: GANConfiguration, seed: UInt64, learningRate: Float = 2e-4, beta1: Float = 0.5,
                discriminatorLearningRate: Float? = nil) {
        precondition(configuration.problem == nil, configuration.problem ?? "")
        self.configuration = configuration
        var rng = SeededGenerator(seed: seed)
        let g = Generator(configuration, generator: &rng)
        generator = g
        discriminator = Discriminator(configuration, generator: &rng)
        textEncoder = configuration.textEncoder == .gru
            ? GRUTextEncoder(vocabularySize: configuration.vocabularySize, embeddingDimension: configuration.embeddingDimension,
                             hidden: configuration.gruHidden, generator: &rng)
            : nil
        averagedGenerator = configuration.generatorAverage.map { _ in Generator(copying: g) }
        generatorOptimizer = Adam(parameters: generator.parameters, learningRate: learningRate, beta1: beta1)
        discriminatorOptimizer = Adam(parameters: discriminator.parameters + (textEncoder?.parameters ?? []),
                                               learningRate: discriminatorLearningRate ?? learningRate, beta1: beta1)
    }

    /// Every trainable parameter: G, D, then the text encoder.
    public var parameters: [Parameter] {
        generator.parameters + discriminator.parameters + (textEncoder?.parameters ?? [])
    }

    /// Every batch-norm layer, for its running statistics.
    public var batchNorms: [BatchNorm] { generator.batchNorms + discriminator.batchNorms }

    /// The caption vectors `[N, textDimension]` that condition G and D.
    public func encode(_ captions: CaptionBatch) -> Tensor {
        if let textEncoder { return textEncoder.forward(captions) }
        precondition(captions.glove.shape == [captions.count, configuration.gloveDimension],
                     "GloVe vectors \(captions.glove.shape) for \(captions.count) captions of dimension \(configuration.gloveDimension)")
        return captions.glove
    }

    /// Images for `captions` with `noise` `[N, noiseDimension]`, using running batch-norm
    /// statistics, or the batch's own statistics with `batchStatistics` (as G saw them in training;
    /// the running statistics update nonetheless is undone).
    /// - Parameter averaged: draw from the averaged G when there is one (else from G itself).
    public func sample(captions: CaptionBatch, noise: Tensor, batchStatistics: Bool = false, averaged: Bool = true) -> Tensor {
        let g = averaged ? averagedGenerator ?? generator : generator
        if batchStatistics {
            let saved = g.batchNorms.map { ($0.runningMean, $0.runningVar) }
            defer { for (bn, s) in zip(g.batchNorms, saved) { (bn.runningMean, bn.runningVar) = s } }
            return g.forward(noise: noise, text: encode(captions))
        }
        let wasTraining = g.training
        g.training = false
        defer { g.training = wasTraining }
        return g.forward(noise: noise, text: encode(captions))
    }
}
