import Tensor

extension Tensor {
    /// Samples of `self` followed by those of `other` along the batch (first) axis.
    /// - Complexity: O(count + other.count).
    public func batchConcatenated(_ other: Tensor) -> Tensor {
        precondition(Array(shape.dropFirst()) == Array(other.shape.dropFirst()), "batch concat of \(shape) and \(other.shape)")
        return Tensor(shape: [shape[0] + other.shape[0]] + shape.dropFirst(), data: data + other.data)
    }

    /// Samples `range` along the batch axis.
    public func batchSlice(_ range: Range<Int>) -> Tensor {
        let per = count / Swift.max(shape[0], 1)
        return Tensor(shape: [range.count] + shape.dropFirst(), data: Array(data[range.lowerBound * per..<range.upperBound * per]))
    }

    /// Sample i of the result is sample `indices[i]` of `self`.
    /// - Complexity: O(count).
    public func batchGathered(_ indices: [Int]) -> Tensor {
        let n = shape[0], per = count / Swift.max(n, 1)
        precondition(indices.count == n && indices.allSatisfy { (0..<n).contains($0) }, "gather indices for a batch of \(n)")
        var out = [Float](repeating: 0, count: count)
        for (i, src) in indices.enumerated() {
            out[i * per..<(i + 1) * per] = data[src * per..<(src + 1) * per]
        }
        return Tensor(shape: shape, data: out)
    }

    /// The gradient of `batchGathered(indices)`: sample i of `self` is added into sample `indices[i]`.
    /// - Complexity: O(count).
    public func batchScatterAdded(_ indices: [Int]) -> Tensor {
        let n = shape[0], per = count / Swift.max(n, 1)
        precondition(indices.count == n && indices.allSatisfy { (0..<n).contains($0) }, "scatter indices for a batch of \(n)")
        var out = [Float](repeating: 0, count: count)
        for (i, dst) in indices.enumerated() {
            for k in 0..<per { out[dst * per + k] += data[i * per + k] }
        }
        return Tensor(shape: shape, data: out)
    }

    /// Sample i of the result is sample (i + shift) mod N of `self`: a caption of another image.
    public func batchRolled(by shift: Int) -> Tensor {
        batchGathered(_rolledIndices(count: shape[0], by: shift))
    }

    /// The batch followed by the midpoints 0.5 (x_i + x_{i+1}) of neighbouring samples (rolled, so
    /// the last pairs with the first): GAN-INT's interpolated captions, or their targets.
    func appendingNeighbourMidpoints() -> Tensor {
        batchConcatenated(adding(batchRolled(by: 1)).scaled(by: 0.5))
    }

    /// Element-wise sum with `other` (same shape).
    public func adding(_ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "adding \(shape) and \(other.shape)")
        var out = self
        for i in 0..<out.count { out.data[i] += other.data[i] }
        return out
    }

    /// Every element times `factor`.
    public func scaled(by factor: Float) -> Tensor {
        var out = self
        for i in 0..<out.count { out.data[i] *= factor }
        return out
    }
}

/// (i + shift) mod n for i in 0..<n: the sample indices of a batch rolled by `shift`.
func _rolledIndices(count n: Int, by shift: Int) -> [Int] {
    (0..<n).map { (($0 + shift) % n + n) % n }
}
