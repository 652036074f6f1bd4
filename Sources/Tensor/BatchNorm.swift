/// Batch normalisation over the last (channel) axis, with PyTorch's semantics: training
/// normalises with the biased batch variance and updates the running variance with the
/// unbiased one; `momentum` weights the new batch statistic.
///
/// Works for `[N, C]` and NHWC `[N, H, W, C]` alike: statistics are per channel over all rows.
public final class BatchNorm: Layer {
    public let gamma: Parameter
    public let beta: Parameter
    /// Running statistics, saved with the parameters but not trained.
    public var runningMean: Tensor
    public var runningVar: Tensor
    /// Weight of each new batch statistic in the running ones (settable: 1 / (k + 1) for the
    /// k-th of a series of batches gives their plain average, as PyTorch's `momentum=None`).
    public var momentum: Float
    public let epsilon: Float
    /// Batch statistics when true, running statistics when false.
    public var training = true

    private var normalized: [Float] = []
    private var inverseStd: [Float] = []
    private var inputShape: [Int] = []

    public init(_ channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, name: String = "bn") {
        gamma = Parameter("\(name).weight", Tensor(zeros: [channels], value: 1))
        beta = Parameter("\(name).bias", Tensor(zeros: [channels]))
        runningMean = Tensor(zeros: [channels])
        runningVar = Tensor(zeros: [channels], value: 1)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [gamma, beta] }

    /// - Complexity: O(count), three parallel passes in training.
    public func forward(_ input: Tensor) -> Tensor {
        let c = gamma.value.count
        precondition(input.columns == c, "BatchNorm expects \(c) channels, got shape \(input.shape)")
        let rows = input.rows
        inputShape = input.shape
        var mean = [Float](repeating: 0, count: c), invStd = [Float](repeating: 0, count: c)
        if training {
            precondition(rows > 1, "BatchNorm training needs more than one value per channel")
            let (m, v) = input.data.withUnsafeBufferPointer { _meanVariance($0.baseAddress!, rows: rows, columns: c) }
            for j in 0..<c {
                mean[j] = Float(m[j])
                invStd[j] = Float(1 / (v[j] + Double(epsilon)).squareRoot())
                let unbiased = v[j] * Double(rows) / Double(rows - 1)
                runningMean.data[j] = (1 - momentum) * runningMean.data[j] + momentum * Float(m[j])
                runningVar.data[j] = (1 - momentum) * runningVar.data[j] + momentum * Float(unbiased)
            }
        } else {
            for j in 0..<c {
                mean[j] = runningMean.data[j]
                invStd[j] = 1 / (runningVar.data[j] + epsilon).squareRoot()
            }
        }
        inverseStd = invStd
        // Per-channel values in one buffer read through a pointer: Swift arrays captured by the
        // worker closure were bounds-checked per element. x̂ goes to `normalized`; y is written once.
        let perChannel = mean + invStd + gamma.value.data + beta.value.data
        let y = _withBlockBuffers(reading: [input.data, perChannel], scratch: &normalized, scratchCount: input.count,
                                  outputCount: input.count) { p in
            _parallelChunks(rows, chunk: _chunkSize(itemCost: c)) { range in
                let (x, v, nb, yb) = (p.inputs[0], p.inputs[1], p.scratch, p.output)
                let (m, s, g, b) = (v, v + c, v + 2 * c, v + 3 * c)
                for r in range {
                    let o = r * c
                    for j in 0..<c {
                        let xh = (x[o + j] - m[j]) * s[j]
                        nb[o + j] = xh
                        yb[o + j] = g[j] * xh + b[j]
                    }
                }
            }
        }
        return Tensor(shape: input.shape, data: y)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        let c = gamma.value.count
        precondition(gradOutput.shape == inputShape, "BatchNorm gradient shape \(gradOutput.shape) does not match input")
        let rows = gradOutput.rows
        let sums = gradOutput.data.withUnsafeBufferPointer { dp in
            normalized.withUnsafeBufferPointer { np in
                let d = _SendableConstPointer(dp.baseAddress!), nb = _SendableConstPointer(np.baseAddress!)
                // Columns [0, c): sum of dy; [c, 2c): sum of dy * x̂.
                return _columnReduce(rows: rows, columns: 2 * c) { range, acc in
                    for r in range {
                        let o = r * c
                        for j in 0..<c {
                            let g = Double(d.base[o + j])
                            acc[j] += g
                            acc[c + j] += g * Double(nb.base[o + j])
                        }
                    }
                }
            }
        }
        for j in 0..<c {
            beta.grad.data[j] += Float(sums[j])
            gamma.grad.data[j] += Float(sums[c + j])
        }
        let meanDy = (0..<c).map { Float(sums[$0] / Double(rows)) }
        let meanDyXh = (0..<c).map { Float(sums[c + $0] / Double(rows)) }
        let perChannel = gamma.value.data + inverseStd + meanDy + meanDyXh
        let isTraining = training
        // `normalized` (x̂ of the forward) is lent as the scratch and only read.
        let dx = _withBlockBuffers(reading: [gradOutput.data, perChannel], scratch: &normalized,
                                   scratchCount: gradOutput.count, outputCount: gradOutput.count) { p in
            _parallelChunks(rows, chunk: _chunkSize(itemCost: c)) { range in
                let (d, v, nb, out) = (p.inputs[0], p.inputs[1], p.scratch, p.output)
                let (g, invStd, meanDy, meanDyXh) = (v, v + c, v + 2 * c, v + 3 * c)
                for r in range {
                    let o = r * c
                    for j in 0..<c {
                        let scale = g[j] * invStd[j]
                        if isTraining {
                            out[o + j] = scale * (d[o + j] - meanDy[j] - nb[o + j] * meanDyXh[j])
                        } else {
                            out[o + j] = scale * d[o + j]
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, data: dx)
    }
}

/// Per-column mean and biased variance (two passes, Double accumulation, deterministic chunks).
/// - Complexity: O(rows * columns).
func _meanVariance(_ x: UnsafePointer<Float>, rows: Int, columns c: Int) -> ([Double], [Double]) {
    let xb = _SendableConstPointer(x)
    let sums = _columnReduce(rows: rows, columns: c) { range, acc in
        for r in range { for j in 0..<c { acc[j] += Double(xb.base[r * c + j]) } }
    }
    let mean = sums.map { $0 / Double(rows) }
    let meanF = mean.map { Float($0) }
    let squares = _columnReduce(rows: rows, columns: c) { range, acc in
        for r in range {
            for j in 0..<c {
                let d = Double(xb.base[r * c + j] - meanF[j])
                acc[j] += d * d
            }
        }
    }
    // Correct for the Float-rounded mean used in the second pass.
    let variance = (0..<c).map { j -> Double in
        let shift = mean[j] - Double(meanF[j])
        return Swift.max(0, squares[j] / Double(rows) - shift * shift)
    }
    return (mean, variance)
}
