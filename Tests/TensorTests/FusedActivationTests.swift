import Tensor
import TestSupport
import Testing

/// A ReLU or leaky ReLU run inside the batch norm or the feature modulation before it
/// (`BatchNorm.activation`, `FeatureModulation(activation:)`) gives bit for bit the values and
/// gradients of the separate `Activation` layer, in training and in evaluation mode.
@Suite("Activations fused into batch norm and modulation", .tensorExclusive)
struct FusedActivationTests {
    static let kinds: [Activation.Kind] = [.relu, .leakyReLU(slope: 0.2)]
    /// NHWC with an odd channel count (vector tails), and a plain [N, C] matrix.
    static let shapes: [[Int]] = [[3, 5, 5, 7], [6, 19], [4, 8, 8, 32]]

    @Test(arguments: kinds, shapes)
    func batchNorm(kind: Activation.Kind, shape: [Int]) {
        let c = shape[shape.count - 1]
        let (plain, fused) = (BatchNorm(c), BatchNorm(c))
        fused.activation = kind
        let activation = Activation(kind)
        // Scales and shifts that put the pre-activation on both sides of 0; running statistics
        // unlike the batch's.
        let gamma = randomTensor([c], seed: 11, std: 0.8), beta = randomTensor([c], seed: 12, std: 0.5)
        let runningMean = randomTensor([c], seed: 13, std: 0.3)
        let runningVar = Tensor(shape: [c], data: randomTensor([c], seed: 14).data.map { 0.5 + abs($0) })
        for bn in [plain, fused] {
            (bn.gamma.value, bn.beta.value, bn.runningMean, bn.runningVar) = (gamma, beta, runningMean, runningVar)
        }
        let x = randomTensor(shape, seed: 15, std: 2), gradOutput = randomTensor(shape, seed: 16)
        for training in [true, false] {
            plain.training = training
            fused.training = training
            [plain, fused].forEach { $0.parameters.forEach { $0.zeroGrad() } }
            let y = activation.forward(plain.forward(x))
            let yFused = fused.forward(x)
            #expect(yFused == y, "forward, training \(training)")
            #expect(y.data.contains { $0 > 0 } && y.data.contains { $0 <= 0 }, "both sides of the activation are exercised")
            #expect(fused.backward(gradOutput) == plain.backward(activation.backward(gradOutput)), "input gradient, training \(training)")
            #expect(fused.gamma.grad == plain.gamma.grad && fused.beta.grad == plain.beta.grad, "scale and shift gradients")
            #expect(fused.runningMean == plain.runningMean && fused.runningVar == plain.runningVar)
        }
    }

    @Test(arguments: kinds)
    func featureModulation(kind: Activation.Kind) {
        let (plain, fused, activation) = (FeatureModulation(), FeatureModulation(activation: kind), Activation(kind))
        let x = randomTensor([3, 4, 4, 7], seed: 21), modulation = randomTensor([3, 14], seed: 22, std: 0.7)
        let gradOutput = randomTensor(x.shape, seed: 23)
        let y = activation.forward(plain.forward(x, modulation: modulation))
        #expect(fused.forward(x, modulation: modulation) == y)
        #expect(y.data.contains { $0 > 0 } && y.data.contains { $0 <= 0 })
        let (a, b) = (fused.backward(gradOutput), plain.backward(activation.backward(gradOutput)))
        #expect(a.input == b.input)
        #expect(a.modulation == b.modulation)
    }

    /// Only a ReLU or leaky ReLU directly after a batch norm is taken in; the parameters stay
    /// the same objects in the same order.
    @Test func fusingActivationsKeepsEverythingElse() {
        var rng = SeededGenerator(seed: 1)
        let layers: [any Layer] = [Linear(4, 6, generator: &rng), Activation(.relu), BatchNorm(6), Activation(.leakyReLU(slope: 0.2)),
                                   Linear(6, 6, generator: &rng), BatchNorm(6), Activation(.tanh)]
        let x = randomTensor([5, 4], seed: 2)
        let expected = Sequential(layers).forward(x)
        let fused = fusingActivations(layers)
        #expect(fused.count == 6)
        #expect(fused[1] is Activation && fused[5] is Activation)
        #expect((fused[2] as? BatchNorm)?.activation == .leakyReLU(slope: 0.2))
        #expect((fused[4] as? BatchNorm)?.activation == nil)
        #expect(fused.flatMap(\.parameters).map(ObjectIdentifier.init) == layers.flatMap(\.parameters).map(ObjectIdentifier.init))
        #expect(Sequential(fused).forward(x) == expected)
    }
}
