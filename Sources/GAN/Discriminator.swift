import Tensor

/// D, split into an image trunk and a text head so that one trunk pass over real images serves
/// both the matching and the mismatched caption.
///
///     trunk: conv 4x4 s2 (3 -> w) -> lReLU, then conv 4x4 s2 -> BN -> lReLU ... down to [N, 4, 4, 8w];
///            with `discriminatorRefine`, a conv 3x3 s1 -> BN -> lReLU after the stages of those sides
///     head:  text [N, T] -> Linear(T, 128) -> BN -> lReLU -> replicate 4x4 -> concat with the trunk
///            -> conv 1x1 (8w + 128 -> 8w) -> BN -> lReLU -> conv 4x4 (valid) -> one logit
///     caption head (only with `captionReconstruction` > 0): trunk features flattened, or averaged
///            over the 4x4 positions with `captionHeadPooled` (then Linear(8w, ...))
///            -> Linear(16 * 8w, gloveDimension, vocabularySize or vocabularySize + 1) -> the caption's
///            predicted mean word vector, or one logit per vocabulary word (and one for "fake"; `captionTarget`)
///     word projection (only with `wordProjection`): the logit += ⟨Linear(vocabularySize, 8w)(words),
///            trunk features averaged over the 4x4 positions⟩
public final class Discriminator {
    public let configuration: GANConfiguration
    let trunk: Sequential
    let textProjection: Sequential
    let replicate = SpatialReplicate(height: 4, width: 4)
    let concat = ChannelConcat()
    let joint: Sequential
    /// Predicts the caption vector from the trunk's features; nil unless `captionReconstruction` > 0.
    let captionHead: Linear?
    /// Embeds the caption's words for the projection term; nil unless `wordProjection`.
    let wordEmbedding: Linear?
    /// The last `headForward`'s pooled features and embedded words `[N, 8w]` each, for `headBackward`.
    private var projectionCache: (pooled: Tensor, embedded: Tensor)?

    /// A discriminator with N(0, 0.02) weights drawn from `generator`.
    public init(_ configuration: GANConfiguration, generator: inout SeededGenerator) {
        precondition(configuration.problem == nil, configuration.problem ?? "")
        self.configuration = configuration
        let c = configuration
        var layers: [any Layer] = []
        var channels = 3
        for i in 1...(c.stages ?? 1) {
            let out = i == 1 ? c.width : channels * 2
            layers.append(Conv2d(channels, out, kernel: 4, stride: 2, padding: 1, name: "d.down\(i)", generator: &generator))
            if i > 1 { layers.append(BatchNorm(out, name: "d.down\(i).bn")) }
            layers.append(Activation(.leakyReLU(slope: 0.2)))
            if c.discriminatorRefine.contains(c.imageSize >> i) {
                layers += refineLayers(after: "d.down\(i)", channels: out, activation: .leakyReLU(slope: 0.2), generator: &generator)
            }
            channels = out
        }
        // Each batch norm takes the leaky ReLU after it into its own passes (`fusingActivations`).
        trunk = Sequential(fusingActivations(layers))
        let p = c.projectionDimension
        textProjection = Sequential(fusingActivations([Linear(c.textDimension, p, name: "d.text", generator: &generator),
                                                       BatchNorm(p, name: "d.text.bn"), Activation(.leakyReLU(slope: 0.2))]))
        joint = Sequential(fusingActivations([Conv2d(channels + p, channels, kernel: 1, name: "d.joint", generator: &generator),
                                              BatchNorm(channels, name: "d.joint.bn"), Activation(.leakyReLU(slope: 0.2)),
                                              Conv2d(channels, 1, kernel: 4, name: "d.logit", generator: &generator)]))
        captionHead = c.captionReconstruction > 0
            ? Linear((c.captionHeadPooled ? 1 : 16) * channels, c.captionTargetDimension, name: "d.caption", generator: &generator) : nil
        wordEmbedding = c.wordProjection ? Linear(c.vocabularySize, channels, bias: false, name: "d.words", generator: &generator) : nil
    }

    public var parameters: [Parameter] {
        trunk.parameters + textProjection.parameters + joint.parameters + (captionHead?.parameters ?? [])
            + (wordEmbedding?.parameters ?? [])
    }

    /// False during G's step: D's convolutions and Linear layers then pass gradients back to the
    /// images without making their own weight gradients, which D's next step would zero unused.
    /// (Batch-norm scales and shifts still accumulate theirs; they are as cheap as the pass itself.)
    public var accumulatesParameterGradients: Bool {
        get { trunk.layers.compactMap { $0 as? Conv2d }.first?.accumulatesParameterGradients ?? true }
        set {
            for layer in trunk.layers + textProjection.layers + joint.layers + [captionHead, wordEmbedding].compactMap({ $0 }) {
                (layer as? Conv2d)?.accumulatesParameterGradients = newValue
                (layer as? Linear)?.accumulatesParameterGradients = newValue
            }
        }
    }

    public var batchNorms: [BatchNorm] {
        (trunk.layers + textProjection.layers + joint.layers).compactMap { $0 as? BatchNorm }
    }

    public var training: Bool {
        get { batchNorms.first?.training ?? true }
        set { batchNorms.forEach { $0.training = newValue } }
    }

    /// Image features `[N, 4, 4, 8w]` from images `[N, S, S, 3]`.
    public func trunkForward(_ images: Tensor) -> Tensor { trunk.forward(images) }

    /// Accumulates trunk parameter gradients; returns the gradient with respect to the images.
    @discardableResult
    public func trunkBackward(_ gradFeatures: Tensor) -> Tensor { trunk.backward(gradFeatures) }

    /// Accumulates trunk parameter gradients only, for images that are constants (D's own step):
    /// the first convolution skips the gradient with respect to the images (a GEMM and a col2im
    /// scatter over every pixel, about 3% of a `make train` step, thrown away).
    public func trunkParameterBackward(_ gradFeatures: Tensor) {
        guard let first = trunk.layers.first as? Conv2d else { _ = trunk.backward(gradFeatures); return }
        first.computesInputGradient = false
        defer { first.computesInputGradient = true }
        _ = trunk.backward(gradFeatures)
    }

    /// Logits `[N]` for trunk features `[N, 4, 4, 8w]` paired with text vectors `[N, T]` and, with
    /// `wordProjection` (where it is required), the captions' word distributions `[N, vocabularySize]`.
    public func headForward(features: Tensor, text: Tensor, words: Tensor? = nil) -> Tensor {
        let projected = replicate.forward(textProjection.forward(text))
        var logits = joint.forward(concat.forward([features, projected])).reshaped([features.shape[0]])
        if let wordEmbedding {
            guard let words else { preconditionFailure("D's word projection needs the captions' words") }
            let (n, c) = (features.shape[0], features.shape[3])
            let pooled = meanOverPositions(features)
            let embedded = wordEmbedding.forward(words)
            for r in 0..<n { for k in 0..<c { logits.data[r] += pooled.data[r * c + k] * embedded.data[r * c + k] } }
            projectionCache = (pooled, embedded)
        }
        return logits
    }

    /// The predictions `[N, captionTargetDimension]` of the caption head for trunk features
    /// `[N, 4, 4, 8w]`. Requires `captionReconstruction` > 0.
    public func captionForward(features: Tensor) -> Tensor {
        guard let captionHead else { preconditionFailure("D has no caption head (captionReconstruction is 0)") }
        guard configuration.captionHeadPooled else {
            return captionHead.forward(features.reshaped([features.shape[0], features.count / features.shape[0]]))
        }
        return captionHead.forward(meanOverPositions(features))
    }

    /// Accumulates the caption head's gradients; returns the gradient for the features `[N, 4, 4, 8w]`.
    public func captionBackward(_ gradPrediction: Tensor, featureShape: [Int]) -> Tensor {
        guard let captionHead else { preconditionFailure("D has no caption head (captionReconstruction is 0)") }
        let gradInput = captionHead.backward(gradPrediction)
        return configuration.captionHeadPooled ? meanOverPositionsAdjoint(gradInput) : gradInput.reshaped(featureShape)
    }

    /// Features `[N, 4, 4, C]` averaged over the 16 positions, `[N, C]`: the sum that replication's
    /// adjoint makes, over 16. (The word projection's and the pooled caption head's input.)
    private func meanOverPositions(_ features: Tensor) -> Tensor {
        replicate.backward(features).scaled(by: 1 / Float(replicate.height * replicate.width))
    }

    /// The adjoint of `meanOverPositions`: each position gets 1/16 of the gradient `[N, C]`.
    private func meanOverPositionsAdjoint(_ gradient: Tensor) -> Tensor {
        replicate.forward(gradient).scaled(by: 1 / Float(replicate.height * replicate.width))
    }

    /// Accumulates head parameter gradients; returns gradients for the features and the text.
    public func headBackward(_ gradLogits: Tensor) -> (features: Tensor, text: Tensor) {
        let n = gradLogits.count
        let parts = concat.backward(joint.backward(gradLogits.reshaped([n, 1, 1, 1])))
        var features = parts[0]
        if let wordEmbedding, let (pooled, embedded) = projectionCache {
            // d logit / d embedded = pooled features; d logit / d feature at every position = embedded / 16.
            let c = pooled.shape[1]
            var gradEmbedded = Tensor(zeros: [n, c]), gradPooled = Tensor(zeros: [n, c])
            for r in 0..<n {
                for k in 0..<c {
                    gradEmbedded.data[r * c + k] = gradLogits.data[r] * pooled.data[r * c + k]
                    gradPooled.data[r * c + k] = gradLogits.data[r] * embedded.data[r * c + k]
                }
            }
            _ = wordEmbedding.backward(gradEmbedded)
            features = features.adding(meanOverPositionsAdjoint(gradPooled))
        }
        return (features, textProjection.backward(replicate.backward(parts[1])))
    }
}
