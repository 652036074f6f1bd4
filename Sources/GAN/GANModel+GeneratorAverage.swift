import Tensor

/// An exponential moving average of G's weights (Yazıcı et al. 2019, "The Unusual Effectiveness
/// of Averaging in GAN Training"): G's own weights chase a moving target and oscillate from step
/// to step; their average draws steadier images. Training never reads it.
///
/// Its batch norms' running statistics are not averaged: they are measured afresh on the averaged
/// weights (`refreshAverageStatistics`), because the activations of averaged weights are not the
/// average of G's activations.
extension GANModel {
    /// The average's decay after G's `step`-th update: `generatorAverage`, but lower early on,
    /// (1 + step) / (10 + step), so the average forgets the random initial weights quickly.
    public func generatorAverageDecay(afterStep step: Int) -> Float {
        let d = configuration.generatorAverage ?? 0
        return Swift.min(d, Float(1 + step) / Float(10 + step))
    }

    /// average = decay * average + (1 - decay) * G, for every parameter, after G's update.
    public func updateGeneratorAverage() {
        guard let averagedGenerator else { return }
        let d = generatorAverageDecay(afterStep: generatorOptimizer.step)
        for (a, p) in zip(averagedGenerator.parameters, generator.parameters) {
            let source = p.value.data
            a.value.data.withUnsafeMutableBufferPointer { target in
                for i in target.indices { target[i] = d * target[i] + (1 - d) * source[i] }
            }
        }
    }

    /// Sets the averaged G's running batch-norm statistics to the plain average of its batch
    /// statistics over the batches `(noise[k], texts[k])` (`[N, noiseDimension]` and
    /// `[N, textDimension]`): the statistics its sampling then normalises with.
    public func refreshAverageStatistics(noise: [Tensor], texts: [Tensor]) {
        precondition(noise.count == texts.count, "one noise batch per text batch")
        guard let g = averagedGenerator, !texts.isEmpty else { return }
        let norms = g.batchNorms
        let momenta = norms.map(\.momentum)
        let wasTraining = g.training
        g.training = true
        for (k, (z, text)) in zip(noise, texts).enumerated() {
            norms.forEach { $0.momentum = 1 / Float(k + 1) }
            _ = g.forward(noise: z, text: text)
        }
        for (bn, m) in zip(norms, momenta) { bn.momentum = m }
        g.training = wasTraining
    }
}
