import Foundation
import HDF5
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// HDF5 1.10 takes an advisory `flock` on every file it opens unless told not to. In a test run
/// (and in any multi-threaded program that starts child processes) a child can inherit a
/// descriptor of a file being written and keep its lock after the writer closes it; opening the
/// file then failed with "unable to lock file, errno = 11". t2i opens and creates files without
/// the lock (see `HDF5File`), so another holder of a lock cannot make it fail.
@Suite struct FileLockTests {
    /// Holds an exclusive `flock` on `path` through a descriptor of its own, as an inherited
    /// descriptor in a child process would, while `body` runs.
    func whileLockedElsewhere(_ path: String, _ body: () throws -> Void) throws {
        let descriptor = open(path, O_RDWR)
        try #require(descriptor >= 0, "open \(path): errno \(errno)")
        defer { close(descriptor) }
        try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0, "flock \(path): errno \(errno)")
        try body()
    }

    @Test func readsAFileLockedByAnotherDescriptor() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("locked.h5")
        do { try HDF5File(creating: path).write("ints", shape: [3], values: [Int32(7), 8, 9]) }
        try whileLockedElsewhere(path) {
            let file = try HDF5File(readingFrom: path)
            #expect(try file.dataset("ints").read(Int32.self) == [7, 8, 9])
        }
    }

    @Test func createsOverAFileLockedByAnotherDescriptor() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("rewritten.h5")
        do { try HDF5File(creating: path).write("old", shape: [1], values: [Int32(1)]) }
        try whileLockedElsewhere(path) {
            do { try HDF5File(creating: path).write("new", shape: [2], values: [Float(0.5), 2]) }
            #expect(try HDF5File(readingFrom: path).rootNames() == ["new"])
        }
    }

    /// The libhdf5 lock is what the two tests above get around: h5py, which takes it, still fails
    /// on the same file, so the tests hold a real lock.
    @Test func h5pyStillHonoursTheLock() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("locked.h5")
        do { try HDF5File(creating: path).write("ints", shape: [1], values: [Int32(1)]) }
        try whileLockedElsewhere(path) {
            let result = try runProcess(pythonExecutable, ["-c", "import h5py, sys; h5py.File(sys.argv[1], 'r')", path],
                                        environment: ["HDF5_USE_FILE_LOCKING": "TRUE"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("lock"), "\(result.stderr)")
        }
    }
}
