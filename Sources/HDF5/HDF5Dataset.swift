import CHDF5
import Foundation

/// A number type that HDF5 can convert a stored dataset into, whatever the stored width and sign.
public protocol HDF5Number: Numeric, Sendable, BitwiseCopyable {
    /// The native HDF5 memory type for this Swift type. Caller holds the library lock.
    static func _memoryType() -> hid_t
    /// The little-endian file type used when writing this Swift type.
    static func _fileType() -> hid_t
}

extension Int32: HDF5Number {
    public static func _memoryType() -> hid_t { chdf5_native_int32() }
    public static func _fileType() -> hid_t { chdf5_std_i32le() }
}
extension Int64: HDF5Number {
    public static func _memoryType() -> hid_t { chdf5_native_int64() }
    public static func _fileType() -> hid_t { chdf5_std_i64le() }
}
extension UInt16: HDF5Number {
    public static func _memoryType() -> hid_t { chdf5_native_ushort() }
    public static func _fileType() -> hid_t { chdf5_std_u16le() }
}
extension UInt8: HDF5Number {
    public static func _memoryType() -> hid_t { chdf5_native_uchar() }
    public static func _fileType() -> hid_t { chdf5_std_u8le() }
}
extension Float: HDF5Number {
    public static func _memoryType() -> hid_t { chdf5_native_float() }
    public static func _fileType() -> hid_t { chdf5_ieee_f32le() }
}
extension Double: HDF5Number {
    public static func _memoryType() -> hid_t { chdf5_native_double() }
    public static func _fileType() -> hid_t { chdf5_ieee_f64le() }
}

/// An open dataset: its shape, its stored type, and reads of whole rows by hyperslab, so that
/// memory follows the rows asked for rather than the size of the file.
public final class HDF5Dataset: @unchecked Sendable {
    public let file: HDF5File
    public let name: String
    /// The extent of each dimension, outermost first.
    public let shape: [Int]
    /// The stored type, as the writer chose it.
    public let type: HDF5DataType
    let handle: _HDF5Handle
    /// The stored datatype, kept open: reading into the file's own type skips HDF5's conversion path.
    let fileType: _HDF5Handle
    /// Whether every number in the stored type (compound members included) is little-endian.
    let numbersLittleEndian: Bool

    /// Caller holds the library lock.
    init(file: HDF5File, name: String, id: hid_t) throws {
        self.file = file
        self.name = name
        self.handle = _HDF5Handle(id, close: H5Dclose)
        let space = H5Dget_space(id)
        guard space >= 0 else {
            throw HDF5Error(file: file.path, object: name, operation: "read shape", message: _hdf5StackMessage())
        }
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank >= 0 else {
            throw HDF5Error(file: file.path, object: name, operation: "read shape", message: _hdf5StackMessage())
        }
        var dims = [hsize_t](repeating: 0, count: rank)
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        shape = dims.map { Int($0) }
        let fileType = H5Dget_type(id)
        guard fileType >= 0 else {
            throw HDF5Error(file: file.path, object: name, operation: "read type", message: _hdf5StackMessage())
        }
        self.fileType = _HDF5Handle(fileType, close: H5Tclose)
        var littleEndian = true
        type = HDF5DataType._describe(fileType, littleEndian: &littleEndian)
        numbersLittleEndian = littleEndian
    }

    /// Number of rows (the outermost dimension; 1 for a scalar).
    public var rowCount: Int { shape.first ?? 1 }
    /// Elements in one row (product of the inner dimensions).
    public var rowWidth: Int { shape.dropFirst().reduce(1, *) }

    func error(_ operation: String, _ message: String) -> HDF5Error {
        HDF5Error(file: file.path, object: name, operation: operation, message: message)
    }

    /// Runs `body` with file and memory dataspaces selecting `rows`. Caller holds the library lock.
    func withRowSelection<T>(_ rows: Range<Int>, _ body: (_ memorySpace: hid_t, _ fileSpace: hid_t) throws -> T) throws -> T {
        guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
            throw error("read rows \(rows.lowerBound)..<\(rows.upperBound)", "out of range: the dataset has \(rowCount) rows")
        }
        // The whole dataset: H5S_ALL lets HDF5 take its direct path for contiguous data.
        if rows == 0..<rowCount { return try body(chdf5_all(), chdf5_all()) }
        let fileSpace = H5Dget_space(handle.id)
        guard fileSpace >= 0 else { throw error("select rows", _hdf5StackMessage()) }
        defer { H5Sclose(fileSpace) }
        var start = [hsize_t](repeating: 0, count: max(shape.count, 1))
        var count = shape.isEmpty ? [hsize_t(1)] : shape.map { hsize_t($0) }
        if !shape.isEmpty {
            start[0] = hsize_t(rows.lowerBound)
            count[0] = hsize_t(rows.count)
            guard H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil) >= 0 else {
                throw error("select rows", _hdf5StackMessage())
            }
        }
        let memorySpace = H5Screate_simple(Int32(count.count), &count, nil)
        guard memorySpace >= 0 else { throw error("select rows", _hdf5StackMessage()) }
        defer { H5Sclose(memorySpace) }
        return try body(memorySpace, fileSpace)
    }

    /// Reads `rows` (all rows when nil) as `T`, letting HDF5 convert from the stored width and sign.
    /// - Returns: row-major values, `rows.count * rowWidth` of them.
    /// - Throws: `HDF5Error` when the stored type is not numeric or the read fails.
    /// - Complexity: O(rows.count * rowWidth); only the selected rows are read from disk.
    public func read<T: HDF5Number>(_: T.Type = T.self, rows: Range<Int>? = nil) throws -> [T] {
        let rows = rows ?? 0..<rowCount
        guard type.isNumeric else {
            throw error("read", "stored type is \(type), expected numbers")
        }
        return try HDF5Library.sync {
            try withRowSelection(rows) { memorySpace, fileSpace in
                let count = rows.count * rowWidth
                guard count > 0 else { return [] }
                // Stored in this host's own type: HDF5 reads straight into the array, no conversion.
                let memoryType = H5Tequal(fileType.id, T._memoryType()) > 0 ? fileType.id : T._memoryType()
                return try [T](_fillingFresh: count) { buffer in
                    guard H5Dread(handle.id, memoryType, memorySpace, fileSpace, chdf5_default(), buffer.baseAddress) >= 0 else {
                        throw error("read rows \(rows.lowerBound)..<\(rows.upperBound)", _hdf5StackMessage())
                    }
                }
            }
        }
    }

    /// Reads `rows` (all when nil) of a string dataset, fixed-length (NUL- or space-padded) or
    /// variable-length, with trailing NULs and whitespace trimmed.
    public func readStrings(rows: Range<Int>? = nil) throws -> [String] {
        Array(try readStringTable(rows: rows))
    }

    /// Reads strings into one byte table without building a String per row: fixed-length records
    /// as stored (trimmed when read), variable-length ones packed and trimmed.
    /// - Complexity: O(bytes read); one or two allocations whatever the number of rows.
    public func readStringTable(rows: Range<Int>? = nil) throws -> StringTable {
        let rows = rows ?? 0..<rowCount
        guard case let .string(length) = type else {
            throw error("read", "stored type is \(type), expected strings")
        }
        return try HDF5Library.sync {
            try withRowSelection(rows) { memorySpace, fileSpace in
                let count = rows.count * rowWidth
                guard count > 0 else { return StringTable() }
                if let length {
                    // In the stored type itself (NUL- or space-padded, any charset): no conversion;
                    // StringTable trims each record when it is read.
                    let bytes = try [UInt8](_fillingFresh: count * length) { buffer in
                        guard H5Dread(handle.id, fileType.id, memorySpace, fileSpace, chdf5_default(), buffer.baseAddress) >= 0 else {
                            throw error("read strings", _hdf5StackMessage())
                        }
                    }
                    return StringTable(fixedWidth: length, count: count, bytes: bytes)
                }
                let memoryType = H5Tcopy(chdf5_c_s1())
                guard memoryType >= 0 else { throw error("read strings", _hdf5StackMessage()) }
                defer { H5Tclose(memoryType) }
                guard H5Tset_size(memoryType, chdf5_variable()) >= 0 else { throw error("read strings", _hdf5StackMessage()) }
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
                guard H5Dread(handle.id, memoryType, memorySpace, fileSpace, chdf5_default(), &pointers) >= 0 else {
                    throw error("read strings", _hdf5StackMessage())
                }
                // Reclaim needs a real dataspace describing the buffer, not H5S_ALL.
                var extent = [hsize_t(count)]
                let reclaimSpace = H5Screate_simple(1, &extent, nil)
                defer {
                    if reclaimSpace >= 0 {
                        H5Dvlen_reclaim(memoryType, reclaimSpace, chdf5_default(), &pointers)
                        H5Sclose(reclaimSpace)
                    }
                }
                var table = StringTable()
                for pointer in pointers {
                    guard let pointer else { table.append(UnsafeBufferPointer(start: nil, count: 0)); continue }
                    let length = strlen(pointer)
                    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                        table.append(UnsafeBufferPointer(start: $0, count: length))
                    }
                }
                return table
            }
        }
    }

    /// Reads a compound dataset's records as (member name, value) pairs in stored member order,
    /// converting every numeric member (any integer width or sign, float32 or float64) to Double.
    /// - Throws: `HDF5Error` when the type is not compound or a member is not numeric.
    public func readCompoundRecords(rows: Range<Int>? = nil) throws -> [[(name: String, value: Double)]] {
        let rows = rows ?? 0..<rowCount
        guard case let .compound(members) = type else {
            throw error("read", "stored type is \(type), expected a compound record")
        }
        if let bad = members.first(where: { !$0.type.isNumeric }) {
            throw error("read", "compound member '\(bad.name)' is \(bad.type), expected a number")
        }
        return try HDF5Library.sync {
            let raw = try _rawContiguousBytes(rows: rows) ?? readConverted(rows: rows)
            guard let records = raw.decoded(count: rows.count * rowWidth) else {
                throw error("read compound", "a member is not a number")
            }
            return records
        }
    }

    /// Reads the selected records of a contiguous, little-endian dataset straight from the file.
    ///
    /// HDF5's compound conversion matches members by name and takes tens of milliseconds for the
    /// 1004-member vocabulary, even between identical types. Returns nil (use `H5Dread`) when the
    /// data is chunked, compact, or not stored in this host's byte order. Caller holds the lock.
    func _rawContiguousBytes(rows: Range<Int>) throws -> _RawRecords? {
        guard case let .compound(members) = type, numbersLittleEndian, 1.littleEndian == 1 else { return nil }
        let recordSize = Int(H5Tget_size(fileType.id))
        guard let address = _contiguousAddress(elementSize: recordSize) else { return nil }
        let start = address + rows.lowerBound * rowWidth * recordSize
        let count = rows.count * rowWidth * recordSize
        let descriptor = open(file.path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(start)) }
        guard got == count else {
            throw error("read compound", "the file ends inside the dataset (read \(got) of \(count) bytes at offset \(start))")
        }
        return _RawRecords(bytes: bytes, members: members, recordSize: recordSize)
    }

    /// Reads the selected records through HDF5, converted to the native layout. Caller holds the lock.
    private func readConverted(rows: Range<Int>) throws -> _RawRecords {
        let memoryType = H5Tget_native_type(fileType.id, H5T_DIR_ASCEND)
        guard memoryType >= 0 else { throw error("read compound", _hdf5StackMessage()) }
        defer { H5Tclose(memoryType) }
        guard case let .compound(members) = HDF5DataType._describe(memoryType) else {
            throw error("read compound", "native type is not compound")
        }
        let size = Int(H5Tget_size(memoryType))
        return try withRowSelection(rows) { memorySpace, fileSpace in
            var bytes = [UInt8](repeating: 0, count: rows.count * rowWidth * size)
            guard H5Dread(handle.id, memoryType, memorySpace, fileSpace, chdf5_default(), &bytes) >= 0 else {
                throw error("read compound", _hdf5StackMessage())
            }
            return _RawRecords(bytes: bytes, members: members, recordSize: size)
        }
    }
}

/// Compound records as bytes, with where each member sits in a record.
struct _RawRecords {
    let bytes: [UInt8]
    let members: [HDF5DataType.Member]
    let recordSize: Int

    /// The first `count` records as (member name, value) pairs; nil when a member is not a
    /// native-endian number or the bytes are too short.
    func decoded(count: Int) -> [[(name: String, value: Double)]]? {
        guard bytes.count >= count * recordSize else { return nil }
        return bytes.withUnsafeBytes { bytes in
            var records: [[(name: String, value: Double)]] = []
            records.reserveCapacity(count)
            for record in 0..<count {
                var values: [(name: String, value: Double)] = []
                values.reserveCapacity(members.count)
                for member in members {
                    guard let value = _numberValue(bytes, at: record * recordSize + member.offset, type: member.type) else { return nil }
                    values.append((member.name, value))
                }
                records.append(values)
            }
            return records
        }
    }
}

/// Reads one native-endian number of `type` at byte `offset` as Double.
func _numberValue(_ bytes: UnsafeRawBufferPointer, at offset: Int, type: HDF5DataType) -> Double? {
    switch type {
    case .integer(true, 1): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Int8.self))
    case .integer(false, 1): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: UInt8.self))
    case .integer(true, 2): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self))
    case .integer(false, 2): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    case .integer(true, 4): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    case .integer(false, 4): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    case .integer(true, 8): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    case .integer(false, 8): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    case .float(4): return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Float.self))
    case .float(8): return bytes.loadUnaligned(fromByteOffset: offset, as: Double.self)
    default: return nil
    }
}
