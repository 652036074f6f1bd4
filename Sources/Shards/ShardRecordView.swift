/// One record read in place from a mapped shard. Holds its file open while it lives.
/// Sendable because `bytes` points into a read-only mapping that `file` keeps alive.
public struct ShardRecordView: @unchecked Sendable {
    public let file: ShardFile
    /// The record's `recordSize` bytes inside the mapping.
    public let bytes: UnsafeRawBufferPointer

    public var layout: ShardLayout { file.layout }

    public var imageID: UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: ShardLayout.imageIDOffset, as: UInt64.self))
    }

    /// Captions stored (the rest of the slots are zero), clamped to the layout's slots.
    public var captionCount: Int {
        min(Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: ShardLayout.captionCountOffset, as: UInt16.self))),
            layout.maxCaptions)
    }

    /// height x width x channels uint8 pixels, row-major, channels innermost.
    public var pixels: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[ShardLayout.pixelsOffset..<ShardLayout.pixelsOffset + layout.pixelCount])
    }

    /// The token row of caption `caption` (`captionLength` ids).
    public func tokens(caption: Int) -> [UInt16] {
        precondition(caption >= 0 && caption < layout.maxCaptions, "caption slot \(caption) is outside the layout")
        let start = layout.tokensOffset + 2 * caption * layout.captionLength
        return (0..<layout.captionLength).map { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 2 * $0, as: UInt16.self)) }
    }

    /// The mean GloVe encoding of caption `caption`, widened from float16.
    public func meanEncoding(caption: Int) -> [Float] {
        precondition(caption >= 0 && caption < layout.maxCaptions, "caption slot \(caption) is outside the layout")
        let start = layout.meansOffset + 2 * caption * layout.embeddingDimension
        return (0..<layout.embeddingDimension).map {
            Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 2 * $0, as: UInt16.self))))
        }
    }

    /// Why the stored checksum does not match the bytes, or nil when it does.
    public var checksumProblem: String? {
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: layout.checksumOffset, as: UInt32.self))
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<layout.checksumOffset]))
        return stored == computed ? nil : "checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))"
    }

    /// Copies all `maxCaptions x captionLength` token ids into the front of `destination`.
    public func copyTokens(into destination: UnsafeMutableBufferPointer<UInt16>) {
        precondition(destination.count >= layout.tokenCount, "destination too small for \(layout.tokenCount) token ids")
        let start = layout.tokensOffset
        for i in 0..<layout.tokenCount {
            destination[i] = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self))
        }
    }

    /// Copies all `maxCaptions x embeddingDimension` mean values, widened, into the front of `destination`.
    public func copyMeans(into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(destination.count >= layout.meanCount, "destination too small for \(layout.meanCount) values")
        let start = layout.meansOffset
        for i in 0..<layout.meanCount {
            destination[i] = Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self))))
        }
    }
}
