/// A GRU cell with PyTorch's gate equations (`nn.GRUCell`), gates ordered r, z, n:
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)
///     z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h' = (1 - z) ⊙ n + z ⊙ h
///
/// Weights are `[3H, I]` and `[3H, H]` as in PyTorch; biases `[3H]`.
public final class GRUCell {
    public let weightIH: Parameter, weightHH: Parameter, biasIH: Parameter, biasHH: Parameter
    public var hiddenSize: Int { weightHH.value.shape[1] }
    public var inputSize: Int { weightIH.value.shape[1] }
    private var cache: (x: Tensor, step: _GRUStepCache)?

    /// A cell with PyTorch's default U(-1/√H, 1/√H) initialisation drawn from `generator`.
    public init(inputSize: Int, hiddenSize: Int, name: String = "gru", generator: inout SeededGenerator) {
        let k = 1 / Float(hiddenSize).squareRoot()
        let g3 = 3 * hiddenSize
        weightIH = Parameter("\(name).weight_ih", .uniform([g3, inputSize], low: -k, high: k, using: &generator))
        weightHH = Parameter("\(name).weight_hh", .uniform([g3, hiddenSize], low: -k, high: k, using: &generator))
        biasIH = Parameter("\(name).bias_ih", .uniform([g3], low: -k, high: k, using: &generator))
        biasHH = Parameter("\(name).bias_hh", .uniform([g3], low: -k, high: k, using: &generator))
    }

    public var parameters: [Parameter] { [weightIH, weightHH, biasIH, biasHH] }

    /// One step: `x` `[B, I]`, `h` `[B, H]` → `h'` `[B, H]`. Rows where `active` is false keep `h`.
    /// - Complexity: O(B * 3H * (I + H)).
    public func forward(_ x: Tensor, _ h: Tensor, active: [Bool]? = nil) -> Tensor {
        let b = x.shape[0]
        precondition(x.shape == [b, inputSize] && h.shape == [b, hiddenSize], "GRUCell shapes \(x.shape), \(h.shape)")
        let gi = inputGates(x)
        let (hNext, step) = forwardStep(gi: gi.data, rowStride: 1, rowOffset: 0, h: h.data,
                                        batch: b, active: active ?? [Bool](repeating: true, count: b))
        cache = (x, step)
        return Tensor(shape: [b, hiddenSize], data: hNext)
    }

    /// Gradients with respect to `x` and `h` of the last `forward`; parameter gradients accumulate.
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, hidden: Tensor) {
        guard let cache else { preconditionFailure("GRUCell.backward before forward") }
        let b = cache.x.shape[0]
        precondition(gradOutput.shape == [b, hiddenSize], "GRUCell gradient shape \(gradOutput.shape)")
        var dgi = [Float](repeating: 0, count: b * 3 * hiddenSize)
        let dh = backwardStep(gradOutput.data, cache.step, dgi: &dgi, rowStride: 1, rowOffset: 0)
        return (inputGradient(dgi, x: cache.x), Tensor(shape: [b, hiddenSize], data: dh))
    }

    /// x W_ihᵀ + b_ih for all rows of `x` (`[rows, I]` → `[rows, 3H]`).
    func inputGates(_ x: Tensor) -> Tensor {
        let (rows, g3) = (x.rows, 3 * hiddenSize)
        var gi = [Float](repeating: 0, count: rows * g3)
        for r in 0..<rows { for j in 0..<g3 { gi[r * g3 + j] = biasIH.value.data[j] } }
        _matmul(x.data, weightIH.value.data, into: &gi, m: rows, n: g3, k: inputSize, transB: true, accumulate: true)
        return Tensor(shape: [rows, g3], data: gi)
    }

    /// Accumulates the input-side parameter gradients from `dgi` (`[rows, 3H]`) and returns dx.
    func inputGradient(_ dgi: [Float], x: Tensor) -> Tensor {
        let (rows, g3) = (x.rows, 3 * hiddenSize)
        _matmul(dgi, x.data, into: &weightIH.grad.data, m: g3, n: inputSize, k: rows, transA: true, accumulate: true)
        _addColumnSums(dgi, rows: rows, columns: g3, into: &biasIH.grad.data)
        var dx = [Float](repeating: 0, count: rows * inputSize)
        _matmul(dgi, weightIH.value.data, into: &dx, m: rows, n: inputSize, k: g3)
        return Tensor(shape: x.shape, data: dx)
    }

    /// One recurrence step; the input gates of batch row `s` are row `s * rowStride + rowOffset` of `gi`.
    func forwardStep(gi: [Float], rowStride: Int, rowOffset: Int, h: [Float], batch b: Int,
                     active: [Bool]) -> ([Float], _GRUStepCache) {
        let hs = hiddenSize, g3 = 3 * hs
        var gh = [Float](repeating: 0, count: b * g3)
        for s in 0..<b { for j in 0..<g3 { gh[s * g3 + j] = biasHH.value.data[j] } }
        _matmul(h, weightHH.value.data, into: &gh, m: b, n: g3, k: hs, transB: true, accumulate: true)
        var step = _GRUStepCache(hPrev: h, active: active, r: .init(repeating: 0, count: b * hs),
                                 z: .init(repeating: 0, count: b * hs), n: .init(repeating: 0, count: b * hs),
                                 ghn: .init(repeating: 0, count: b * hs))
        var hNext = h
        for s in 0..<b where active[s] {
            let gio = (s * rowStride + rowOffset) * g3, gho = s * g3
            for j in 0..<hs {
                let r = _sigmoid(gi[gio + j] + gh[gho + j])
                let z = _sigmoid(gi[gio + hs + j] + gh[gho + hs + j])
                let ghn = gh[gho + 2 * hs + j]
                let n = _tanhf(gi[gio + 2 * hs + j] + r * ghn)
                let o = s * hs + j
                step.r[o] = r; step.z[o] = z; step.n[o] = n; step.ghn[o] = ghn
                hNext[o] = (1 - z) * n + z * h[o]
            }
        }
        return (hNext, step)
    }

    /// Back through one step: writes the input-gate gradients into `dgi`, accumulates the
    /// hidden-side parameter gradients, and returns the gradient with respect to `hPrev`.
    func backwardStep(_ dhNext: [Float], _ step: _GRUStepCache, dgi: inout [Float],
                      rowStride: Int, rowOffset: Int) -> [Float] {
        let hs = hiddenSize, g3 = 3 * hs, b = step.active.count
        var dgh = [Float](repeating: 0, count: b * g3)
        var dhPrev = dhNext  // inactive rows pass their gradient straight through
        for s in 0..<b where step.active[s] {
            let gio = (s * rowStride + rowOffset) * g3, gho = s * g3
            for j in 0..<hs {
                let o = s * hs + j
                let (r, z, n, ghn, dh) = (step.r[o], step.z[o], step.n[o], step.ghn[o], dhNext[o])
                let dan = dh * (1 - z) * (1 - n * n)
                let daz = dh * (step.hPrev[o] - n) * z * (1 - z)
                let dar = dan * ghn * r * (1 - r)
                dgi[gio + j] = dar; dgi[gio + hs + j] = daz; dgi[gio + 2 * hs + j] = dan
                dgh[gho + j] = dar; dgh[gho + hs + j] = daz; dgh[gho + 2 * hs + j] = dan * r
                dhPrev[o] = dh * z
            }
        }
        _matmul(dgh, step.hPrev, into: &weightHH.grad.data, m: g3, n: hs, k: b, transA: true, accumulate: true)
        _addColumnSums(dgh, rows: b, columns: g3, into: &biasHH.grad.data)
        _matmul(dgh, weightHH.value.data, into: &dhPrev, m: b, n: hs, k: g3, accumulate: true)
        return dhPrev
    }
}

/// What one GRU step keeps for its backward pass.
struct _GRUStepCache {
    var hPrev: [Float]
    var active: [Bool]
    var r: [Float], z: [Float], n: [Float], ghn: [Float]
}
