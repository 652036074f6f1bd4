/// An element-wise activation whose derivative is a function of its input or output.
public final class Activation: Layer {
    /// The supported functions.
    public enum Kind: Equatable, Sendable {
        case relu
        case leakyReLU(slope: Float)
        case tanh
        case sigmoid
    }

    public let kind: Kind
    private var saved: Tensor?

    public init(_ kind: Kind) { self.kind = kind }

    /// - Complexity: O(count), parallel.
    public func forward(_ input: Tensor) -> Tensor {
        let kind = kind
        // Written into a fresh buffer: copying the input first and then rewriting it in place moved
        // every element through memory twice (these tensors are up to 8 MB, beyond L2).
        let data = input.data.withUnsafeBufferPointer { xp in
            _uninitializedFloats(input.count) { out in
                let (x, y) = (_SendableConstPointer(xp.baseAddress!), _SendablePointer(out))
                _elementwise(input.count) { range in
                    switch kind {
                    case .relu: for i in range { y.base[i] = Swift.max(x.base[i], 0) }
                    case .leakyReLU(let s): for i in range { let v = x.base[i]; y.base[i] = v > 0 ? v : s * v }
                    case .tanh: for i in range { y.base[i] = _tanhf(x.base[i]) }
                    case .sigmoid: for i in range { y.base[i] = _sigmoid(x.base[i]) }
                    }
                }
            }
        }
        let y = Tensor(shape: input.shape, data: data)
        // ReLU-type derivatives need the input sign, tanh/sigmoid the output value.
        switch kind {
        case .relu, .leakyReLU: saved = input
        case .tanh, .sigmoid: saved = y
        }
        return y
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let saved else { preconditionFailure("Activation.backward before forward") }
        precondition(gradOutput.shape == saved.shape, "activation gradient shape \(gradOutput.shape) does not match")
        let kind = kind
        let data = saved.data.withUnsafeBufferPointer { sp in
            gradOutput.data.withUnsafeBufferPointer { gp in
                _uninitializedFloats(saved.count) { out in
                    let (s, g, d) = (_SendableConstPointer(sp.baseAddress!), _SendableConstPointer(gp.baseAddress!),
                                     _SendablePointer(out))
                    _elementwise(saved.count) { range in
                        switch kind {
                        // Selects, not `where` filters: the signs are random, and a branch per element
                        // mispredicted about half the time (7.8% of a make-train step in perf).
                        case .relu: for i in range { d.base[i] = s.base[i] <= 0 ? 0 : g.base[i] }
                        case .leakyReLU(let a): for i in range { let v = g.base[i]; d.base[i] = s.base[i] <= 0 ? v * a : v }
                        case .tanh: for i in range { let y = s.base[i]; d.base[i] = g.base[i] * (1 - y * y) }
                        case .sigmoid: for i in range { let y = s.base[i]; d.base[i] = g.base[i] * (y * (1 - y)) }
                        }
                    }
                }
            }
        }
        return Tensor(shape: gradOutput.shape, data: data)
    }
}
