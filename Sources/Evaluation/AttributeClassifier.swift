import Foundation
import Tensor

/// A small convolutional classifier from the project's own layers: at each scale a stride-2 4x4
/// conv (`width`, 2x, 4x, 8x channels, at most 8 * `width`) followed by a 3x3 conv (batch norm,
/// leaky ReLU each) down to 4x4, a 64-d feature layer, and one linear head per attribute. Light
/// enough (about 8.3 GFLOP forward per batch of 64 at 64x64 with width 32, 2.1 with width 16) to
/// train for thousands of steps in minutes. The 3x3 conv at 32x32 is there for small objects (docs/training.md has
/// the object ceiling with and without it). Trained only on real images; its features also serve
/// the Fréchet distance.
public final class AttributeClassifier {
    let trunk: Sequential
    let heads: [Linear]
    public let classCounts: [Int]
    let optimizer: Adam

    /// - Parameters:
    ///   - imageSize: 4 * 2^k pixels.
    ///   - classCounts: number of classes of each attribute.
    ///   - width: channels of the first conv; each later scale doubles them, up to 8x.
    public init(imageSize: Int, classCounts: [Int], seed: UInt64, width: Int, learningRate: Float = 1e-3) {
        var rng = SeededGenerator(seed: seed)
        var layers: [any Layer] = []
        var (size, channels, i) = (imageSize, 3, 0)
        while size > 4 {
            let out = Swift.min(width << i, 8 * width)
            layers.append(Conv2d(channels, out, kernel: 4, stride: 2, padding: 1, std: 0.05, name: "cls.conv\(i)", generator: &rng))
            layers += [BatchNorm(out, name: "cls.bn\(i)"), Activation(.leakyReLU(slope: 0.2))]
            layers.append(Conv2d(out, out, kernel: 3, padding: 1, std: 0.05, name: "cls.conv\(i)b", generator: &rng))
            layers += [BatchNorm(out, name: "cls.bn\(i)b"), Activation(.leakyReLU(slope: 0.2))]
            (size, channels, i) = (size / 2, out, i + 1)
        }
        layers.append(_Flatten())
        layers.append(Linear(16 * channels, Self.featureDimension, std: 0.05, name: "cls.features", generator: &rng))
        layers.append(Activation(.leakyReLU(slope: 0.2)))
        trunk = Sequential(layers)
        heads = classCounts.enumerated().map { k, n in
            Linear(Self.featureDimension, n, std: 0.05, name: "cls.head\(k)", generator: &rng)
        }
        self.classCounts = classCounts
        self.learningRate = learningRate
        optimizer = Adam(parameters: trunk.parameters + heads.flatMap(\.parameters), learningRate: learningRate, beta1: 0.9)
    }

    /// The learning rate at progress 0.
    public let learningRate: Float

    /// Sets the step size for `progress` in [0, 1] of training: a half cosine from `learningRate`
    /// to 0, so the last steps average out the noise of single batches.
    public func anneal(progress: Double) {
        let p = Swift.min(Swift.max(progress, 0), 1)
        optimizer.learningRate = learningRate * Float(0.5 * (1 + cos(Double.pi * p)))
    }

    public static let featureDimension = 64

    var batchNorms: [BatchNorm] { trunk.layers.compactMap { $0 as? BatchNorm } }

    /// One Adam step on images `[N, S, S, 3]` with `labels[k][i]` the class of attribute k of image i.
    /// - Returns: the mean cross-entropy of each head.
    @discardableResult
    public func trainStep(images: Tensor, labels: [[Int]]) -> [Float] {
        batchNorms.forEach { $0.training = true }
        optimizer.zeroGrad()
        let features = trunk.forward(images)
        var gradFeatures = Tensor(zeros: features.shape)
        var losses: [Float] = []
        for (head, target) in zip(heads, labels) {
            let (loss, grad) = SoftmaxCrossEntropy.lossAndGradient(logits: head.forward(features), classes: target)
            losses.append(loss)
            let g = head.backward(grad)
            for j in 0..<g.count { gradFeatures.data[j] += g.data[j] }
        }
        _ = trunk.backward(gradFeatures)
        optimizer.update()
        return losses
    }

    /// Features `[N, 64]` and the predicted class of each attribute, with running batch statistics.
    public func predict(_ images: Tensor) -> (features: Tensor, classes: [[Int]]) {
        batchNorms.forEach { $0.training = false }
        let features = trunk.forward(images)
        let classes = heads.map { head -> [Int] in
            let logits = head.forward(features), c = logits.columns
            return (0..<logits.rows).map { r in
                let row = logits.data[r * c..<(r + 1) * c]
                return row.indices.max { row[$0] < row[$1] }.map { $0 - r * c } ?? 0
            }
        }
        return (features, classes)
    }
}

extension AttributeClassifier {
    /// Every weight and batch-norm running statistic, by name (what `predict` needs).
    public var tensors: [(name: String, value: Tensor)] {
        (trunk.parameters + heads.flatMap(\.parameters)).map { ($0.name, $0.value) }
            + batchNorms.flatMap { bn -> [(name: String, value: Tensor)] in
                let stem = String(bn.gamma.name.dropLast(".weight".count))
                return [("\(stem).running_mean", bn.runningMean), ("\(stem).running_var", bn.runningVar)]
            }
    }

    /// Sets every tensor of `tensors` from `stored`.
    /// - Returns: the name of the first tensor missing from `stored` or of another shape; nil when all were set.
    public func restore(_ stored: [String: Tensor]) -> String? {
        let targets = tensors
        for (name, value) in targets where stored[name]?.shape != value.shape { return name }
        for p in trunk.parameters + heads.flatMap(\.parameters) { if let t = stored[p.name] { p.value = t } }
        for bn in batchNorms {
            let stem = String(bn.gamma.name.dropLast(".weight".count))
            if let m = stored["\(stem).running_mean"], let v = stored["\(stem).running_var"] { (bn.runningMean, bn.runningVar) = (m, v) }
        }
        return nil
    }
}

/// `[N, H, W, C]` → `[N, H*W*C]` and back.
final class _Flatten: Layer {
    private var shape: [Int] = []
    func forward(_ input: Tensor) -> Tensor {
        shape = input.shape
        return input.reshaped([input.shape[0], input.count / input.shape[0]])
    }
    func backward(_ gradOutput: Tensor) -> Tensor { gradOutput.reshaped(shape) }
}
