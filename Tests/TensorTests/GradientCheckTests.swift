import Foundation
import Tensor
import TestSupport
import Testing

/// Central finite differences against every op's backward pass, on small random problems.
@Suite("Finite-difference gradient checks", .tensorExclusive)
struct GradientCheckTests {
    private func checkLayer(_ layer: any Layer, input: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
        gradientCheck(inputs: [input], parameters: layer.parameters,
                      run: { layer.forward($0[0]) }, backprop: { [layer.backward($0)] },
                      sourceLocation: sourceLocation)
    }

    @Test func linear() {
        var gen = SeededGenerator(seed: 3)
        checkLayer(Linear(5, 3, std: 0.5, generator: &gen), input: randomTensor([4, 5], seed: 4))
    }

    @Test(arguments: [(3, 2, 1, true), (4, 2, 1, false), (1, 1, 0, true), (3, 1, 0, false)])
    func conv2d(_ kernel: Int, _ stride: Int, _ padding: Int, _ bias: Bool) {
        var gen = SeededGenerator(seed: 5)
        let layer = Conv2d(3, 2, kernel: kernel, stride: stride, padding: padding, bias: bias, std: 0.5, generator: &gen)
        checkLayer(layer, input: randomTensor([2, 6, 5, 3], seed: 6))
    }

    @Test(arguments: [(4, 2, 1, true), (4, 1, 0, false), (3, 2, 0, false), (1, 1, 0, true)])
    func convTranspose2d(_ kernel: Int, _ stride: Int, _ padding: Int, _ bias: Bool) {
        var gen = SeededGenerator(seed: 7)
        let layer = ConvTranspose2d(3, 2, kernel: kernel, stride: stride, padding: padding, bias: bias, std: 0.5,
                                    generator: &gen)
        checkLayer(layer, input: randomTensor([2, 3, 2, 3], seed: 8))
    }

    @Test func batchNormTraining() {
        let layer = BatchNorm(3)
        layer.gamma.value = randomTensor([3], seed: 9)
        layer.beta.value = randomTensor([3], seed: 10)
        checkLayer(layer, input: randomTensor([3, 2, 2, 3], seed: 11, std: 2))
    }

    @Test func batchNormEvaluation() {
        let layer = BatchNorm(4)
        layer.training = false
        layer.runningMean = randomTensor([4], seed: 12)
        layer.runningVar = Tensor(shape: [4], data: [0.5, 1, 2, 3])
        layer.gamma.value = randomTensor([4], seed: 13)
        checkLayer(layer, input: randomTensor([5, 4], seed: 14))
    }

    @Test(arguments: [Activation.Kind.relu, .leakyReLU(slope: 0.2), .tanh, .sigmoid])
    func activation(_ kind: Activation.Kind) {
        checkLayer(Activation(kind), input: randomTensor([3, 7], seed: 15, std: 2, margin: 0.05))
    }

    @Test func binaryCrossEntropyWithLogits() {
        let targets = Tensor(shape: [2, 3], data: [1, 0, 0.3, 1, 1, 0])
        let logits = randomTensor([2, 3], seed: 16, std: 2)
        checkLoss(logits) { BCEWithLogits.lossAndGradient(logits: $0, targets: targets) }
    }

    @Test func meanSquaredError() {
        let targets = randomTensor([2, 3], seed: 31)
        let predictions = randomTensor([2, 3], seed: 32, std: 2)
        let (loss, _) = MeanSquaredError.lossAndGradient(predictions: predictions, targets: targets)
        let definition = zip(predictions.data, targets.data).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / 6
        #expect(abs(Double(loss) - definition) <= 1e-6 * definition)
        checkLoss(predictions) { MeanSquaredError.lossAndGradient(predictions: $0, targets: targets) }
    }

    @Test func softmaxCrossEntropyWithDistributions() {
        let targets = Tensor(shape: [2, 4], data: [0.5, 0, 0.5, 0, 0.1, 0.2, 0.3, 0.4])
        let logits = randomTensor([2, 4], seed: 33, std: 2)
        let (loss, _) = SoftmaxCrossEntropy.lossAndGradient(logits: logits, targets: targets)
        var definition = 0.0
        for r in 0..<2 {
            let row = (0..<4).map { Double(logits.data[r * 4 + $0]) }
            let logSum = log(row.map { exp($0) }.reduce(0, +))
            for j in 0..<4 { definition -= Double(targets.data[r * 4 + j]) * (row[j] - logSum) / 2 }
        }
        #expect(abs(Double(loss) - definition) <= 1e-6 * definition)
        // One class per row is the one-hot distribution.
        let classes = SoftmaxCrossEntropy.lossAndGradient(logits: logits, classes: [2, 0])
        let oneHot = SoftmaxCrossEntropy.lossAndGradient(logits: logits, targets: Tensor(shape: [2, 4], data: [0, 0, 1, 0, 1, 0, 0, 0]))
        #expect(classes.loss == oneHot.loss && classes.gradient == oneHot.gradient)
        checkLoss(logits) { SoftmaxCrossEntropy.lossAndGradient(logits: $0, targets: targets) }
    }

    @Test func featureModulation() {
        let op = FeatureModulation()
        gradientCheck(inputs: [randomTensor([2, 3, 2, 4], seed: 34), randomTensor([2, 8], seed: 35, std: 0.5)],
                      run: { op.forward($0[0], modulation: $0[1]) },
                      backprop: { let g = op.backward($0); return [g.input, g.modulation] })
        // A zero modulation is the identity.
        let x = randomTensor([3, 5], seed: 36)
        #expect(op.forward(x, modulation: Tensor(zeros: [3, 10])) == x)
    }

    /// A scalar loss of one tensor: its gradient against central differences.
    private func checkLoss(_ input: Tensor, _ lossAndGradient: @escaping (Tensor) -> (loss: Float, gradient: Tensor),
                           sourceLocation: SourceLocation = #_sourceLocation) {
        gradientCheck(inputs: [input], run: { Tensor(shape: [1], data: [lossAndGradient($0[0]).loss]) },
                      backprop: { r in
                          var g = lossAndGradient(input).gradient
                          for i in g.data.indices { g.data[i] *= r.data[0] }
                          return [g]
                      }, sourceLocation: sourceLocation)
    }

    @Test func embedding() {
        var gen = SeededGenerator(seed: 17)
        let layer = Embedding(6, 3, generator: &gen)
        let indices = [0, 2, 2, 5, 1, 2]
        gradientCheck(inputs: [], parameters: layer.parameters,
                      run: { _ in layer.forward(indices, shape: [2, 3]) },
                      backprop: { layer.backward($0); return [] })
    }

    @Test func gruCell() {
        var gen = SeededGenerator(seed: 18)
        let cell = GRUCell(inputSize: 3, hiddenSize: 4, generator: &gen)
        gradientCheck(inputs: [randomTensor([2, 3], seed: 19), randomTensor([2, 4], seed: 20)], parameters: cell.parameters,
                      run: { cell.forward($0[0], $0[1]) },
                      backprop: { let (gx, gh) = cell.backward($0); return [gx, gh] })
    }

    @Test func gruMaskedSequence() {
        var gen = SeededGenerator(seed: 21)
        let gru = GRU(inputSize: 3, hiddenSize: 4, generator: &gen)
        let lengths = [4, 1, 2]
        gradientCheck(inputs: [randomTensor([3, 4, 3], seed: 22), randomTensor([3, 4], seed: 23)], parameters: gru.parameters,
                      run: { gru.forward($0[0], lengths: lengths, initial: $0[1]) },
                      backprop: { let (gx, gh) = gru.backward($0); return [gx, gh] })
    }

    @Test func replicateAndConcatenate() {
        let replicate = SpatialReplicate(height: 2, width: 3), concat = ChannelConcat()
        gradientCheck(inputs: [randomTensor([2, 2, 3, 4], seed: 24), randomTensor([2, 3], seed: 25)],
                      run: { concat.forward([$0[0], replicate.forward($0[1])]) },
                      backprop: { let g = concat.backward($0); return [g[0], replicate.backward(g[1])] })
    }

    @Test(arguments: [Reduce.Kind.sum, .mean])
    func reduce(_ kind: Reduce.Kind) {
        checkLayer(Reduce(kind), input: randomTensor([3, 5], seed: 26))
    }

    /// Smooth activations only, so no finite-difference step crosses a kink deep in the stack.
    @Test func generatorStackThroughConvolutionsAndBatchNorm() {
        var gen = SeededGenerator(seed: 27)
        let net = Sequential([
            ConvTranspose2d(4, 3, kernel: 4, stride: 1, padding: 0, std: 0.3, generator: &gen), BatchNorm(3),
            Activation(.sigmoid), ConvTranspose2d(3, 2, kernel: 4, stride: 2, padding: 1, std: 0.3, generator: &gen),
            Activation(.tanh), Conv2d(2, 2, kernel: 4, stride: 2, padding: 1, std: 0.3, generator: &gen),
            Activation(.tanh),
        ])
        checkLayer(net, input: randomTensor([2, 1, 1, 4], seed: 28))
    }
}
