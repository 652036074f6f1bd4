import CHDF5
import Foundation

/// A number type that HDF5 can convert a stored dataset into, whatever the stored width and sign.
public protocol HDF5Number: Numeric, Sendable {
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
        defer { H5Tclose(fileType) }
        type = HDF5DataType._describe(fileType)
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
                var failure: HDF5Error?
                let values = [T](unsafeUninitializedCapacity: count) { buffer, initialised in
                    if H5Dread(handle.id, T._memoryType(), memorySpace, fileSpace, chdf5_default(), buffer.baseAddress) < 0 {
                        failure = error("read rows \(rows.lowerBound)..<\(rows.upperBound)", _hdf5StackMessage())
                        buffer.initialize(repeating: 0)
                    }
                    initialised = count
                }
                if let failure { throw failure }
                return values
            }
        }
    }

    /// Reads `rows` (all when nil) of a string dataset, fixed-length (NUL- or space-padded) or
    /// variable-length, with trailing NULs and whitespace trimmed.
    public func readStrings(rows: Range<Int>? = nil) throws -> [String] {
        let rows = rows ?? 0..<rowCount
        guard case let .string(length) = type else {
            throw error("read", "stored type is \(type), expected strings")
        }
        return try HDF5Library.sync {
            try withRowSelection(rows) { memorySpace, fileSpace in
                let count = rows.count * rowWidth
                guard count > 0 else { return [] }
                let memoryType = H5Tcopy(chdf5_c_s1())
                defer { H5Tclose(memoryType) }
                if let length {
                    H5Tset_size(memoryType, length)
                    H5Tset_strpad(memoryType, H5T_STR_NULLPAD)
                    var bytes = [UInt8](repeating: 0, count: count * length)
                    guard H5Dread(handle.id, memoryType, memorySpace, fileSpace, chdf5_default(), &bytes) >= 0 else {
                        throw error("read strings", _hdf5StackMessage())
                    }
                    return (0..<count).map { index in
                        _trimmedString(bytes[(index * length)..<((index + 1) * length)])
                    }
                } else {
                    H5Tset_size(memoryType, chdf5_variable())
                    var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
                    guard H5Dread(handle.id, memoryType, memorySpace, fileSpace, chdf5_default(), &pointers) >= 0 else {
                        throw error("read strings", _hdf5StackMessage())
                    }
                    defer { H5Dvlen_reclaim(memoryType, memorySpace, chdf5_default(), &pointers) }
                    return pointers.map { pointer in
                        guard let pointer else { return "" }
                        let length = strlen(pointer)
                        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                            _trimmedString(UnsafeBufferPointer(start: $0, count: length))
                        }
                    }
                }
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
            // One memory compound of float64 members: HDF5 converts each member by its own type.
            let recordSize = members.count * 8
            let memoryType = H5Tcreate(H5T_COMPOUND, recordSize)
            guard memoryType >= 0 else { throw error("read compound", _hdf5StackMessage()) }
            defer { H5Tclose(memoryType) }
            for (index, member) in members.enumerated() {
                guard H5Tinsert(memoryType, member.name, index * 8, chdf5_native_double()) >= 0 else {
                    throw error("read compound", "member '\(member.name)': \(_hdf5StackMessage())")
                }
            }
            return try withRowSelection(rows) { memorySpace, fileSpace in
                var values = [Double](repeating: 0, count: rows.count * rowWidth * members.count)
                guard H5Dread(handle.id, memoryType, memorySpace, fileSpace, chdf5_default(), &values) >= 0 else {
                    throw error("read compound", _hdf5StackMessage())
                }
                return (0..<(rows.count * rowWidth)).map { record in
                    members.enumerated().map { index, member in
                        (member.name, values[record * members.count + index])
                    }
                }
            }
        }
    }
}

/// Decodes bytes up to the first NUL as UTF-8 and trims trailing whitespace.
func _trimmedString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
    var text = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    while let last = text.unicodeScalars.last, last.properties.isWhitespace {
        text.unicodeScalars.removeLast()
    }
    return text
}
