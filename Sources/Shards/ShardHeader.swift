/// The 128-byte header at the start of every shard file (all integers little-endian).
///
/// See docs/shard-format.md for the byte table; `encode()` and `init(decoding:)` are the two
/// places that know it.
public struct ShardHeader: Sendable, Equatable {
    public static let magic: [UInt8] = Array("T2ISHARD".utf8)
    public static let version: UInt32 = 1
    public static let size = 128
    /// Float16 (IEEE 754 binary16) in the means and the embedding table.
    public static let float16Type: UInt16 = 1

    public var layout: ShardLayout
    public var recordCount: Int
    public var shardIndex: Int
    public var sideTableOffset: Int
    public var sideTableSize: Int
    public var fileSize: Int
    /// CRC32C of the body: every byte after the header, records and side table.
    public var bodyChecksum: UInt32

    public init(layout: ShardLayout, recordCount: Int, shardIndex: Int, sideTableSize: Int, bodyChecksum: UInt32) {
        self.layout = layout
        self.recordCount = recordCount
        self.shardIndex = shardIndex
        self.sideTableOffset = Self.size + recordCount * layout.recordSize
        self.sideTableSize = sideTableSize
        self.fileSize = sideTableOffset + sideTableSize
        self.bodyChecksum = bodyChecksum
    }

    /// The header's 128 bytes, ending with the CRC32C of the first 124.
    public func encode() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.size)
        bytes.withUnsafeMutableBytes { raw in
            raw.copyBytes(from: Self.magic)
            func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) { raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
            put(Self.version, 8)
            put(UInt32(Self.size), 12)
            put(UInt64(recordCount), 16)
            put(UInt32(layout.recordSize), 24)
            put(UInt32(shardIndex), 28)
            put(UInt16(layout.imageHeight), 32)
            put(UInt16(layout.imageWidth), 34)
            put(UInt16(layout.channels), 36)
            put(UInt16(layout.maxCaptions), 38)
            put(UInt16(layout.captionLength), 40)
            put(UInt16(layout.encoderTokens), 42)
            put(UInt16(layout.embeddingDimension), 44)
            put(Self.float16Type, 46)
            put(UInt32(ShardLayout.imageIDOffset), 48)
            put(UInt32(ShardLayout.captionCountOffset), 52)
            put(UInt32(ShardLayout.pixelsOffset), 56)
            put(UInt32(layout.tokensOffset), 60)
            put(UInt32(layout.meansOffset), 64)
            put(UInt32(layout.checksumOffset), 68)
            put(UInt64(sideTableOffset), 72)
            put(UInt64(sideTableSize), 80)
            put(UInt64(fileSize), 88)
            put(bodyChecksum, 96)
            put(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<124])), 124)
        }
        return bytes
    }

    /// Reads and checks a header: magic, version, its own checksum, and that the layout it
    /// declares is the one this library computes from the dimensions.
    /// - Throws: `ShardError` naming `file` and what is wrong.
    public init(decoding raw: UnsafeRawBufferPointer, file: String) throws {
        guard raw.count >= Self.size else {
            throw ShardError(file: file, "is \(raw.count) bytes, shorter than the \(Self.size)-byte header (truncated)")
        }
        func get<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T { T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        guard Array(raw[0..<8]) == Self.magic else { throw ShardError(file: file, "is not a t2i shard (bad magic)") }
        let stored = get(124, UInt32.self)
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<124]))
        guard stored == computed else {
            throw ShardError(file: file, "header checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }
        let version = get(8, UInt32.self)
        guard version == Self.version else { throw ShardError(file: file, "has format version \(version); this reader knows \(Self.version)") }
        guard get(12, UInt32.self) == UInt32(Self.size) else { throw ShardError(file: file, "has an unexpected header size") }
        guard get(46, UInt16.self) == Self.float16Type else { throw ShardError(file: file, "has an unknown encoding number type") }
        let dims = [32, 34, 36, 38, 40, 42, 44].map { Int(get($0, UInt16.self)) }
        guard dims.allSatisfy({ $0 > 0 }), dims[4] >= 2, dims[5] <= dims[4] - 2, dims[3] <= 255 else {
            throw ShardError(file: file, "declares impossible dimensions \(dims)")
        }
        let layout = ShardLayout(imageHeight: dims[0], imageWidth: dims[1], channels: dims[2], maxCaptions: dims[3],
                                 captionLength: dims[4], encoderTokens: dims[5], embeddingDimension: dims[6])
        let declared = [24, 48, 52, 56, 60, 64, 68].map { Int(get($0, UInt32.self)) }
        let expected = [layout.recordSize, ShardLayout.imageIDOffset, ShardLayout.captionCountOffset, ShardLayout.pixelsOffset,
                        layout.tokensOffset, layout.meansOffset, layout.checksumOffset]
        guard declared == expected else {
            throw ShardError(file: file, "declares record offsets \(declared), expected \(expected) for its dimensions")
        }
        self.layout = layout
        recordCount = Int(get(16, UInt64.self))
        shardIndex = Int(get(28, UInt32.self))
        sideTableOffset = Int(get(72, UInt64.self))
        sideTableSize = Int(get(80, UInt64.self))
        fileSize = Int(get(88, UInt64.self))
        bodyChecksum = get(96, UInt32.self)
        let (records, overflow) = recordCount.multipliedReportingOverflow(by: layout.recordSize)
        guard !overflow, sideTableOffset == Self.size + records, fileSize == sideTableOffset + sideTableSize,
              sideTableSize >= 16 * recordCount else {
            throw ShardError(file: file, "header sizes do not add up (records \(recordCount), side table at \(sideTableOffset) size \(sideTableSize), file \(fileSize))")
        }
    }
}

/// A checksum as the 8 hex digits people compare by eye.
func hex(_ value: UInt32) -> String { "0x" + padded(value, width: 8, radix: 16) }

/// `value` in `radix` with leading zeros to at least `width` digits.
func padded(_ value: some BinaryInteger, width: Int, radix: Int = 10) -> String {
    let digits = String(value, radix: radix)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
