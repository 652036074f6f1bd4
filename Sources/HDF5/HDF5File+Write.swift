import CHDF5
import Foundation

extension HDF5File {
    /// Writes a numeric dataset of `shape` from row-major `values`, stored little-endian as `T`.
    /// - Throws: `HDF5Error` when the dataset exists already or the write fails.
    public func write<T: HDF5Number>(_ name: String, shape: [Int], values: [T]) throws {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        try HDF5Library.sync {
            try createAndWrite(name, shape: shape, fileType: T._fileType()) { dataset in
                values.withUnsafeBytes { H5Dwrite(dataset, T._memoryType(), chdf5_all(), chdf5_all(), chdf5_default(), $0.baseAddress) }
            }
        }
    }

    /// Writes a one-dimensional string dataset: fixed-length NUL-padded strings of `fixedLength`
    /// bytes (longer values are an error), or variable-length strings when `fixedLength` is nil.
    public func writeStrings(_ name: String, values: [String], fixedLength: Int?) throws {
        try HDF5Library.sync {
            let fileType = H5Tcopy(chdf5_c_s1())
            defer { H5Tclose(fileType) }
            if let fixedLength {
                H5Tset_size(fileType, fixedLength)
                H5Tset_strpad(fileType, H5T_STR_NULLPAD)
                var bytes = [UInt8](repeating: 0, count: values.count * fixedLength)
                for (index, value) in values.enumerated() {
                    let utf8 = Array(value.utf8)
                    guard utf8.count <= fixedLength else {
                        throw HDF5Error(file: path, object: name, operation: "write", message: "string \(index) is \(utf8.count) bytes, longer than \(fixedLength)")
                    }
                    bytes.replaceSubrange((index * fixedLength)..<(index * fixedLength + utf8.count), with: utf8)
                }
                try createAndWrite(name, shape: [values.count], fileType: fileType) { dataset in
                    H5Dwrite(dataset, fileType, chdf5_all(), chdf5_all(), chdf5_default(), bytes)
                }
            } else {
                H5Tset_size(fileType, chdf5_variable())
                let cStrings = values.map { strdup($0) }
                defer { cStrings.forEach { free($0) } }
                var pointers = cStrings.map { UnsafePointer<CChar>($0) }
                try createAndWrite(name, shape: [values.count], fileType: fileType) { dataset in
                    H5Dwrite(dataset, fileType, chdf5_all(), chdf5_all(), chdf5_default(), &pointers)
                }
            }
        }
    }

    /// Writes a one-record compound dataset whose members are `members` in the given order, each
    /// stored as `T` (MATLAB writes float64; other writers use integers).
    public func writeCompoundRecord<T: HDF5Number>(_ name: String, members: [(name: String, value: T)]) throws {
        try HDF5Library.sync {
            let memberSize = MemoryLayout<T>.stride
            let fileType = H5Tcreate(H5T_COMPOUND, members.count * memberSize)
            guard fileType >= 0 else {
                throw HDF5Error(file: path, object: name, operation: "create compound", message: _hdf5StackMessage())
            }
            defer { H5Tclose(fileType) }
            for (index, member) in members.enumerated() {
                guard H5Tinsert(fileType, member.name, index * memberSize, T._fileType()) >= 0 else {
                    throw HDF5Error(file: path, object: name, operation: "create compound", message: "member '\(member.name)': \(_hdf5StackMessage())")
                }
            }
            let values = members.map(\.value)
            try createAndWrite(name, shape: [1], fileType: fileType) { dataset in
                values.withUnsafeBytes { H5Dwrite(dataset, fileType, chdf5_all(), chdf5_all(), chdf5_default(), $0.baseAddress) }
            }
        }
    }

    /// Creates dataset `name` and runs `write` on its identifier. Caller holds the library lock.
    private func createAndWrite(_ name: String, shape: [Int], fileType: hid_t, _ write: (hid_t) -> herr_t) throws {
        var dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        guard space >= 0 else {
            throw HDF5Error(file: path, object: name, operation: "create", message: _hdf5StackMessage())
        }
        defer { H5Sclose(space) }
        let dataset = H5Dcreate2(handle.id, name, fileType, space, chdf5_default(), chdf5_default(), chdf5_default())
        guard dataset >= 0 else {
            throw HDF5Error(file: path, object: name, operation: "create", message: _hdf5StackMessage())
        }
        defer { H5Dclose(dataset) }
        guard write(dataset) >= 0 else {
            throw HDF5Error(file: path, object: name, operation: "write", message: _hdf5StackMessage())
        }
    }

    /// Flushes everything written so far to disk.
    public func flush() throws {
        try HDF5Library.sync {
            guard H5Fflush(handle.id, H5F_SCOPE_GLOBAL) >= 0 else {
                throw HDF5Error(file: path, operation: "flush", message: _hdf5StackMessage())
            }
        }
    }
}
