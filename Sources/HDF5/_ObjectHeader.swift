import CHDF5
import Glibc

/// The three messages of a dataset's object header that say what a contiguous compound dataset
/// holds and where, read from the file's bytes (HDF5 file format specification, version 2/3,
/// sections IV.A.1 and IV.A.2).
///
/// Why: opening a compound dataset through libhdf5 1.10 copies its datatype twice (once in
/// `H5Dopen`, once in `H5Dget_type`), and each copy matches every member name against every
/// other with `strcmp`: about 3 ms for the 1004-member EEE443 vocabulary, a third of a whole
/// load. Only the simple layout every known writer uses is read here; anything else (shared or
/// committed types, non-numeric members, chunked, compact or external data, unknown versions)
/// gives nil and the caller opens the dataset through HDF5 as before.
struct _ObjectHeader {
    var shape: [Int] = []
    var members: [HDF5DataType.Member] = []
    var littleEndian = true
    var recordSize = 0
    /// Absolute file offset and byte length of the contiguous data.
    var dataOffset = 0
    var dataLength = 0

    /// Reads the header of dataset `name` in `file`; nil when it is not a simple contiguous
    /// compound of numbers. Caller holds the library lock.
    static func compound(_ name: String, in file: HDF5File) -> _ObjectHeader? {
        var info = H5O_info_t()
        guard H5Oget_info_by_name2(file.handle.id, name, &info, UInt32(H5O_INFO_BASIC), chdf5_default()) >= 0 else {
            H5Eclear2(chdf5_error_default())
            return nil
        }
        guard info.type == H5O_TYPE_DATASET, info.addr != chdf5_haddr_undef() else { return nil }
        let plist = H5Fget_create_plist(file.handle.id)
        guard plist >= 0 else { H5Eclear2(chdf5_error_default()); return nil }
        defer { H5Pclose(plist) }
        var userBlock: hsize_t = 0, sizeofAddress = 0, sizeofLength = 0
        guard H5Pget_userblock(plist, &userBlock) >= 0, H5Pget_sizes(plist, &sizeofAddress, &sizeofLength) >= 0,
              sizeofAddress == 8, sizeofLength == 8 else {
            H5Eclear2(chdf5_error_default())
            return nil
        }
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let reader = _FileBytes(descriptor: descriptor, base: Int(userBlock))
        guard let messages = reader.messages(at: Int(info.addr)) else { return nil }
        return _ObjectHeader(messages: messages, base: Int(userBlock))
    }

    /// Keeps the dataspace, datatype and layout; nil on anything this reader does not handle.
    init?(messages: [_Message], base: Int) {
        var seen = Set<UInt16>()
        for message in messages {
            switch message.type {
            case 0x0001:
                guard let shape = Self.dataspace(message.body) else { return nil }
                self.shape = shape
            case 0x0003:
                guard !message.shared else { return nil }
                var bytes = _Cursor(message.body)
                guard case let .compound(members)? = Self.datatype(&bytes, littleEndian: &littleEndian, recordSize: &recordSize),
                      !members.isEmpty else { return nil }
                self.members = members
            case 0x0008:
                guard let (address, length) = Self.contiguousLayout(message.body) else { return nil }
                dataOffset = base + address
                dataLength = length
            case 0x0007, 0x000B:
                return nil // external data files, filter pipeline
            default:
                continue
            }
            seen.insert(message.type)
        }
        guard seen.isSuperset(of: [0x0001, 0x0003, 0x0008]) else { return nil }
        guard dataLength == shape.reduce(1, *) * recordSize else { return nil }
    }

    /// Dataspace message, versions 1 and 2: the current dimensions.
    static func dataspace(_ body: [UInt8]) -> [Int]? {
        var bytes = _Cursor(body)
        guard let version = bytes.unsigned(1), let rank = bytes.unsigned(1), bytes.unsigned(1) != nil else { return nil }
        switch version {
        case 1: guard bytes.skip(5) else { return nil }
        case 2:
            guard let kind = bytes.unsigned(1), kind <= 1 else { return nil } // scalar or simple, not null
        default: return nil
        }
        var shape: [Int] = []
        for _ in 0..<rank {
            guard let extent = bytes.unsigned(8), extent <= UInt64(Int.max) else { return nil }
            shape.append(Int(extent))
        }
        return shape
    }

    /// Layout message, versions 3 and 4, contiguous class: data address and size.
    static func contiguousLayout(_ body: [UInt8]) -> (Int, Int)? {
        var bytes = _Cursor(body)
        guard let version = bytes.unsigned(1), version == 3 || version == 4, bytes.unsigned(1) == 1,
              let address = bytes.unsigned(8), address != UInt64.max, address <= UInt64(Int.max / 2),
              let length = bytes.unsigned(8), length <= UInt64(Int.max / 2) else { return nil }
        return (Int(address), Int(length))
    }

    /// Datatype message: fixed-point and floating-point numbers, and compounds of them (versions
    /// 1 to 3). Clears `littleEndian` for a big-endian number; sets `recordSize` to the type's size.
    static func datatype(_ bytes: inout _Cursor, littleEndian: inout Bool, recordSize: inout Int) -> HDF5DataType? {
        guard let head = bytes.unsigned(1), let bits = bytes.unsigned(3), let size = bytes.unsigned(4), size > 0 else { return nil }
        let version = head >> 4, typeClass = head & 0x0F
        recordSize = Int(size)
        switch typeClass {
        case 0: // fixed-point: byte order bit 0, sign bit 3; bit offset and precision
            guard bytes.skip(4) else { return nil }
            if bits & 0x01 != 0 { littleEndian = false }
            return .integer(signed: bits & 0x08 != 0, bytes: Int(size))
        case 1: // floating-point: byte order bits 0 and 6 (VAX order refused); 12 bytes of layout
            guard bits & 0x40 == 0, bytes.skip(12) else { return nil }
            if bits & 0x01 != 0 { littleEndian = false }
            return .float(bytes: Int(size))
        case 6:
            guard (1...3).contains(version) else { return nil }
            let count = Int(bits & 0xFFFF)
            let offsetBytes = size < 1 << 8 ? 1 : size < 1 << 16 ? 2 : size < 1 << 24 ? 3 : 4
            var members: [HDF5DataType.Member] = []
            members.reserveCapacity(count)
            for _ in 0..<count {
                guard let name = bytes.cString(paddedTo: version < 3 ? 8 : 1),
                      let offset = bytes.unsigned(version < 3 ? 4 : offsetBytes) else { return nil }
                if version == 1 {
                    // Dimensionality (array members are refused), reserved, permutation, sizes.
                    guard bytes.unsigned(1) == 0, bytes.skip(27) else { return nil }
                }
                var memberSize = 0
                guard let type = datatype(&bytes, littleEndian: &littleEndian, recordSize: &memberSize), type.isNumeric,
                      Int(offset) + memberSize <= Int(size) else { return nil }
                members.append(HDF5DataType.Member(name: name, type: type, offset: Int(offset)))
            }
            recordSize = Int(size)
            return .compound(members)
        default:
            return nil
        }
    }
}

/// One object header message: its type, whether it is shared (stored elsewhere), its body.
struct _Message {
    let type: UInt16
    let shared: Bool
    let body: [UInt8]
}

/// Reads object header chunks from a file descriptor, following continuation messages.
struct _FileBytes {
    let descriptor: Int32
    /// Where address 0 is in the file: the user block's size.
    let base: Int

    func read(_ count: Int, at address: Int) -> [UInt8]? {
        guard count >= 0, count <= 1 << 24 else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(base + address)) }
        return got == count ? bytes : nil
    }

    /// Every message of the object header at `address`, versions 1 and 2.
    func messages(at address: Int) -> [_Message]? {
        guard let prefix = read(16, at: address) else { return nil }
        var messages: [_Message] = []
        var pending: [(address: Int, length: Int)] = []
        if prefix[0] == 1 {
            var cursor = _Cursor(prefix)
            _ = cursor.skip(8)
            guard let length = cursor.unsigned(4) else { return nil }
            pending.append((address + 16, Int(length)))
            var chunks = 0
            while let (start, length) = pending.popLast() {
                chunks += 1
                guard chunks <= 64, let chunk = read(length, at: start) else { return nil }
                var bytes = _Cursor(chunk)
                while bytes.remaining >= 8 {
                    guard let type = bytes.unsigned(2), let size = bytes.unsigned(2), let flags = bytes.unsigned(1),
                          bytes.skip(3), let body = bytes.take(Int(size)) else { return nil }
                    if !Self.keep(UInt16(type), flags: flags, body: body, into: &messages, pending: &pending) { return nil }
                }
            }
        } else if prefix.starts(with: Array("OHDR".utf8)) && prefix[4] == 2 {
            let flags = prefix[5]
            let chunkStart = 6 + (flags & 0x20 != 0 ? 16 : 0) + (flags & 0x10 != 0 ? 4 : 0)
            let sizeBytes = 1 << Int(flags & 0x03)
            guard let head = read(chunkStart + sizeBytes, at: address) else { return nil }
            var cursor = _Cursor(head)
            _ = cursor.skip(chunkStart)
            guard let length = cursor.unsigned(sizeBytes) else { return nil }
            // Chunk 0's messages follow its size field (its checksum comes after the size); later
            // chunks, from continuation messages, are "OCHK", messages, then a 4-byte checksum.
            pending.append((address + chunkStart + sizeBytes, Int(length)))
            let headerSize = flags & 0x04 != 0 ? 6 : 4
            var chunks = 0
            while let (start, length) = pending.popLast() {
                chunks += 1
                guard chunks <= 64, let chunk = read(length, at: start) else { return nil }
                var bytes = _Cursor(chunk)
                var end = chunk.count
                if chunks > 1 {
                    guard chunk.starts(with: Array("OCHK".utf8)), bytes.skip(4), end >= 8 else { return nil }
                    end -= 4
                }
                while bytes.position + headerSize <= end {
                    guard let type = bytes.unsigned(1), let size = bytes.unsigned(2), let messageFlags = bytes.unsigned(1),
                          bytes.skip(headerSize - 4), let body = bytes.take(Int(size)) else { return nil }
                    if !Self.keep(UInt16(type), flags: messageFlags, body: body, into: &messages, pending: &pending) { return nil }
                }
            }
        } else {
            return nil
        }
        return messages
    }

    /// Files a message, or queues the chunk a continuation message points at. False when a
    /// continuation is malformed.
    static func keep(_ type: UInt16, flags: UInt64, body: [UInt8], into messages: inout [_Message],
                     pending: inout [(address: Int, length: Int)]) -> Bool {
        if type == 0x0010 {
            var cursor = _Cursor(body)
            guard let address = cursor.unsigned(8), address <= UInt64(Int.max / 2),
                  let length = cursor.unsigned(8), length <= 1 << 24 else { return false }
            pending.append((Int(address), Int(length)))
        } else if type != 0 {
            messages.append(_Message(type: type, shared: flags & 0x02 != 0, body: body))
        }
        return true
    }
}

/// A little-endian reader over bytes that returns nil instead of reading past the end.
struct _Cursor {
    let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    mutating func unsigned(_ count: Int) -> UInt64? {
        guard count <= 8, remaining >= count else { return nil }
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[position + index]) << (8 * index) }
        position += count
        return value
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        position += count
        return true
    }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, remaining >= count else { return nil }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// A NUL-terminated string, the whole field (NUL included) padded to a multiple of `padding`.
    mutating func cString(paddedTo padding: Int) -> String? {
        guard let end = bytes[position...].firstIndex(of: 0) else { return nil }
        let name = String(decoding: bytes[position..<end], as: UTF8.self)
        let field = (end + 1 - position + padding - 1) / padding * padding
        guard skip(field) else { return nil }
        return name
    }
}
