/// The shape of every record in a shard folder: image size, caption slots and encoding sizes,
/// and where each field sits inside a fixed-size record.
///
/// Records are `recordSize` bytes each so a reader finds record `i` at
/// `headerSize + i * recordSize` without parsing anything. All fields start on 16-byte
/// boundaries (the checksum on a 4-byte one) and the record size is a multiple of 16.
public struct ShardLayout: Sendable, Hashable, Codable {
    public let imageHeight: Int
    public let imageWidth: Int
    public let channels: Int
    /// Caption slots per record; unused slots are all zero.
    public let maxCaptions: Int
    /// Token ids per caption row: <START>, the words, <END>, then <NULL> padding.
    public let captionLength: Int
    /// Words per caption in the concatenated GloVe encoding (the seed's 15).
    public let encoderTokens: Int
    /// Length of one word vector and of the mean encoding (the seed's 50).
    public let embeddingDimension: Int

    public static let imageIDOffset = 0
    public static let captionCountOffset = 8
    public static let pixelsOffset = 16

    public init(imageHeight: Int = 64, imageWidth: Int = 64, channels: Int = 3, maxCaptions: Int = 5,
                captionLength: Int = 17, encoderTokens: Int = 15, embeddingDimension: Int = 50) {
        precondition(imageHeight > 0 && imageWidth > 0 && channels > 0, "image dimensions must be positive")
        precondition([imageHeight, imageWidth, channels].allSatisfy { $0 <= Int(UInt16.max) }, "image dimensions must fit in 16 bits")
        precondition(maxCaptions > 0 && maxCaptions <= 255, "1...255 captions per record")
        precondition(captionLength >= 2 && captionLength <= Int(UInt16.max), "a caption row holds at least <START> and <END>")
        precondition(encoderTokens >= 1 && encoderTokens <= captionLength - 2, "the encoder reads words between <START> and <END>")
        precondition(embeddingDimension >= 1 && embeddingDimension <= Int(UInt16.max), "embedding dimension must fit in 16 bits")
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.channels = channels
        self.maxCaptions = maxCaptions
        self.captionLength = captionLength
        self.encoderTokens = encoderTokens
        self.embeddingDimension = embeddingDimension
    }

    /// Bytes of pixels per image: height x width x channels, uint8, row-major, channels innermost.
    public var pixelCount: Int { imageHeight * imageWidth * channels }
    /// uint16 token ids per record: maxCaptions x captionLength.
    public var tokenCount: Int { maxCaptions * captionLength }
    /// float16 values of the mean encodings per record: maxCaptions x embeddingDimension.
    public var meanCount: Int { maxCaptions * embeddingDimension }

    public var tokensOffset: Int { Self.align(Self.pixelsOffset + pixelCount, 16) }
    public var meansOffset: Int { Self.align(tokensOffset + 2 * tokenCount, 16) }
    /// The record's CRC32C covers bytes [0, checksumOffset).
    public var checksumOffset: Int { Self.align(meansOffset + 2 * meanCount, 4) }
    public var recordSize: Int { Self.align(checksumOffset + 4, 16) }

    static func align(_ value: Int, _ alignment: Int) -> Int { (value + alignment - 1) / alignment * alignment }
}
