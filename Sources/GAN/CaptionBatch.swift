import Tensor

/// The captions of one batch in both forms a text encoder may read.
public struct CaptionBatch: Sendable {
    /// Token rows, `count * tokensPerCaption` ids: `<START>`, words, `<END>`, 0 padding.
    public var tokens: [Int32]
    public var tokensPerCaption: Int
    /// Mean GloVe vectors `[count, gloveDimension]` (may be empty for a GRU-only model).
    public var glove: Tensor

    public init(tokens: [Int32], tokensPerCaption: Int = 17, glove: Tensor) {
        precondition(tokensPerCaption > 0 && tokens.count % tokensPerCaption == 0, "token rows of \(tokensPerCaption)")
        self.tokens = tokens
        self.tokensPerCaption = tokensPerCaption
        self.glove = glove
    }

    public var count: Int { tokens.count / tokensPerCaption }
}
