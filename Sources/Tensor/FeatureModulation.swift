/// Per-sample, per-channel scale and shift of a feature map (FiLM, Perez et al. 2018; after a batch
/// norm it is a conditional batch norm, de Vries et al. 2017):
///
///     y[n, h, w, c] = x[n, h, w, c] · (1 + m[n, c]) + m[n, C + c]
///
/// for features `x` `[N, H, W, C]` (or `[N, C]`) and modulation `m` `[N, 2C]` (scales, then
/// shifts). The scale is 1 + m so that m = 0 is the identity. Both passes run in parallel over
/// samples; each sample's sums keep one order, so results do not depend on the thread count.
///
/// With `activation` (ReLU or leaky ReLU) the output is that activation of y, made in the same
/// pass; the backward pass recomputes y from the saved input to take the activation's derivative,
/// so the results are bit for bit those of the modulation followed by `Activation`.
public final class FeatureModulation {
    /// The activation applied to the output in the same pass (nil: none). ReLU or leaky ReLU.
    public let activation: Activation.Kind?
    private var input: Tensor?
    private var modulation: Tensor?

    public init(activation: Activation.Kind? = nil) {
        switch activation {
        case nil, .relu?, .leakyReLU?: break
        default: preconditionFailure("FeatureModulation fuses ReLU and leaky ReLU only, not \(String(describing: activation))")
        }
        self.activation = activation
    }

    /// The activation's slope for negative inputs (0 for ReLU), nil without one.
    private var slope: Float? {
        switch activation {
        case nil, .tanh?, .sigmoid?: nil
        case .relu?: 0
        case .leakyReLU(let a)?: a
        }
    }

    /// - Complexity: O(N * H * W * C).
    public func forward(_ input: Tensor, modulation: Tensor) -> Tensor {
        let n = input.shape[0], c = input.columns
        precondition(modulation.shape == [n, 2 * c], "modulation \(modulation.shape) for features \(input.shape): expected [\(n), \(2 * c)]")
        self.input = input
        self.modulation = modulation
        let pixels = input.count / Swift.max(n * c, 1)
        let (slope, isReLU) = (slope, activation == .relu)
        // Written into a fresh buffer: copying the input and rewriting it in place moved every
        // element through memory twice.
        let y = input.data.withUnsafeBufferPointer { xp in
            modulation.data.withUnsafeBufferPointer { mp in
                _uninitializedFloats(input.count) { out in
                    let xb = _SendableConstPointer(xp.baseAddress!), mb = _SendableConstPointer(mp.baseAddress!)
                    let yb = _SendablePointer(out)
                    _parallelChunks(n, chunk: _chunkSize(itemCost: pixels * c)) { samples in
                        for s in samples {
                            let scale = mb.base + s * 2 * c, shift = scale + c
                            for q in 0..<pixels {
                                let offset = (s * pixels + q) * c
                                let (x, row) = (xb.base + offset, yb.base + offset)
                                if let slope {
                                    // `Activation.forward`'s expressions.
                                    for j in 0..<c {
                                        let v = x[j] * (1 + scale[j]) + shift[j]
                                        row[j] = isReLU ? Swift.max(v, 0) : (v > 0 ? v : slope * v)
                                    }
                                } else {
                                    for j in 0..<c { row[j] = x[j] * (1 + scale[j]) + shift[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: input.shape, data: y)
    }

    /// - Returns: the gradients for the features and for the modulation `[N, 2C]`.
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, modulation: Tensor) {
        guard let input, let modulation else { preconditionFailure("FeatureModulation.backward before forward") }
        precondition(gradOutput.shape == input.shape, "FeatureModulation gradient \(gradOutput.shape) for features \(input.shape)")
        let n = input.shape[0], c = input.columns
        let pixels = input.count / Swift.max(n * c, 1)
        let (slope, isReLU) = (slope, activation == .relu)
        var dm = [Float](repeating: 0, count: n * 2 * c)
        let dx = gradOutput.data.withUnsafeBufferPointer { gp in
            dm.withUnsafeMutableBufferPointer { dmp in
                input.data.withUnsafeBufferPointer { xp in
                    modulation.data.withUnsafeBufferPointer { mp in
                        _uninitializedFloats(input.count) { out in
                            let gb = _SendableConstPointer(gp.baseAddress!), dxb = _SendablePointer(out)
                            let dmb = _SendablePointer(dmp.baseAddress!)
                            let xb = _SendableConstPointer(xp.baseAddress!), mb = _SendableConstPointer(mp.baseAddress!)
                            _parallelChunks(n, chunk: _chunkSize(itemCost: pixels * c)) { samples in
                                for s in samples {
                                    let scale = mb.base + s * 2 * c, shift = scale + c
                                    let dScale = dmb.base + s * 2 * c, dShift = dScale + c
                                    for q in 0..<pixels {
                                        let offset = (s * pixels + q) * c
                                        let g = gb.base + offset, x = xb.base + offset, d = dxb.base + offset
                                        if let slope {
                                            for j in 0..<c {
                                                // `Activation.backward`'s select at the recomputed output.
                                                let v = g[j], pre = x[j] * (1 + scale[j]) + shift[j]
                                                let gj = pre <= 0 ? (isReLU ? 0 : v * slope) : v
                                                dScale[j] += gj * x[j]
                                                dShift[j] += gj
                                                d[j] = gj * (1 + scale[j])
                                            }
                                        } else {
                                            for j in 0..<c {
                                                dScale[j] += g[j] * x[j]
                                                dShift[j] += g[j]
                                                d[j] = g[j] * (1 + scale[j])
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: input.shape, data: dx), Tensor(shape: [n, 2 * c], data: dm))
    }
}
