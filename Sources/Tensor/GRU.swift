/// A single-layer GRU over padded batches (`batch_first`), returning each sequence's hidden
/// state at its last real token: steps at or past a sequence's length leave its state
/// unchanged, as PyTorch's packed sequences do.
public final class GRU {
    public let cell: GRUCell
    private var input: Tensor?
    private var steps: [_GRUStepCache] = []

    public init(inputSize: Int, hiddenSize: Int, name: String = "gru", generator: inout SeededGenerator) {
        cell = GRUCell(inputSize: inputSize, hiddenSize: hiddenSize, name: name, generator: &generator)
    }

    public var parameters: [Parameter] { cell.parameters }

    /// - Parameters:
    ///   - input: `[B, T, I]`.
    ///   - lengths: real tokens per sequence, each in 1...T.
    ///   - initial: `[B, H]`, zeros if nil.
    /// - Returns: the final hidden state `[B, H]`.
    /// - Complexity: O(B * T * 3H * (I + H)).
    public func forward(_ input: Tensor, lengths: [Int], initial: Tensor? = nil) -> Tensor {
        precondition(input.rank == 3 && input.shape[2] == cell.inputSize, "GRU expects [B, T, \(cell.inputSize)], got \(input.shape)")
        let (b, t, hs) = (input.shape[0], input.shape[1], cell.hiddenSize)
        precondition(lengths.count == b && lengths.allSatisfy { $0 >= 1 && $0 <= t }, "GRU lengths \(lengths) do not fit \(input.shape)")
        let gi = cell.inputGates(input.reshaped([b * t, cell.inputSize]))
        var h = initial?.data ?? [Float](repeating: 0, count: b * hs)
        precondition(h.count == b * hs, "GRU initial state shape mismatch")
        steps = []
        for step in 0..<t {
            let (next, cache) = cell.forwardStep(gi: gi.data, rowStride: t, rowOffset: step, h: h, batch: b,
                                                 active: lengths.map { step < $0 })
            steps.append(cache)
            h = next
        }
        self.input = input
        return Tensor(shape: [b, hs], data: h)
    }

    /// Back-propagates the gradient of the final state through time.
    /// - Returns: the gradients with respect to the input `[B, T, I]` and the initial state `[B, H]`.
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, initial: Tensor) {
        guard let input else { preconditionFailure("GRU.backward before forward") }
        let (b, t, hs) = (input.shape[0], input.shape[1], cell.hiddenSize)
        precondition(gradOutput.shape == [b, hs], "GRU gradient shape \(gradOutput.shape)")
        var dgi = [Float](repeating: 0, count: b * t * 3 * hs)
        var dh = gradOutput.data
        for step in stride(from: t - 1, through: 0, by: -1) {
            dh = cell.backwardStep(dh, steps[step], dgi: &dgi, rowStride: t, rowOffset: step)
        }
        let dx = cell.inputGradient(dgi, x: input.reshaped([b * t, cell.inputSize]))
        return (dx.reshaped(input.shape), Tensor(shape: [b, hs], data: dh))
    }
}
