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
        var y = input
        let kind = kind
        y.data.withUnsafeMutableBufferPointer { p in
            let b = _SendablePointer(p.baseAddress!)
            _elementwise(input.count) { range in
                switch kind {
                case .relu: for i in range { b.base[i] = Swift.max(b.base[i], 0) }
                case .leakyReLU(let s): for i in range { let v = b.base[i]; b.base[i] = v > 0 ? v : s * v }
                case .tanh: for i in range { b.base[i] = _tanhf(b.base[i]) }
                case .sigmoid: for i in range { b.base[i] = _sigmoid(b.base[i]) }
                }
            }
        }
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
        var dx = gradOutput
        let kind = kind
        saved.data.withUnsafeBufferPointer { sp in
            dx.data.withUnsafeMutableBufferPointer { p in
                let s = _SendableConstPointer(sp.baseAddress!), d = _SendablePointer(p.baseAddress!)
                _elementwise(saved.count) { range in
                    switch kind {
                    // Selects, not `where` filters: the signs are random, and a branch per element
                    // mispredicted about half the time (7.8% of a make-train step in perf).
                    case .relu: for i in range { d.base[i] = s.base[i] <= 0 ? 0 : d.base[i] }
                    case .leakyReLU(let a): for i in range { let g = d.base[i]; d.base[i] = s.base[i] <= 0 ? g * a : g }
                    case .tanh: for i in range { let y = s.base[i]; d.base[i] *= 1 - y * y }
                    case .sigmoid: for i in range { let y = s.base[i]; d.base[i] *= y * (1 - y) }
                    }
                }
            }
        }
        return dx
    }
}
