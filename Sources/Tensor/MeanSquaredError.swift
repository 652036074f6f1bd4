/// Squared error averaged over all elements (PyTorch's `mse_loss` with `reduction="mean"`).
public enum MeanSquaredError {
    /// The mean loss and its gradient with respect to `predictions`.
    /// - Parameters:
    ///   - predictions: any shape.
    ///   - targets: same shape.
    /// - Complexity: O(count).
    public static func lossAndGradient(predictions: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(predictions.shape == targets.shape, "MSE shapes \(predictions.shape) and \(targets.shape) differ")
        let n = predictions.count
        precondition(n > 0, "MSE of an empty tensor")
        var total = 0.0
        var grad = [Float](repeating: 0, count: n)
        let scale = 2 / Float(n)
        for i in 0..<n {
            let d = predictions.data[i] - targets.data[i]
            total += Double(d * d)
            grad[i] = scale * d
        }
        return (Float(total / Double(n)), Tensor(shape: predictions.shape, data: grad))
    }
}
