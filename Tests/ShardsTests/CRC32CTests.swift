import Foundation
import Shards
import TestSupport
import Testing

@Suite struct CRC32CTests {
    @Test func knownVector() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // RFC 3720 B.4: 32 zero bytes.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 63, 1000, 4099])
    func hardwareAndTableAgree(length: Int) {
        var random = SplitMix64(seed: UInt64(length))
        let bytes = (0..<length + 3).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        bytes.withUnsafeBytes { raw in
            for start in 0..<3 {  // unaligned starts exercise the byte-wise heads
                let slice = UnsafeRawBufferPointer(rebasing: raw[start..<start + length])
                #expect(CRC32C.checksum(slice) == CRC32C.portableChecksum(slice))
            }
        }
    }

    @Test func continuingEqualsWhole() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        let whole = CRC32C.checksum(bytes)
        let split = CRC32C.checksum(Array(bytes[20...]), continuing: CRC32C.checksum(Array(bytes[..<20])))
        #expect(whole == split)
        #expect(whole == 0x2262_0404)
    }
}

@Suite struct InputFileTests {
    @Test func checksumOfAFile() throws {
        let folder = try TemporaryDirectory("inputs")
        try "123456789".write(toFile: folder.file("digits.txt"), atomically: true, encoding: .utf8)
        let input = try ShardManifest.InputFile.checksum(path: folder.file("digits.txt"), name: "digits.txt")
        #expect(input == ShardManifest.InputFile(path: "digits.txt", bytes: 9, crc32c: 0xE306_9283))
        try Data().write(to: folder.url.appendingPathComponent("empty"))
        #expect(try ShardManifest.InputFile.checksum(path: folder.file("empty")).crc32c == 0)
        let missing = #expect(throws: ShardError.self) { try ShardManifest.InputFile.checksum(path: folder.file("nope")) }
        #expect(missing?.description.contains("cannot open") == true)
    }
}
