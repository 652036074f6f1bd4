import Foundation
import Tensor

/// Adam with PyTorch's update order whose moments can be saved and restored, so that a resumed
/// run continues bit for bit.
///
/// `Tensor.Adam` keeps its moments private; this copy of the same arithmetic exposes them
/// (a test checks the two agree bit for bit). Fold it into `Tensor.Adam` once that type
/// exposes its state.
public final class ResumableAdam {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    /// Updates applied so far.
    public var step = 0
    /// First and second moments, one buffer per parameter.
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

    /// Applies one update from the accumulated gradients.
    /// - Complexity: O(total parameter count).
    public func update() {
        step += 1
        let bc1 = 1 - Float(pow(Double(beta1), Double(step))), bc2 = 1 - Float(pow(Double(beta2), Double(step)))
        let stepSize = learningRate / bc1, bc2Root = bc2.squareRoot()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for (i, p) in parameters.enumerated() {
            precondition(m[i].count == p.value.count, "parameter \(p.name) changed size under Adam")
            p.grad.data.withUnsafeBufferPointer { g in
                p.value.data.withUnsafeMutableBufferPointer { w in
                    m[i].withUnsafeMutableBufferPointer { mb in
                        v[i].withUnsafeMutableBufferPointer { vb in
                            for j in 0..<g.count {
                                let gj = g[j]
                                let mj = b1 * mb[j] + (1 - b1) * gj
                                let vj = b2 * vb[j] + (1 - b2) * gj * gj
                                mb[j] = mj
                                vb[j] = vj
                                w[j] -= stepSize * (mj / (vj.squareRoot() / bc2Root + eps))
                            }
                        }
                    }
                }
            }
        }
    }

    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }
}
