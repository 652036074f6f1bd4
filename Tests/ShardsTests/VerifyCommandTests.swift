import Foundation
import Shards
import TestSupport
import Testing

/// `t2i verify` through the real executable, on folders damaged in the ways disks and people do.
@Suite struct VerifyCommandTests {
    let synthetic = SyntheticShards(layout: SyntheticShards.small)

    func folder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("verify")
        try synthetic.write(Array(0..<10).map { $0 * 2 + 1 }, to: folder.path, recordsPerShard: 4)
        return folder
    }

    /// Runs `t2i verify` and expects exit status 1 and a `damaged:` line containing `message`.
    func expectDamage(_ folder: TemporaryDirectory, _ message: String,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try runT2I(["verify", folder.path])
        #expect(result.status == 1, sourceLocation: sourceLocation)
        #expect(result.stderr.contains("damaged: " + message), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func cleanFolderPasses() throws {
        let folder = try folder()
        let result = try runT2I(["verify", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ok, 10 records in 3 shards"))
    }

    @Test func flippedByteNamesShardRecordAndImage() throws {
        let folder = try folder()
        let layout = synthetic.layout
        try flipByte(in: folder.file("shard-00001.t2is"), at: ShardHeader.size + 2 * layout.recordSize + layout.tokensOffset + 3)
        let result = try runT2I(["verify", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("damaged: shard-00001.t2is record 2: checksum mismatch"), "\(result.stderr)")
        #expect(result.stderr.contains("stored image id 13"), "\(result.stderr)")
        #expect(result.stderr.contains("shard-00001.t2is: body checksum mismatch"))
        #expect(!result.stderr.contains("shard-00000.t2is"))
    }

    @Test func damagedSideTableEntryIsNamed() throws {
        let folder = try folder()
        let path = folder.file("shard-00002.t2is")
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        try flipByte(in: path, at: size - 3)  // inside the last record's metadata
        try expectDamage(folder, "shard-00002.t2is record 1: side-table entry checksum mismatch")
    }

    @Test func damagedHeaderIsNamed() throws {
        let folder = try folder()
        try flipByte(in: folder.file("shard-00000.t2is"), at: 16)
        try expectDamage(folder, "shard-00000.t2is: header checksum mismatch")
    }

    @Test func damagedEmbeddingTableIsNamed() throws {
        let folder = try folder()
        try flipByte(in: folder.file("embeddings.f16"), at: 41)
        try expectDamage(folder, "embeddings.f16: checksum mismatch")
    }

    @Test func truncatedShardIsNamed() throws {
        let folder = try folder()
        let path = folder.file("shard-00001.t2is")
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: UInt64(ShardHeader.size + 2 * synthetic.layout.recordSize + 10))
        try handle.close()
        let result = try runT2I(["verify", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("damaged: shard-00001.t2is: is \(ShardHeader.size + 2 * synthetic.layout.recordSize + 10) bytes"), "\(result.stderr)")
        #expect(result.stderr.contains("(truncated: records 2..<4 cut off)"), "\(result.stderr)")
    }

    @Test func deletedShardIsNamed() throws {
        let folder = try folder()
        try FileManager.default.removeItem(atPath: folder.file("shard-00002.t2is"))
        try expectDamage(folder, "shard-00002.t2is: is listed in manifest.json but missing")
    }

    @Test func strayShardIsNamed() throws {
        let folder = try folder()
        try FileManager.default.copyItem(atPath: folder.file("shard-00000.t2is"), toPath: folder.file("shard-00007.t2is"))
        try expectDamage(folder, "shard-00007.t2is: is not listed in manifest.json")
    }

    /// Edits a person might make to manifest.json, and the line that must catch each.
    static let manifestEdits: [(from: String, to: String, message: String)] = [
        ("\"records\" : 4", "\"records\" : 5", "shard-00000.t2is: manifest says 5 records, the shard header says 4"),
        ("\"word7\"", "\"seven\"", "manifest.json: vocabulary checksum mismatch"),
        ("\"seed\" : \"1\"", "\"seed\" : \"2\"", "manifest.json: configuration checksum mismatch"),
        ("\"recordCount\" : 10", "\"recordCount\" : 11", "manifest.json: recordCount is 11 but the shards listed hold 10"),
        ("\"format\" : \"t2i-shards\"", "\"format\" : \"other\"", "manifest.json: is format other version 1"),
        ("\"split\" : \"train\",", "", "manifest.json: cannot be parsed"),
    ]

    @Test(arguments: manifestEdits.indices)
    func editedManifestIsCaught(edit: Int) throws {
        let (from, to, message) = Self.manifestEdits[edit]
        let folder = try folder()
        let path = folder.file("manifest.json")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(from), "the manifest no longer contains \(from)")
        try text.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
        try expectDamage(folder, message)
    }

    @Test func missingManifestIsNamed() throws {
        let folder = try folder()
        try FileManager.default.removeItem(atPath: folder.file("manifest.json"))
        try expectDamage(folder, "manifest.json: is missing")
    }
}
