import CHDF5
import Foundation

/// An open HDF5 file.
///
/// Not Sendable by design of its users' code paths, but safe to share: every call into libhdf5 is
/// serialised by `HDF5Library.sync`.
///
/// Files are opened and created without HDF5's advisory file lock (h5py's `locking=False`). t2i
/// reads input files it never writes, and writes only fresh files of its own that nothing reads
/// before they are closed. The lock only ever made opens fail: on file systems without `flock`
/// (NFS, Lustre: errno 38), and whenever another open file description of the same file holds a
/// lock, such as a child process started at that moment that inherited the descriptor (errno 11).
public final class HDF5File: @unchecked Sendable {
    /// The path the file was opened with.
    public let path: String
    let handle: _HDF5Handle

    /// Opens an existing file read-only.
    /// - Throws: `HDF5Error` naming the file when it is missing, unreadable, not HDF5 or damaged.
    public init(readingFrom path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw HDF5Error(file: path, operation: "open", message: "no such file")
        }
        let id: hid_t = try HDF5Library.sync {
            let signature = H5Fis_hdf5(path)
            if signature == 0 {
                throw HDF5Error(file: path, operation: "open", message: "not an HDF5 file (no HDF5 signature)")
            }
            let (id, failure) = try Self.withUnlockedAccess(path, "open") { H5Fopen(path, chdf5_acc_rdonly(), $0) }
            if let failure {
                throw HDF5Error(file: path, operation: "open", message: "\(failure) (truncated or damaged file?)")
            }
            return id
        }
        handle = _HDF5Handle(id, close: H5Fclose)
    }

    /// Creates a new file, replacing any file at `path`.
    public init(creating path: String) throws {
        self.path = path
        let id: hid_t = try HDF5Library.sync {
            let (id, failure) = try Self.withUnlockedAccess(path, "create") { H5Fcreate(path, chdf5_acc_trunc(), chdf5_default(), $0) }
            if let failure { throw HDF5Error(file: path, operation: "create", message: failure) }
            return id
        }
        handle = _HDF5Handle(id, close: H5Fclose)
    }

    /// Runs `body` with a file-access property list that takes no file lock, and closes the list.
    /// Returns `body`'s identifier and, when it is negative, HDF5's error stack, read before the
    /// close (every HDF5 call, `H5Pclose` too, clears the stack). Call inside `HDF5Library.sync`.
    private static func withUnlockedAccess(_ path: String, _ operation: String,
                                           _ body: (hid_t) -> hid_t) throws -> (id: hid_t, failure: String?) {
        let access = chdf5_file_access_unlocked()
        guard access >= 0 else {
            throw HDF5Error(file: path, operation: operation, message: "cannot make a file-access property list: \(_hdf5StackMessage())")
        }
        defer { if access != chdf5_default() { H5Pclose(access) } }
        let id = body(access)
        return (id, id < 0 ? _hdf5StackMessage() : nil)
    }

    /// The names of the objects at the root of the file, in the file's name order.
    public func rootNames() throws -> [String] {
        try HDF5Library.sync {
            final class Box { var names: [String] = [] }
            let box = Box()
            let visit: H5L_iterate_t = { _, name, _, context in
                guard let name, let context else { return 0 }
                Unmanaged<Box>.fromOpaque(context).takeUnretainedValue().names.append(String(cString: name))
                return 0
            }
            var index: hsize_t = 0
            let status = withExtendedLifetime(box) {
                H5Literate(handle.id, H5_INDEX_NAME, H5_ITER_INC, &index, visit, Unmanaged.passUnretained(box).toOpaque())
            }
            if status < 0 {
                throw HDF5Error(file: path, operation: "list root", message: _hdf5StackMessage())
            }
            return box.names
        }
    }

    /// Whether a link of this name exists at the root.
    public func contains(_ name: String) -> Bool {
        HDF5Library.sync { H5Lexists(handle.id, name, chdf5_default()) > 0 }
    }

    /// Opens the dataset `name`.
    /// - Throws: `HDF5Error` naming the file and the dataset when it is missing or unreadable.
    public func dataset(_ name: String) throws -> HDF5Dataset {
        try HDF5Library.sync {
            guard H5Lexists(handle.id, name, chdf5_default()) > 0 else {
                H5Eclear2(chdf5_error_default())
                throw HDF5Error(file: path, object: name, operation: "open", message: "dataset is missing")
            }
            let id = H5Dopen2(handle.id, name, chdf5_default())
            if id < 0 {
                throw HDF5Error(file: path, object: name, operation: "open", message: _hdf5StackMessage())
            }
            return try HDF5Dataset(file: self, name: name, id: id)
        }
    }
}
