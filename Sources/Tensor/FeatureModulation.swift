/// Per-sample, per-channel scale and shift of a feature map (FiLM, Perez et al. 2018; after a batch
/// norm it is a conditional batch norm, de Vries et al. 2017):
///
///     y[n, h, w, c] = x[n, h, w, c] · (1 + m[n, c]) + m[n, C + c]
///
/// for features `x` `[N, H, W, C]` (or `[N, C]`) and modulation `m` `[N, 2C]` (scales, then
/// shifts). The scale is 1 + m so that m = 0 is the identity. Both passes run in parallel over
/// samples; each sample's sums keep one order, so results do not depend on the thread count.
public final class FeatureModulation {
    private var input: Tensor?
    private var modulation: Tensor?

    public init() {}

    /// - Complexity: O(N * H * W * C).
    public func forward(_ input: Tensor, modulation: Tensor) -> Tensor {
        let n = input.shape[0], c = input.columns
        precondition(modulation.shape == [n, 2 * c], "modulation \(modulation.shape) for features \(input.shape): expected [\(n), \(2 * c)]")
        self.input = input
        self.modulation = modulation
        let pixels = input.count / Swift.max(n * c, 1)
        var y = input.data
        y.withUnsafeMutableBufferPointer { yp in
            modulation.data.withUnsafeBufferPointer { mp in
                let yb = _SendablePointer(yp.baseAddress!), mb = _SendableConstPointer(mp.baseAddress!)
                _parallelChunks(n, chunk: _chunkSize(itemCost: pixels * c)) { samples in
                    for s in samples {
                        let scale = mb.base + s * 2 * c, shift = scale + c
                        for q in 0..<pixels {
                            let row = yb.base + (s * pixels + q) * c
                            for j in 0..<c { row[j] = row[j] * (1 + scale[j]) + shift[j] }
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
        var dx = gradOutput.data
        var dm = [Float](repeating: 0, count: n * 2 * c)
        dx.withUnsafeMutableBufferPointer { dxp in
            dm.withUnsafeMutableBufferPointer { dmp in
                input.data.withUnsafeBufferPointer { xp in
                    modulation.data.withUnsafeBufferPointer { mp in
                        let dxb = _SendablePointer(dxp.baseAddress!), dmb = _SendablePointer(dmp.baseAddress!)
                        let xb = _SendableConstPointer(xp.baseAddress!), mb = _SendableConstPointer(mp.baseAddress!)
                        _parallelChunks(n, chunk: _chunkSize(itemCost: pixels * c)) { samples in
                            for s in samples {
                                let scale = mb.base + s * 2 * c
                                let dScale = dmb.base + s * 2 * c, dShift = dScale + c
                                for q in 0..<pixels {
                                    let offset = (s * pixels + q) * c
                                    let g = dxb.base + offset, x = xb.base + offset
                                    for j in 0..<c {
                                        dScale[j] += g[j] * x[j]
                                        dShift[j] += g[j]
                                        g[j] *= 1 + scale[j]
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
