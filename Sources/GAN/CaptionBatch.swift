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

    /// `[count, vocabularySize]`: each caption's distinct words (ids 4 and up: not padding,
    /// `<START>`, `<END>` or `<UNK>`) with 1/k each for its k words; a row of zeros for a caption
    /// without such words. `columns` (at least `vocabularySize`) leaves zero columns after the
    /// words, for classes that are not words (the `wordsOrFake` head's "fake").
    public func wordDistribution(vocabularySize: Int, columns: Int? = nil) -> Tensor {
        let columns = columns ?? vocabularySize
        precondition(columns >= vocabularySize, "\(columns) columns for \(vocabularySize) words")
        var out = Tensor(zeros: [count, columns])
        for row in 0..<count {
            let words = Set(tokens[row * tokensPerCaption..<(row + 1) * tokensPerCaption].lazy
                .filter { $0 >= 4 && Int($0) < vocabularySize }.map(Int.init))
            for w in words { out.data[row * columns + w] = 1 / Float(words.count) }
        }
        return out
    }
}
