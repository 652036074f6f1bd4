/// y = x Wᵀ + b, with `W` stored `[out, in]` as in PyTorch's `nn.Linear`.
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    private var input: Tensor?
    /// False: `backward` returns the input gradient only and leaves the weight's and bias's
    /// gradients alone (for a pass whose parameter gradients would be thrown away).
    public var accumulatesParameterGradients = true

    /// A layer from `inFeatures` to `outFeatures` with N(0, std) weights and zero bias.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, std: Float = 0.02,
                name: String = "linear", generator: inout SeededGenerator) {
        weight = Parameter("\(name).weight", .normal([outFeatures, inFeatures], std: std, using: &generator))
        self.bias = bias ? Parameter("\(name).bias", Tensor(zeros: [outFeatures])) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// - Parameter input: `[N, in]` (any leading axes are folded into N).
    /// - Complexity: O(N * in * out).
    public func forward(_ input: Tensor) -> Tensor {
        let (outF, inF) = (weight.value.shape[0], weight.value.shape[1])
        precondition(input.columns == inF, "Linear expects \(inF) input features, got shape \(input.shape)")
        self.input = input
        let n = input.rows
        var y = [Float](repeating: 0, count: n * outF)
        if let bias { for r in 0..<n { for j in 0..<outF { y[r * outF + j] = bias.value.data[j] } } }
        _matmul(input.data, weight.value.data, into: &y, m: n, n: outF, k: inF, transB: true, accumulate: bias != nil)
        return Tensor(shape: Array(input.shape.dropLast()) + [outF], data: y)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Linear.backward before forward") }
        let (outF, inF) = (weight.value.shape[0], weight.value.shape[1])
        let n = input.rows
        precondition(gradOutput.count == n * outF, "Linear gradient shape \(gradOutput.shape) does not match output")
        if accumulatesParameterGradients {
            // dW[out, in] += dYᵀ X
            _matmul(gradOutput.data, input.data, into: &weight.grad.data, m: outF, n: inF, k: n, transA: true, accumulate: true)
            if let bias { _addColumnSums(gradOutput.data, rows: n, columns: outF, into: &bias.grad.data) }
        }
        var dx = [Float](repeating: 0, count: n * inF)
        _matmul(gradOutput.data, weight.value.data, into: &dx, m: n, n: inF, k: outF)
        return Tensor(shape: input.shape, data: dx)
    }
}
