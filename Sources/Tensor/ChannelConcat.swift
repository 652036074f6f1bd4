/// Concatenation along the last (channel) axis, e.g. image features `[N, 4, 4, C1]` with a
/// replicated text vector `[N, 4, 4, C2]` into `[N, 4, 4, C1 + C2]`.
public final class ChannelConcat {
    private var widths: [Int] = []
    private var leading: [Int] = []

    public init() {}

    /// - Complexity: O(total count).
    public func forward(_ inputs: [Tensor]) -> Tensor {
        precondition(!inputs.isEmpty, "concatenating nothing")
        leading = Array(inputs[0].shape.dropLast())
        precondition(inputs.allSatisfy { Array($0.shape.dropLast()) == leading }, "concat leading shapes differ")
        widths = inputs.map(\.columns)
        let total = widths.reduce(0, +), rows = inputs[0].rows
        var y = [Float](repeating: 0, count: rows * total)
        var offset = 0
        for (t, w) in zip(inputs, widths) {
            for r in 0..<rows { for j in 0..<w { y[r * total + offset + j] = t.data[r * w + j] } }
            offset += w
        }
        return Tensor(shape: leading + [total], data: y)
    }

    /// Splits the gradient back into one tensor per input.
    public func backward(_ gradOutput: Tensor) -> [Tensor] {
        let total = widths.reduce(0, +)
        precondition(gradOutput.shape == leading + [total], "concat gradient shape \(gradOutput.shape) does not match")
        let rows = gradOutput.rows
        var offset = 0
        return widths.map { w in
            var g = [Float](repeating: 0, count: rows * w)
            for r in 0..<rows { for j in 0..<w { g[r * w + j] = gradOutput.data[r * total + offset + j] } }
            offset += w
            return Tensor(shape: leading + [w], data: g)
        }
    }
}

/// Copies a per-sample vector `[N, C]` to every pixel of an `[N, H, W, C]` map; the backward
/// pass sums the map's gradient over the pixels.
public final class SpatialReplicate: Layer {
    public let height: Int, width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// - Complexity: O(N * H * W * C).
    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 2, "SpatialReplicate expects [N, C], got \(input.shape)")
        let (n, c, p) = (input.shape[0], input.shape[1], height * width)
        var y = [Float](repeating: 0, count: n * p * c)
        for s in 0..<n { for q in 0..<p { for j in 0..<c { y[(s * p + q) * c + j] = input.data[s * c + j] } } }
        return Tensor(shape: [n, height, width, c], data: y)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.rank == 4 && gradOutput.shape[1] == height && gradOutput.shape[2] == width,
                     "SpatialReplicate gradient shape \(gradOutput.shape) does not match")
        let (n, c, p) = (gradOutput.shape[0], gradOutput.shape[3], height * width)
        var dx = [Float](repeating: 0, count: n * c)
        for s in 0..<n { for q in 0..<p { for j in 0..<c { dx[s * c + j] += gradOutput.data[(s * p + q) * c + j] } } }
        return Tensor(shape: [n, c], data: dx)
    }
}
