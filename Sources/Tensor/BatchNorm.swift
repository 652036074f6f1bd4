/// Batch normalisation over the last (channel) axis, with PyTorch's semantics: training
/// normalises with the biased batch variance and updates the running variance with the
/// unbiased one; `momentum` weights the new batch statistic.
///
/// Works for `[N, C]` and NHWC `[N, H, W, C]` alike: statistics are per channel over all rows.
///
/// With `activation` (ReLU or leaky ReLU) the layer is BN followed by that activation, made in
/// BN's own passes: the output is written once, and the backward pass takes the activation's
/// derivative from the pre-activation value it recomputes from x̂ (the same arithmetic as the
/// forward, so the results are bit for bit those of `BatchNorm` then `Activation`). It saves the
/// activation's separate read and write of the whole tensor forward, and two reads and a write
/// backward. `fusingActivations(_:)` makes such layers out of a layer list.
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
    /// The activation applied to the output in the same pass (nil: none). ReLU or leaky ReLU.
    public var activation: Activation.Kind? {
        didSet {
            switch activation {
            case nil, .relu?, .leakyReLU?: break
            default: preconditionFailure("BatchNorm fuses ReLU and leaky ReLU only, not \(String(describing: activation))")
            }
        }
    }

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
        let activation = activation
        let y = _withBlockBuffers(reading: [input.data, perChannel], scratch: &normalized, scratchCount: input.count,
                                  outputCount: input.count) { p in
            _parallelChunks(rows, chunk: _chunkSize(itemCost: c)) { range in
                let (x, v, nb, yb) = (p.inputs[0], p.inputs[1], p.scratch, p.output)
                let (m, s, g, b) = (v, v + c, v + 2 * c, v + 3 * c)
                // One loop per activation, so that each stays a plain vectorisable loop (row
                // pointers and wrapping offsets: an overflow-checked index kept every loop here
                // scalar); the expressions are `Activation.forward`'s.
                switch activation {
                case nil:
                    for r in range {
                        let (xr, nr, yr) = (x + r &* c, nb + r &* c, yb + r &* c)
                        for j in 0..<c {
                            let xh = (xr[j] - m[j]) * s[j]
                            nr[j] = xh
                            yr[j] = g[j] * xh + b[j]
                        }
                    }
                case .relu?:
                    for r in range {
                        let (xr, nr, yr) = (x + r &* c, nb + r &* c, yb + r &* c)
                        for j in 0..<c {
                            let xh = (xr[j] - m[j]) * s[j]
                            nr[j] = xh
                            yr[j] = Swift.max(g[j] * xh + b[j], 0)
                        }
                    }
                case .leakyReLU(let a)?:
                    for r in range {
                        let (xr, nr, yr) = (x + r &* c, nb + r &* c, yb + r &* c)
                        for j in 0..<c {
                            let xh = (xr[j] - m[j]) * s[j]
                            nr[j] = xh
                            let v = g[j] * xh + b[j]
                            yr[j] = v > 0 ? v : a * v
                        }
                    }
                case .tanh?, .sigmoid?: preconditionFailure("unfusable activation")
                }
            }
        }
        return Tensor(shape: input.shape, data: y)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        let c = gamma.value.count
        precondition(gradOutput.shape == inputShape, "BatchNorm gradient shape \(gradOutput.shape) does not match input")
        let rows = gradOutput.rows
        // With a fused activation, `gradOutput` is the gradient after it: its derivative at the
        // pre-activation γ x̂ + β (recomputed as the forward made it) turns it into BN's dy.
        let slope: Float? = switch activation {
        case nil: nil
        case .relu?: 0
        case .leakyReLU(let a)?: a
        case .tanh?, .sigmoid?: preconditionFailure("unfusable activation")
        }
        let isReLU = activation == .relu
        let affine = gamma.value.data + beta.value.data
        let sums = gradOutput.data.withUnsafeBufferPointer { dp in
            normalized.withUnsafeBufferPointer { np in
                affine.withUnsafeBufferPointer { ap in
                    let d = _SendableConstPointer(dp.baseAddress!), nb = _SendableConstPointer(np.baseAddress!)
                    let ab = _SendableConstPointer(ap.baseAddress!)
                    // Columns [0, c): sum of dy; [c, 2c): sum of dy * x̂.
                    return _columnReduce(rows: rows, columns: 2 * c) { range, acc in
                        let (gm, bt, accXh) = (ab.base, ab.base + c, acc + c)
                        if let slope {
                            for r in range {
                                let (dr, nr) = (d.base + r &* c, nb.base + r &* c)
                                for j in 0..<c {
                                    let v = dr[j], pre = gm[j] * nr[j] + bt[j]
                                    let g = Double(pre <= 0 ? (isReLU ? 0 : v * slope) : v)
                                    acc[j] += g
                                    accXh[j] += g * Double(nr[j])
                                }
                            }
                        } else {
                            for r in range {
                                let (dr, nr) = (d.base + r &* c, nb.base + r &* c)
                                for j in 0..<c {
                                    let g = Double(dr[j])
                                    acc[j] += g
                                    accXh[j] += g * Double(nr[j])
                                }
                            }
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
        let perChannel = gamma.value.data + inverseStd + meanDy + meanDyXh + beta.value.data
        let isTraining = training
        // `normalized` (x̂ of the forward) is lent as the scratch and only read.
        let dx = _withBlockBuffers(reading: [gradOutput.data, perChannel], scratch: &normalized,
                                   scratchCount: gradOutput.count, outputCount: gradOutput.count) { p in
            _parallelChunks(rows, chunk: _chunkSize(itemCost: c)) { range in
                let (d, v, nb, out) = (p.inputs[0], p.inputs[1], p.scratch, p.output)
                let (g, invStd, meanDy, meanDyXh, bt) = (v, v + c, v + 2 * c, v + 3 * c, v + 4 * c)
                // dy as `Activation.backward` makes it: a select, not a branch (the signs are random).
                for r in range {
                    let (dr, nr, outr) = (d + r &* c, nb + r &* c, out + r &* c)
                    switch (slope, isTraining) {
                    case (let slope?, true):
                        for j in 0..<c {
                            let v = dr[j], dy = g[j] * nr[j] + bt[j] <= 0 ? (isReLU ? 0 : v * slope) : v
                            outr[j] = g[j] * invStd[j] * (dy - meanDy[j] - nr[j] * meanDyXh[j])
                        }
                    case (let slope?, false):
                        for j in 0..<c {
                            let v = dr[j], dy = g[j] * nr[j] + bt[j] <= 0 ? (isReLU ? 0 : v * slope) : v
                            outr[j] = g[j] * invStd[j] * dy
                        }
                    case (nil, true):
                        for j in 0..<c { outr[j] = g[j] * invStd[j] * (dr[j] - meanDy[j] - nr[j] * meanDyXh[j]) }
                    case (nil, false):
                        for j in 0..<c { outr[j] = g[j] * invStd[j] * dr[j] }
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
    // Row pointers and wrapping offsets, so that the loops vectorise (each column's sum keeps its order).
    let sums = _columnReduce(rows: rows, columns: c) { range, acc in
        for r in range {
            let xr = xb.base + r &* c
            for j in 0..<c { acc[j] += Double(xr[j]) }
        }
    }
    let mean = sums.map { $0 / Double(rows) }
    let meanF = mean.map { Float($0) }
    let squares = meanF.withUnsafeBufferPointer { mp in
        let mb = _SendableConstPointer(mp.baseAddress!)
        return _columnReduce(rows: rows, columns: c) { range, acc in
            for r in range {
                let xr = xb.base + r &* c
                for j in 0..<c {
                    let d = Double(xr[j] - mb.base[j])
                    acc[j] += d * d
                }
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

/// `layers` with every `BatchNorm` that is directly followed by a ReLU or leaky-ReLU `Activation`
/// taking that activation into its own passes (`BatchNorm.activation`), and the `Activation`
/// dropped. The same parameters, in the same order; the same results bit for bit. The batch norms
/// are changed in place: use the returned list, not `layers`.
public func fusingActivations(_ layers: [any Layer]) -> [any Layer] {
    var fused: [any Layer] = []
    for layer in layers {
        if let activation = layer as? Activation, let bn = fused.last as? BatchNorm, bn.activation == nil {
            switch activation.kind {
            case .relu, .leakyReLU: bn.activation = activation.kind; continue
            case .tanh, .sigmoid: break
            }
        }
        fused.append(layer)
    }
    return fused
}
