import Foundation
import CCRC32C

/// CRC32C (Castagnoli), the checksum of every record, side-table entry, shard and side file.
///
/// The same function as `crc32c` in Python's `crc32c` package, Go's `crc32.Castagnoli` and
/// SSE4.2's `crc32` instruction: reflected polynomial 0x82F63B78, initial value and final XOR
/// 0xFFFFFFFF. CRC32C("123456789") == 0xE3069283.
public enum CRC32C {
    /// The CRC32C of `bytes`, continuing from the CRC of the bytes before them (0 to start).
    /// - Complexity: O(n); about 8 bytes per cycle with SSE4.2.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return t2i_crc32c_update(crc, base, bytes.count)
    }

    /// The CRC32C of a byte sequence held in contiguous storage.
    public static func checksum(_ bytes: some ContiguousBytes, continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// The table-driven path alone, to check it against the hardware path.
    public static func portableChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return t2i_crc32c_update_portable(crc, base, bytes.count)
    }

    /// Whether the SSE4.2 instruction is in use.
    public static var usesHardware: Bool { t2i_crc32c_hardware() != 0 }
}
