import Tensor

/// A caption encoder trained with D: token ids -> Embedding(V, 256) -> GRU(256, 128) -> the
/// hidden state after the last real token (`<END>`); padding (id 0) never enters the GRU.
public final class GRUTextEncoder {
    let embedding: Embedding
    let gru: GRU
    public let vocabularySize: Int

    /// Embedding N(0, 1) and GRU U(-1/√H, 1/√H), PyTorch's defaults.
    public init(vocabularySize: Int, embeddingDimension: Int, hidden: Int, generator: inout SeededGenerator) {
        self.vocabularySize = vocabularySize
        embedding = Embedding(vocabularySize, embeddingDimension, std: 1, name: "text.embedding", generator: &generator)
        gru = GRU(inputSize: embeddingDimension, hiddenSize: hidden, name: "text.gru", generator: &generator)
    }

    public var parameters: [Parameter] { embedding.parameters + gru.parameters }

    /// The number of leading non-padding tokens of each row (at least 1).
    static func lengths(_ captions: CaptionBatch) -> [Int] {
        let t = captions.tokensPerCaption
        return (0..<captions.count).map { r in
            let row = captions.tokens[r * t..<(r + 1) * t]
            return Swift.max(1, row.firstIndex(of: 0).map { $0 - r * t } ?? t)
        }
    }

    /// - Returns: `[N, hidden]`.
    /// - Complexity: O(N * T * 3H * (E + H)).
    public func forward(_ captions: CaptionBatch) -> Tensor {
        let ids = captions.tokens.map { id -> Int in
            precondition(id >= 0 && Int(id) < vocabularySize, "token id \(id) outside the vocabulary of \(vocabularySize)")
            return Int(id)
        }
        let x = embedding.forward(ids, shape: [captions.count, captions.tokensPerCaption])
        return gru.forward(x, lengths: Self.lengths(captions))
    }

    /// Accumulates the embedding and GRU gradients from the gradient of the encoded vectors.
    public func backward(_ gradOutput: Tensor) {
        embedding.backward(gru.backward(gradOutput).input)
    }
}
