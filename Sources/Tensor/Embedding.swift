/// A lookup table of `count` vectors of `dimension` floats, as PyTorch's `nn.Embedding`.
public final class Embedding {
    public let weight: Parameter
    private var indices: [Int] = []
    private var indexShape: [Int] = []

    /// A table with N(0, std) entries (PyTorch's default is std 1).
    public init(_ count: Int, _ dimension: Int, std: Float = 1, name: String = "embedding",
                generator: inout SeededGenerator) {
        weight = Parameter("\(name).weight", .normal([count, dimension], std: std, using: &generator))
    }

    public var parameters: [Parameter] { [weight] }

    /// Looks up `indices` (row-major, of `shape`, e.g. `[N, T]`); returns `shape + [dimension]`.
    /// - Complexity: O(indices.count * dimension).
    public func forward(_ indices: [Int], shape: [Int]) -> Tensor {
        let (v, d) = (weight.value.shape[0], weight.value.shape[1])
        precondition(shape.reduce(1, *) == indices.count, "index shape \(shape) does not match \(indices.count) indices")
        var y = [Float](repeating: 0, count: indices.count * d)
        for (i, t) in indices.enumerated() {
            precondition(t >= 0 && t < v, "embedding index \(t) outside 0..<\(v)")
            for j in 0..<d { y[i * d + j] = weight.value.data[t * d + j] }
        }
        self.indices = indices
        indexShape = shape
        return Tensor(shape: shape + [d], data: y)
    }

    /// Adds `gradOutput` rows into the rows of the table they were read from (in index order).
    public func backward(_ gradOutput: Tensor) {
        let d = weight.value.shape[1]
        precondition(gradOutput.shape == indexShape + [d], "Embedding gradient shape \(gradOutput.shape) does not match")
        for (i, t) in indices.enumerated() {
            for j in 0..<d { weight.grad.data[t * d + j] += gradOutput.data[i * d + j] }
        }
    }
}
