/// Adam with PyTorch's update order (`torch.optim.Adam`, no weight decay, no amsgrad):
///
///     m = β1 m + (1 - β1) g;  v = β2 v + (1 - β2) g²
///     p -= (lr / (1 - β1ᵗ)) * m / (√v / √(1 - β2ᵗ) + ε)
///
/// DCGAN training uses β1 = 0.5.
public final class Adam {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    /// Updates applied so far. Settable, with `m` and `v`, so a checkpoint can restore the
    /// optimizer exactly (a resumed run continues bit for bit).
    public var step = 0
    /// First and second moment estimates, one array per parameter, in `parameters` order.
    public var m: [[Float]], v: [[Float]]

    public init(parameters: [Parameter], learningRate: Float = 2e-4, beta1: Float = 0.5, beta2: Float = 0.999,
                epsilon: Float = 1e-8) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        m = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        v = m
    }

    /// Applies one update from the accumulated gradients (which it leaves in place).
    /// - Complexity: O(total parameter count), parallel.
    public func update() {
        step += 1
        let bc1 = 1 - Float(_powd(Double(beta1), Double(step))), bc2 = 1 - Float(_powd(Double(beta2), Double(step)))
        let stepSize = learningRate / bc1, bc2Root = bc2.squareRoot()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for (i, p) in parameters.enumerated() {
            precondition(m[i].count == p.value.count, "parameter \(p.name) changed size under Adam")
            p.grad.data.withUnsafeBufferPointer { gp in
                p.value.data.withUnsafeMutableBufferPointer { pp in
                    m[i].withUnsafeMutableBufferPointer { mp in
                        v[i].withUnsafeMutableBufferPointer { vp in
                            let g = _SendableConstPointer(gp.baseAddress!), w = _SendablePointer(pp.baseAddress!)
                            let mb = _SendablePointer(mp.baseAddress!), vb = _SendablePointer(vp.baseAddress!)
                            _elementwise(gp.count) { range in
                                _adamUpdate(g.base, w.base, mb.base, vb.base, range: range, beta1: b1, beta2: b2,
                                            stepSize: stepSize, bc2Root: bc2Root, epsilon: eps)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }
}

/// Adam's element update over `range`, four lanes at a time. The scalar loop did not vectorise
/// (its square root is a library call that may set errno); the lanes do the same IEEE operations
/// in the same order, so the results are bit for bit those of the scalar tail.
@inline(__always)
func _adamUpdate(_ g: UnsafePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                 _ v: UnsafeMutablePointer<Float>, range: Range<Int>, beta1 b1: Float, beta2 b2: Float,
                 stepSize: Float, bc2Root: Float, epsilon eps: Float) {
    typealias Lanes = SIMD4<Float>
    func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    func store(_ x: Lanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: x, as: Lanes.self) }
    var j = range.lowerBound
    while j &+ Lanes.scalarCount <= range.upperBound {
        let gj = load(g + j)
        let mj = b1 * load(m + j) + (1 - b1) * gj
        let vj = b2 * load(v + j) + (1 - b2) * gj * gj
        store(mj, m + j)
        store(vj, v + j)
        store(load(w + j) - stepSize * (mj / (vj.squareRoot() / bc2Root + eps)), w + j)
        j &+= Lanes.scalarCount
    }
    while j < range.upperBound {
        let gj = g[j]
        let mj = b1 * m[j] + (1 - b1) * gj
        let vj = b2 * v[j] + (1 - b2) * gj * gj
        m[j] = mj
        v[j] = vj
        w[j] -= stepSize * (mj / (vj.squareRoot() / bc2Root + eps))
        j &+= 1
    }
}
