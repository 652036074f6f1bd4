import Foundation
import Shards
import Testing
import TestSupport

@Suite struct InputFileChecksumTests {
    /// Block-wise reading gives the CRC32C of the whole file, across block boundaries.
    @Test func blockwiseChecksumEqualsWholeFile() throws {
        let directory = try TemporaryDirectory("crc")
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(9 << 20) + 12_345).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = directory.file("input.bin")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try ShardManifest.InputFile.checksum(path: path, name: "input.bin")
        #expect(file.bytes == bytes.count)
        #expect(file.crc32c == CRC32C.checksum(bytes))
        #expect(file.path == "input.bin")
        #expect(throws: ShardError.self) { try ShardManifest.InputFile.checksum(path: directory.file("absent")) }
    }
}
