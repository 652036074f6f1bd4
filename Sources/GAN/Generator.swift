import Tensor

/// G: noise z and the projected caption vector through a DCGAN transposed-convolution stack.
///
///     text [N, T] -> Linear(T, 128) -> leaky ReLU 0.2 --+
///     z [N, 100] ---------------------------------------+-> concat [N, 1, 1, 228]
///     -> convT 4x4 (1x1 -> 4x4, 8w) -> BN -> ReLU
///     -> k times convT 4x4 stride 2 pad 1 (halving channels) -> BN -> ReLU ... last to 3 channels -> tanh
///        (with `generatorRefine`, a conv 3x3 s1 -> BN -> ReLU after the stages of those sides;
///        with `generatorResize`, those stages upsample 2x by nearest neighbour and a conv 3x3 instead,
///        blurred to bilinear upsampling with `generatorResizeInterpolation: bilinear`)
///
/// With `conditionalBatchNorm`, each BN's output is scaled by 1 + γ and shifted by β per sample and
/// channel, [γ, β] = Linear(128, 2C) of the projected text (one Linear per BN).
public final class Generator {
    public let configuration: GANConfiguration
    let textProjection: Linear
    let textActivation = Activation(.leakyReLU(slope: 0.2))
    let concat = ChannelConcat()
    let body: Sequential
    /// With `conditionalBatchNorm`: per batch norm of `body`, in order, the text's [γ, β] and the
    /// modulation they apply. Empty otherwise.
    let modulations: [(projection: Linear, modulation: FeatureModulation)]

    /// A generator with N(0, 0.02) weights (BN gammas 1, betas 0) drawn from `generator`.
    public init(_ configuration: GANConfiguration, generator: inout SeededGenerator) {
        precondition(configuration.problem == nil, configuration.problem ?? "")
        self.configuration = configuration
        let c = configuration
        textProjection = Linear(c.textDimension, c.projectionDimension, name: "g.text", generator: &generator)
        var layers: [any Layer] = []
        var channels = c.deepChannels
        layers.append(ConvTranspose2d(c.noiseDimension + c.projectionDimension, channels, kernel: 4,
                                      name: "g.project", generator: &generator))
        layers += [BatchNorm(channels, name: "g.project.bn"), Activation(.relu)]
        let stages = c.stages ?? 1
        for i in 1...stages {
            let last = i == stages
            let out = last ? 3 : channels / 2
            let side = c.imageSize >> (stages - i)
            layers.append(c.generatorResize.contains(side)
                ? UpsampleConv2d(channels, out, name: "g.up\(i)", interpolation: c.generatorResizeInterpolation, generator: &generator)
                : ConvTranspose2d(channels, out, kernel: 4, stride: 2, padding: 1, name: "g.up\(i)", generator: &generator))
            layers += last ? [Activation(.tanh)] : [BatchNorm(out, name: "g.up\(i).bn"), Activation(.relu)]
            if !last && c.generatorRefine.contains(side) {
                layers += refineLayers(after: "g.up\(i)", channels: out, activation: .relu, generator: &generator)
            }
            channels = out
        }
        // The ReLU after each BN runs in the passes of the layer before it, with bit for bit the
        // same results: BN's own (`fusingActivations`), or with conditional batch norm those of
        // the modulation that comes between the two.
        if c.conditionalBatchNorm {
            let (kept, activations) = Self.separatingBatchNormActivations(layers)
            body = Sequential(kept)
            modulations = zip(kept.compactMap { $0 as? BatchNorm }, activations).map { bn, activation in
                (Linear(c.projectionDimension, 2 * bn.gamma.value.count, name: String(bn.gamma.name.dropLast(".weight".count)) + ".text",
                        generator: &generator), FeatureModulation(activation: activation))
            }
        } else {
            body = Sequential(fusingActivations(layers))
            modulations = []
        }
    }

    /// `layers` without the ReLU or leaky-ReLU `Activation` directly after each `BatchNorm`, and
    /// per batch norm, in order, the activation taken out (nil where none follows it).
    static func separatingBatchNormActivations(_ layers: [any Layer]) -> (layers: [any Layer], activations: [Activation.Kind?]) {
        var kept: [any Layer] = [], activations: [Activation.Kind?] = []
        for layer in layers {
            if layer is BatchNorm { activations.append(nil) }
            if let a = layer as? Activation, kept.last is BatchNorm, a.kind != .tanh, a.kind != .sigmoid {
                activations[activations.count - 1] = a.kind
                continue
            }
            kept.append(layer)
        }
        return (kept, activations)
    }

    /// A generator with `other`'s configuration, weights and running statistics (copied, not shared).
    public convenience init(copying other: Generator) {
        var unused = SeededGenerator(seed: 0)
        self.init(other.configuration, generator: &unused)
        for (p, q) in zip(parameters, other.parameters) { p.value = q.value }
        for (b, c) in zip(batchNorms, other.batchNorms) { (b.runningMean, b.runningVar) = (c.runningMean, c.runningVar) }
    }

    public var parameters: [Parameter] {
        textProjection.parameters + body.parameters + modulations.flatMap(\.projection.parameters)
    }

    /// The batch-norm layers, whose running statistics a checkpoint keeps.
    public var batchNorms: [BatchNorm] { body.layers.compactMap { $0 as? BatchNorm } }

    /// Training mode uses batch statistics; sampling uses the running statistics.
    public var training: Bool {
        get { batchNorms.first?.training ?? true }
        set { batchNorms.forEach { $0.training = newValue } }
    }

    /// - Parameters:
    ///   - noise: `[N, noiseDimension]`.
    ///   - text: `[N, textDimension]`.
    /// - Returns: images `[N, S, S, 3]` in [-1, 1].
    public func forward(noise: Tensor, text: Tensor) -> Tensor {
        let n = noise.shape[0]
        precondition(noise.shape == [n, configuration.noiseDimension] && text.shape == [n, configuration.textDimension],
                     "Generator expects noise [N, \(configuration.noiseDimension)] and text [N, \(configuration.textDimension)]")
        let projected = textActivation.forward(textProjection.forward(text))
        let joined = concat.forward([noise, projected])
        var x = joined.reshaped([n, 1, 1, joined.columns])
        var next = modulations.makeIterator()
        for layer in body.layers {
            x = layer.forward(x)
            if layer is BatchNorm, let (projection, modulation) = next.next() {
                x = modulation.forward(x, modulation: projection.forward(projected))
            }
        }
        return x
    }

    /// Back-propagates into G's parameters.
    /// - Returns: the gradient with respect to the text vector (the trainer does not pass it on
    ///   to a text encoder: see docs/training.md).
    @discardableResult
    public func backward(_ gradImages: Tensor) -> Tensor {
        var g = gradImages
        var gradProjected: Tensor?
        var next = modulations.reversed().makeIterator()
        for layer in body.layers.reversed() {
            if layer is BatchNorm, let (projection, modulation) = next.next() {
                let parts = modulation.backward(g)
                let d = projection.backward(parts.modulation)
                gradProjected = gradProjected.map { $0.adding(d) } ?? d
                g = parts.input
            }
            g = layer.backward(g)
        }
        let parts = concat.backward(g.reshaped([g.shape[0], g.shape[3]]))
        let d = gradProjected.map { parts[1].adding($0) } ?? parts[1]
        return textProjection.backward(textActivation.backward(d))
    }
}
