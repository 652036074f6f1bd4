import Glibc

/// Many short strings in one byte buffer: what a string dataset reads into, so that 82,783 URLs
/// cost one or two allocations instead of one per URL.
///
/// Two layouts share one API. Fixed-width records (a fixed-length string dataset) are kept
/// exactly as HDF5 read them and trimmed when a string is asked for, so a load costs no pass
/// over the bytes; strings appended one by one are packed end to end with their end offsets.
public struct StringTable: RandomAccessCollection, Sendable {
    /// The stored bytes: fixed-width records as read, or strings packed end to end.
    /// `bytes[byteRange(i)]` is string `i`.
    public private(set) var bytes: [UInt8] = []
    /// Packed layout: `ends[i]` is the end of string `i` in `bytes`; it starts where `i - 1` ends.
    private var ends: [Int] = []
    /// Fixed-width layout: bytes per record, or 0 for the packed layout.
    private var width = 0
    /// Fixed-width layout: number of records.
    private var records = 0

    public init() {}

    /// Keeps `count` fixed-width records (NUL- or space-padded) as they are; each string is the
    /// record up to its first NUL, without trailing whitespace, found when the string is read.
    /// - Complexity: O(1); `byteRange` and the subscript are O(width).
    public init(fixedWidth width: Int, count: Int, bytes source: [UInt8]) {
        precondition(width > 0 && count >= 0 && source.count >= width * count, "\(source.count) bytes cannot hold \(count) records of \(width)")
        if count == 0 { return }
        bytes = source
        self.width = width
        records = count
    }

    /// Appends one string's bytes, up to the first NUL, without trailing whitespace.
    /// - Complexity: amortised O(raw.count), plus one O(total bytes) repacking the first time
    ///   a fixed-width table is appended to.
    public mutating func append(_ raw: UnsafeBufferPointer<UInt8>) {
        packIfFixedWidth()
        let end = Self.trimmedLength(raw)
        if end > 0 { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw[0..<end])) }
        ends.append(bytes.count)
    }

    /// Appends a String, as it is.
    public mutating func append(_ string: String) {
        packIfFixedWidth()
        bytes.append(contentsOf: string.utf8)
        ends.append(bytes.count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { width > 0 ? records : ends.count }

    /// The byte range of string `index` in `bytes`.
    /// - Complexity: O(1) packed; O(width) for fixed-width records, which are trimmed here.
    public func byteRange(_ index: Int) -> Range<Int> {
        guard width > 0 else { return (index == 0 ? 0 : ends[index - 1])..<ends[index] }
        precondition(index >= 0 && index < records, "string \(index) of \(records)")
        let start = index * width
        let length = bytes.withUnsafeBufferPointer {
            Self.trimmedLength(UnsafeBufferPointer(rebasing: $0[start..<(start + width)]))
        }
        return start..<(start + length)
    }

    public subscript(index: Int) -> String {
        String(decoding: bytes[byteRange(index)], as: UTF8.self)
    }

    /// The length of `raw` up to its first NUL, without trailing whitespace (space, \t...\r).
    static func trimmedLength(_ raw: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = raw.baseAddress else { return 0 }
        var end = raw.count
        if let nul = memchr(base, 0, raw.count) { end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(nul)) }
        while end > 0 && (raw[end - 1] == 0x20 || (raw[end - 1] >= 0x09 && raw[end - 1] <= 0x0D)) { end -= 1 }
        return end
    }

    /// Turns fixed-width records into the packed layout, so that strings can be appended.
    private mutating func packIfFixedWidth() {
        guard width > 0 else { return }
        var packed = StringTable()
        packed.bytes.reserveCapacity(bytes.count)
        packed.ends.reserveCapacity(records + 1)
        bytes.withUnsafeBufferPointer { all in
            for index in 0..<records {
                packed.append(UnsafeBufferPointer(rebasing: all[(index * width)..<((index + 1) * width)]))
            }
        }
        self = packed
    }
}

extension StringTable: Equatable {
    /// Equal when they hold the same strings, whatever the layout.
    public static func == (lhs: StringTable, rhs: StringTable) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.bytes.withUnsafeBufferPointer { left in
            rhs.bytes.withUnsafeBufferPointer { right in
                lhs.indices.allSatisfy { index in
                    left[lhs.byteRange(index)].elementsEqual(right[rhs.byteRange(index)])
                }
            }
        }
    }
}
