/// The sum or mean of all elements, as a `[1]` tensor; backward broadcasts the gradient.
public final class Reduce: Layer {
    public enum Kind: Sendable { case sum, mean }
    public let kind: Kind
    private var inputShape: [Int] = []

    public init(_ kind: Kind) { self.kind = kind }

    /// - Complexity: O(count); Double accumulation.
    public func forward(_ input: Tensor) -> Tensor {
        inputShape = input.shape
        let total = input.data.reduce(0.0) { $0 + Double($1) }
        let value = kind == .sum ? total : total / Double(Swift.max(input.count, 1))
        return Tensor(shape: [1], data: [Float(value)])
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.count == 1, "Reduce gradient must be a single value")
        let n = inputShape.reduce(1, *)
        let g = kind == .sum ? gradOutput.data[0] : gradOutput.data[0] / Float(Swift.max(n, 1))
        return Tensor(zeros: inputShape, value: g)
    }
}
