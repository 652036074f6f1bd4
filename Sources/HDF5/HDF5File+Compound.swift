import CHDF5
import Glibc

/// A compound dataset read whole: its shape, its stored type and its records.
public struct HDF5CompoundRead: Sendable {
    /// The extent of each dimension, outermost first.
    public let shape: [Int]
    /// The stored type; when it is not `.compound`, `records` is empty.
    public let type: HDF5DataType
    /// Every record as (member name, value) pairs in stored member order, numbers as Double.
    public let records: [[(name: String, value: Double)]]
}

extension HDF5File {
    /// Reads dataset `name` whole when it is a compound of numbers (any integer width or sign,
    /// float32 or float64), converting every member to Double.
    ///
    /// A contiguous compound of little-endian numbers (what h5py and MATLAB write) is described
    /// from its object header and read with one `pread`, without opening it through libhdf5,
    /// whose type copies cost milliseconds for a 1004-member compound (see `_ObjectHeader`).
    /// Anything else is opened and read through HDF5, converted as needed.
    /// - Returns: the shape, the stored type, and the records (none when the type is not compound).
    /// - Throws: `HDF5Error` naming the file and the dataset when it is missing, a member is not a
    ///   number, or the file ends inside the data.
    public func readCompound(_ name: String) throws -> HDF5CompoundRead {
        if let direct = try HDF5Library.sync({ try _directCompound(name) }) { return direct }
        let dataset = try dataset(name)
        guard case .compound = dataset.type else { return HDF5CompoundRead(shape: dataset.shape, type: dataset.type, records: []) }
        return HDF5CompoundRead(shape: dataset.shape, type: dataset.type, records: try dataset.readCompoundRecords())
    }

    /// The direct path of `readCompound`, or nil when the dataset is not that simple. Caller
    /// holds the library lock.
    func _directCompound(_ name: String) throws -> HDF5CompoundRead? {
        guard 1.littleEndian == 1, let header = _ObjectHeader.compound(name, in: self), header.littleEndian else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: header.dataLength)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, header.dataLength, off_t(header.dataOffset)) }
        guard got == header.dataLength else {
            throw HDF5Error(file: path, object: name, operation: "read compound", message: "the file ends inside the dataset (read \(got) of \(header.dataLength) bytes at offset \(header.dataOffset))")
        }
        let raw = _RawRecords(bytes: bytes, members: header.members, recordSize: header.recordSize)
        guard let records = raw.decoded(count: header.shape.reduce(1, *)) else { return nil }
        return HDF5CompoundRead(shape: header.shape, type: .compound(header.members), records: records)
    }
}
