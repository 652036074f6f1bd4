import Tensor

extension CaptionBatch {
    /// For each caption i, the index of the batch caption D sees as the "wrong" caption of image i.
    ///
    /// `.next` gives i + 1 (mod N). `.nearest` gives the j ≠ i with the highest cosine between the
    /// mean word vectors among captions whose token rows differ from i's; if every other caption has
    /// the same words (or the batch has no vectors), it falls back to i + 1. Ties go to the lowest j,
    /// so the choice depends only on the batch.
    /// - Complexity: O(N² · D) for `.nearest` (N = 64, D = 50: 0.2 MFLOP a step).
    public func mismatchIndices(_ kind: MismatchKind) -> [Int] {
        let n = count
        let next = _rolledIndices(count: n, by: 1)
        guard kind == .nearest, n > 1, glove.shape.count == 2, glove.shape[0] == n, glove.shape[1] > 0 else { return next }
        let d = glove.shape[1], v = glove.data, t = tokensPerCaption
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var s: Float = 0
            for k in 0..<d { s += v[i * d + k] * v[i * d + k] }
            norms[i] = s.squareRoot()
        }
        return (0..<n).map { i in
            var best = -1, bestCosine = -Float.infinity
            for j in 0..<n where j != i && tokens[j * t..<(j + 1) * t] != tokens[i * t..<(i + 1) * t] {
                var dot: Float = 0
                for k in 0..<d { dot += v[i * d + k] * v[j * d + k] }
                let cosine = dot / max(norms[i] * norms[j], .leastNormalMagnitude)
                if cosine > bestCosine { (best, bestCosine) = (j, cosine) }
            }
            return best >= 0 ? best : next[i]
        }
    }
}
