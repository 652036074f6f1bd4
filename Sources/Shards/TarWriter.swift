/// Writes a POSIX ustar archive: regular files only, as WebDataset expects.
/// Not Sendable: one exporter owns it.
final class _TarWriter {
    private let file: _FileDescriptor
    let path: String

    init(path: String) throws {
        self.path = path
        file = try _FileDescriptor(creating: path)
    }

    /// Appends one file member.
    func add(name: String, contents: [UInt8]) throws {
        precondition(name.utf8.count < 100, "tar member names stay under 100 bytes")
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int, width: Int) -> String { padded(value, width: width - 1, radix: 8) }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)   // mode
        put(octal(0, width: 8), at: 108)       // uid
        put(octal(0, width: 8), at: 116)       // gid
        put(octal(contents.count, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)      // mtime: fixed, so exports are reproducible
        put("        ", at: 148)               // checksum field counts as spaces
        header[156] = UInt8(ascii: "0")        // regular file
        put("ustar\u{0}00", at: 257)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + "\u{0} ", at: 148)
        try header.withUnsafeBytes { try file.write($0) }
        try contents.withUnsafeBytes { try file.write($0) }
        let padding = (512 - contents.count % 512) % 512
        if padding > 0 { try [UInt8](repeating: 0, count: padding).withUnsafeBytes { try file.write($0) } }
    }

    /// Writes the two zero blocks that end an archive and syncs the file.
    func finish() throws {
        try [UInt8](repeating: 0, count: 1024).withUnsafeBytes { try file.write($0) }
        try file.sync()
    }
}
