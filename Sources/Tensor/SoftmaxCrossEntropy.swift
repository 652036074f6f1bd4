import Foundation

/// Softmax cross-entropy over the rows of logits against target distributions, averaged over
/// the rows (PyTorch's `cross_entropy` with probability targets, `reduction="mean"`).
public enum SoftmaxCrossEntropy {
    /// The mean loss −Σ_j q_j log softmax(x)_j and its gradient (softmax(x) − q) / N.
    /// - Parameters:
    ///   - logits: `[N, C]` (any leading axes are folded into N).
    ///   - targets: same shape; each row a distribution over the C classes (non-negative, sum 1).
    /// - Complexity: O(N * C).
    public static func lossAndGradient(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(logits.shape == targets.shape, "cross-entropy shapes \(logits.shape) and \(targets.shape) differ")
        let (n, c) = (logits.rows, logits.columns)
        precondition(n > 0 && c > 0, "cross-entropy of an empty tensor")
        var grad = [Float](repeating: 0, count: n * c)
        var total = 0.0
        for r in 0..<n {
            let row = logits.data[r * c..<(r + 1) * c]
            let m = row.max() ?? 0
            let exps = row.map { exp(Double($0 - m)) }
            let sum = exps.reduce(0, +)
            for j in 0..<c {
                let q = Double(targets.data[r * c + j])
                // Classes the target gives no weight add nothing (even when their probability underflows).
                if q != 0 { total -= q * log(exps[j] / sum) }
                grad[r * c + j] = Float((exps[j] / sum - q) / Double(n))
            }
        }
        return (Float(total / Double(n)), Tensor(shape: logits.shape, data: grad))
    }

    /// The same with one class per row: `targets[r]` in 0..<C.
    public static func lossAndGradient(logits: Tensor, classes targets: [Int]) -> (loss: Float, gradient: Tensor) {
        let (n, c) = (logits.rows, logits.columns)
        precondition(targets.count == n && targets.allSatisfy { $0 >= 0 && $0 < c }, "one target class per row")
        var oneHot = Tensor(zeros: logits.shape)
        for (r, t) in targets.enumerated() { oneHot.data[r * c + t] = 1 }
        return lossAndGradient(logits: logits, targets: oneHot)
    }
}
