import Tensor
import Testing

/// Batches large enough for the blocked path (workers own blocks of whole samples) must give what
/// the same layer gives one sample at a time (a single block, the plain im2col/col2im path): the
/// same outputs and input gradients, and the per-sample weight gradients summed. Kept in the
/// serialized suite because it changes the global thread count.
extension DeterminismTests {
    struct BlockedCase: Sendable, CustomTestStringConvertible {
        let transposed: Bool, cin: Int, cout: Int, size: Int, batch: Int
        var testDescription: String { "\(transposed ? "convT" : "conv") \(cin)->\(cout) \(size)x\(size) batch \(batch)" }
    }

    @Test(arguments: [
        BlockedCase(transposed: false, cin: 16, cout: 24, size: 32, batch: 8),   // one sample per block
        BlockedCase(transposed: false, cin: 8, cout: 12, size: 16, batch: 9),    // 4 samples per block, short last block
        BlockedCase(transposed: true, cin: 24, cout: 16, size: 16, batch: 6),
        BlockedCase(transposed: true, cin: 12, cout: 8, size: 4, batch: 37),    // 16 samples per block, short last block
    ], [1, 2])
    func blockedBatchesMatchSampleBySample(_ c: BlockedCase, threads: Int) {
        TensorThreads.set(threads)
        defer { TensorThreads.set(1) }
        var gen = SeededGenerator(seed: 11)
        let layer: any Layer = c.transposed
            ? ConvTranspose2d(c.cin, c.cout, kernel: 4, stride: 2, padding: 1, bias: true, generator: &gen)
            : Conv2d(c.cin, c.cout, kernel: 4, stride: 2, padding: 1, bias: true, generator: &gen)
        let x = randomTensor([c.batch, c.size, c.size, c.cin], seed: 12)
        let y = layer.forward(x)
        let gy = randomTensor(y.shape, seed: 13)
        let gx = layer.backward(gy)
        let batchGrads = layer.parameters.map(\.grad.data)

        layer.parameters.forEach { $0.zeroGrad() }
        var ys: [Float] = [], gxs: [Float] = []
        let (xPer, yPer) = (x.count / c.batch, y.count / c.batch)
        for n in 0..<c.batch {
            let xn = Tensor(shape: [1] + Array(x.shape.dropFirst()), data: Array(x.data[n * xPer..<(n + 1) * xPer]))
            ys += layer.forward(xn).data
            gxs += layer.backward(Tensor(shape: [1] + Array(y.shape.dropFirst()),
                                         data: Array(gy.data[n * yPer..<(n + 1) * yPer]))).data
        }
        expectClose(y, Tensor(shape: y.shape, data: ys), "output", relative: 1e-5)
        expectClose(gx, Tensor(shape: gx.shape, data: gxs), "input gradient", relative: 1e-5)
        for (p, g) in zip(layer.parameters, batchGrads) {
            expectClose(Tensor(shape: p.grad.shape, data: g), p.grad, "\(p.name) gradient", relative: 1e-5)
        }
    }
}
