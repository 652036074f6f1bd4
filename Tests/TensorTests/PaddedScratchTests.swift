@testable import Tensor
import Testing

/// The direct and phase kernels copy each block of images into a zero-padded scratch buffer that a
/// layer keeps between calls, and zero only its padding (the rows are copied over the rest). So
/// nothing a kernel reads may come from an earlier call: with the scratch filled with NaN first,
/// every output and gradient must be bit for bit what a fresh layer computes (a float a kernel read
/// without writing it first would make NaNs or change bits). Kept in the serialized suite because
/// it changes the global thread count.
extension DeterminismTests {
    /// One layer: a convolution (`transposed` false) or a transposed convolution.
    struct ScratchCase: Sendable, CustomTestStringConvertible {
        let transposed: Bool, batch: Int, height: Int, width: Int, cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int
        var testDescription: String {
            "\(transposed ? "convT" : "conv") \(cin)->\(cout) \(height)x\(width) k\(kernel) s\(stride) p\(padding) batch \(batch)"
        }
    }

    @Test(arguments: [
        ScratchCase(transposed: false, batch: 3, height: 13, width: 11, cin: 3, cout: 32, kernel: 4, stride: 2, padding: 1),
        ScratchCase(transposed: false, batch: 4, height: 8, width: 8, cin: 4, cout: 64, kernel: 4, stride: 2, padding: 2),
        ScratchCase(transposed: false, batch: 5, height: 6, width: 9, cin: 16, cout: 16, kernel: 3, stride: 1, padding: 1),
        ScratchCase(transposed: false, batch: 7, height: 16, width: 16, cin: 64, cout: 16, kernel: 4, stride: 2, padding: 1),
        ScratchCase(transposed: false, batch: 9, height: 8, width: 8, cin: 136, cout: 64, kernel: 4, stride: 2, padding: 1),
        ScratchCase(transposed: true, batch: 3, height: 4, width: 5, cin: 8, cout: 16, kernel: 4, stride: 2, padding: 1),
        ScratchCase(transposed: true, batch: 70, height: 4, width: 4, cin: 512, cout: 16, kernel: 4, stride: 2, padding: 1),
    ], [1, 2])
    func staleScratchChangesNothing(_ c: ScratchCase, threads: Int) {
        TensorThreads.set(threads)
        defer { TensorThreads.set(1) }
        let x = randomTensor([c.batch, c.height, c.width, c.cin], seed: 41)
        func run(poisoned: Bool) -> (y: Tensor, dx: Tensor, dw: Tensor) {
            var gen = SeededGenerator(seed: 42)
            let layer: any Layer, weight: Parameter, poison: () -> Void
            let nanScratch = [Float](repeating: .nan, count: 1 << 22)
            if c.transposed {
                let convT = ConvTranspose2d(c.cin, c.cout, kernel: c.kernel, stride: c.stride, padding: c.padding, bias: false,
                                            std: 0.3, generator: &gen)
                (layer, weight, poison) = (convT, convT.weight, { convT.scratch = nanScratch })
            } else {
                let conv = Conv2d(c.cin, c.cout, kernel: c.kernel, stride: c.stride, padding: c.padding, bias: false,
                                  std: 0.3, generator: &gen)
                (layer, weight, poison) = (conv, conv.weight, { conv.scratch = nanScratch })
            }
            if poisoned { poison() }
            let y = layer.forward(x)
            if poisoned { poison() }
            let dx = layer.backward(randomTensor(y.shape, seed: 43))
            return (y, dx, weight.grad)
        }
        let (clean, poisoned) = (run(poisoned: false), run(poisoned: true))
        #expect(clean.y.data.allSatisfy(\.isFinite) && clean.dx.data.allSatisfy(\.isFinite) && clean.dw.data.allSatisfy(\.isFinite))
        func differing(_ a: Tensor, _ b: Tensor) -> Int {
            zip(a.data, b.data).filter { $0.bitPattern != $1.bitPattern }.count + abs(a.data.count - b.data.count)
        }
        #expect(differing(poisoned.y, clean.y) == 0, "output floats that differ")
        #expect(differing(poisoned.dx, clean.dx) == 0, "input gradient floats that differ")
        #expect(differing(poisoned.dw, clean.dw) == 0, "weight gradient floats that differ")
    }
}
