/// Many short strings packed into one byte buffer with end offsets: what a string dataset reads
/// into, so that 82,783 URLs cost two allocations instead of one per URL.
public struct StringTable: RandomAccessCollection, Sendable, Equatable {
    public private(set) var bytes: [UInt8] = []
    /// `ends[i]` is the end of string `i` in `bytes`; it starts where string `i - 1` ends.
    public private(set) var ends: [Int] = []

    public init() {}

    /// Packs fixed-width, NUL-padded records, trimming trailing NULs and whitespace from each.
    public init(fixedWidth width: Int, count: Int, bytes source: [UInt8]) {
        bytes.reserveCapacity(count * width)
        ends.reserveCapacity(count)
        source.withUnsafeBufferPointer { all in
            for index in 0..<count {
                append(UnsafeBufferPointer(rebasing: all[(index * width)..<((index + 1) * width)]))
            }
        }
    }

    /// Appends one string's bytes, up to the first NUL, without trailing whitespace.
    public mutating func append(_ raw: UnsafeBufferPointer<UInt8>) {
        var end = 0
        while end < raw.count && raw[end] != 0 { end += 1 }
        while end > 0 && (raw[end - 1] == 0x20 || (raw[end - 1] >= 0x09 && raw[end - 1] <= 0x0D)) { end -= 1 }
        if end > 0 { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw[0..<end])) }
        ends.append(bytes.count)
    }

    /// Appends a String.
    public mutating func append(_ string: String) {
        bytes.append(contentsOf: string.utf8)
        ends.append(bytes.count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.count }

    /// The byte range of string `index` in `bytes`.
    public func byteRange(_ index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }

    public subscript(index: Int) -> String {
        String(decoding: bytes[byteRange(index)], as: UTF8.self)
    }
}
