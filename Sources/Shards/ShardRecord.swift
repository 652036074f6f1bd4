/// One image as the prepare pipeline hands it to `ShardWriter`.
public struct ShardRecord: Sendable {
    /// The image's row in the source file; records are stored in ascending id order.
    public var imageID: UInt64
    /// height x width x channels uint8, row-major, channels innermost (the layout's sizes).
    public var pixels: [UInt8]
    public var captions: [Caption]
    /// Variable-length facts kept in the shard's side table (the source URL, for one).
    public var metadata: [String: String]

    public init(imageID: UInt64, pixels: [UInt8], captions: [Caption], metadata: [String: String] = [:]) {
        self.imageID = imageID
        self.pixels = pixels
        self.captions = captions
        self.metadata = metadata
    }

    /// One caption: its token row and its mean GloVe encoding.
    public struct Caption: Sendable, Equatable {
        /// `captionLength` ids: <START>, up to `encoderTokens` words, <END>, <NULL> padding.
        public var tokens: [UInt16]
        /// The mean of the caption's word vectors, `embeddingDimension` values (stored as float16).
        public var meanEncoding: [Float]

        public init(tokens: [UInt16], meanEncoding: [Float]) {
            self.tokens = tokens
            self.meanEncoding = meanEncoding
        }
    }
}
