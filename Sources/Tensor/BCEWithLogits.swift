/// Binary cross-entropy on logits, averaged over all elements (PyTorch's
/// `binary_cross_entropy_with_logits` with `reduction="mean"`), in a numerically stable form.
public enum BCEWithLogits {
    /// The mean loss and its gradient with respect to `logits`.
    /// - Parameters:
    ///   - logits: any shape.
    ///   - targets: same shape, values in [0, 1].
    /// - Complexity: O(count).
    public static func lossAndGradient(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(logits.shape == targets.shape, "BCE shapes \(logits.shape) and \(targets.shape) differ")
        let n = logits.count
        precondition(n > 0, "BCE of an empty tensor")
        var total = 0.0
        var grad = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let x = logits.data[i], y = targets.data[i]
            total += Double(Swift.max(x, 0) - x * y + _log1pf(_expf(-abs(x))))
            grad[i] = (_sigmoid(x) - y) / Float(n)
        }
        return (Float(total / Double(n)), Tensor(shape: logits.shape, data: grad))
    }
}
