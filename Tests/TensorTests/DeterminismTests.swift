import Tensor
import TestSupport
import Testing

/// A whole forward/backward/Adam step of a small GAN-shaped stack, run twice with the same
/// seed and thread count, must give bit-identical parameters; and the chunked non-GEMM work
/// must not depend on the thread count.
@Suite("Threads and determinism", .serialized, .tensorExclusive)
struct DeterminismTests {
    private func trainedParameters(threads: Int, seed: UInt64) -> [[Float]] {
        TensorThreads.set(threads)
        defer { TensorThreads.set(1) }
        var gen = SeededGenerator(seed: seed)
        let net = Sequential([
            ConvTranspose2d(16, 32, kernel: 4, stride: 1, padding: 0, generator: &gen), BatchNorm(32), Activation(.relu),
            ConvTranspose2d(32, 16, kernel: 4, stride: 2, padding: 1, generator: &gen), BatchNorm(16), Activation(.relu),
            ConvTranspose2d(16, 3, kernel: 4, stride: 2, padding: 1, generator: &gen), Activation(.tanh),
            Conv2d(3, 16, kernel: 4, stride: 2, padding: 1, generator: &gen), Activation(.leakyReLU(slope: 0.2)),
            Conv2d(16, 1, kernel: 8, stride: 1, padding: 0, generator: &gen),
        ])
        let adam = Adam(parameters: net.parameters, learningRate: 2e-3, beta1: 0.5)
        let z = Tensor.normal([64, 1, 1, 16], std: 1, using: &gen)
        let targets = Tensor(zeros: [64, 1, 1, 1], value: 1)
        for _ in 0..<3 {
            adam.zeroGrad()
            let (_, g) = BCEWithLogits.lossAndGradient(logits: net.forward(z), targets: targets)
            _ = net.backward(g)
            adam.update()
        }
        return net.parameters.map(\.value.data)
    }

    @Test(arguments: [1, 2])
    func sameSeedSameThreadsIsBitIdentical(_ threads: Int) {
        let a = trainedParameters(threads: threads, seed: 99)
        let b = trainedParameters(threads: threads, seed: 99)
        #expect(a == b)
        let c = trainedParameters(threads: threads, seed: 100)
        #expect(a != c, "a different seed must change the result")
    }

    @Test func batchNormStatisticsDoNotDependOnThreadCount() {
        let x = randomTensor([64, 8, 8, 32], seed: 5, std: 3)
        let gy = randomTensor([64, 8, 8, 32], seed: 6)
        func run(_ threads: Int) -> ([Float], [Float], [Float]) {
            TensorThreads.set(threads)
            defer { TensorThreads.set(1) }
            let bn = BatchNorm(32)
            let y = bn.forward(x)
            let gx = bn.backward(gy)
            return (y.data, gx.data, bn.gamma.grad.data + bn.runningVar.data)
        }
        let one = run(1), two = run(2)
        #expect(one.0 == two.0 && one.1 == two.1 && one.2 == two.2)
    }
}
