/// One shard file, memory-mapped, with its header checked: records are read in place.
///
/// Opening checks the header's own checksum and that the file is exactly as long as the header
/// says; `verify()` checks every byte. Sendable: the mapping is read-only.
public final class ShardFile: Sendable {
    public let path: String
    public let header: ShardHeader
    let mapping: _MappedFile

    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }
    public var count: Int { header.recordCount }
    public var layout: ShardLayout { header.layout }

    /// Maps `path` and checks its header and size.
    /// - Throws: `ShardError` naming the file: missing, not a shard, damaged header, truncated.
    public init(path: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let mapping: _MappedFile
        do { mapping = try _MappedFile(path: path) } catch let error as ShardError {
            throw ShardError(file: name, error.message)
        }
        let header = try ShardHeader(decoding: mapping.bytes, file: name)
        guard mapping.bytes.count == header.fileSize else {
            let size = mapping.bytes.count
            guard size < header.fileSize else {
                throw ShardError(file: name, "is \(size) bytes, its header says \(header.fileSize) (trailing bytes)")
            }
            let intact = (size - ShardHeader.size) / header.layout.recordSize
            let lost = intact < header.recordCount ? "records \(intact)..<\(header.recordCount) cut off" : "side table cut off"
            throw ShardError(file: name, "is \(size) bytes, its header says \(header.fileSize) (truncated: \(lost))")
        }
        self.path = path
        self.header = header
        self.mapping = mapping
    }

    /// The bytes of record `index`, checksum included.
    public func recordBytes(_ index: Int) -> UnsafeRawBufferPointer {
        precondition(index >= 0 && index < count, "record \(index) is outside 0..<\(count)")
        let start = ShardHeader.size + index * layout.recordSize
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<start + layout.recordSize])
    }

    /// Record `index` as a view over the mapping; `checked` recomputes its CRC32C first.
    /// - Throws: `ShardError` naming this file and the record when `checked` and the checksum fails.
    public func record(_ index: Int, checked: Bool = true) throws -> ShardRecordView {
        let view = ShardRecordView(file: self, bytes: recordBytes(index))
        if checked, let problem = view.checksumProblem { throw ShardError(file: name, record: index, problem) }
        return view
    }

    /// The side-table entry of record `index`: its metadata as a UTF-8 JSON object.
    /// - Throws: `ShardError` when the entry points outside the side table or its checksum fails.
    public func metadataBytes(_ index: Int) throws -> UnsafeRawBufferPointer {
        precondition(index >= 0 && index < count, "record \(index) is outside 0..<\(count)")
        let table = header.sideTableOffset
        let bytes = mapping.bytes
        let offset = Int(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: table + 16 * index, as: UInt64.self)))
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: table + 16 * index + 8, as: UInt32.self)))
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: table + 16 * index + 12, as: UInt32.self))
        let blob = table + 16 * count
        guard offset <= header.fileSize - blob, length <= header.fileSize - blob - offset else {
            throw ShardError(file: name, record: index, "side-table entry points outside the side table")
        }
        let entry = UnsafeRawBufferPointer(rebasing: bytes[blob + offset..<blob + offset + length])
        let computed = CRC32C.checksum(entry)
        guard computed == stored else {
            throw ShardError(file: name, record: index, "side-table entry checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }
        return entry
    }

    /// CRC32C of the body as it is on disk now (compare with `header.bodyChecksum`).
    /// - Complexity: O(file size).
    public func computeBodyChecksum() -> UInt32 {
        CRC32C.checksum(UnsafeRawBufferPointer(rebasing: mapping.bytes[ShardHeader.size...]))
    }

    /// Asks the kernel for more read-ahead before a front-to-back pass.
    public func adviseSequential() { mapping.adviseSequential() }
}
