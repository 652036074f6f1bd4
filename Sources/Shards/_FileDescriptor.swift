#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor with checked writes, closed in deinit.
/// Not Sendable: one writer owns it.
final class _FileDescriptor {
    let fd: Int32
    let path: String

    /// Creates (or empties) `path` for writing.
    init(creating path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ShardError(file: path, "cannot create: \(errnoText())") }
        self.fd = fd
        self.path = path
    }

    /// Opens `path` read-only.
    init(reading path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ShardError(file: path, "cannot open: \(errnoText())") }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Writes all of `bytes` at the current position, retrying short writes.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ShardError(file: path, "write failed: \(errnoText())") }
            done += n
        }
    }

    /// Writes all of `bytes` at `offset` without moving the file position.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ShardError(file: path, "write failed: \(errnoText())") }
            done += n
        }
    }

    func sync() throws {
        guard fsync(fd) == 0 else { throw ShardError(file: path, "fsync failed: \(errnoText())") }
    }

    var size: Int {
        get throws {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw ShardError(file: path, "stat failed: \(errnoText())") }
            return Int(info.st_size)
        }
    }
}

/// The text of the current `errno`.
func errnoText() -> String { String(cString: strerror(errno)) }

/// Makes a finished file visible under its final name: the caller has written and synced
/// `temporary`; this renames it over `final` and syncs the folder so the rename survives a crash.
func publish(_ temporary: String, as final: String, in directory: String) throws {
    guard rename(temporary, final) == 0 else { throw ShardError(file: final, "cannot rename from \(temporary): \(errnoText())") }
    try syncDirectory(directory)
}

/// fsync on a folder, which makes renames and deletions in it durable.
func syncDirectory(_ directory: String) throws {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw ShardError(file: directory, "cannot open folder: \(errnoText())") }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw ShardError(file: directory, "fsync failed: \(errnoText())") }
}

/// Writes `bytes` to `directory/name` atomically: temporary name, fsync, rename, fsync folder.
func writeAtomically(_ bytes: [UInt8], name: String, in directory: String) throws {
    let final = directory + "/" + name
    let temporary = directory + "/." + name + ".partial"
    do {
        let file = try _FileDescriptor(creating: temporary)
        try bytes.withUnsafeBytes { try file.write($0) }
        try file.sync()
    }
    try publish(temporary, as: final, in: directory)
}
