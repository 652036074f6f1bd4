import Foundation
import Shards
import TestSupport
import Testing

/// A run that stops part-way (as after a crash) and a second run with `resume: true`.
@Suite struct ShardResumeTests {
    let synthetic = SyntheticShards(layout: SyntheticShards.small)
    let plan: [UInt64] = Array(1...20)
    let written: Set<UInt64> = [1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 15, 17, 18, 19]

    /// Adds or skips each planned id in a fixed shuffled order, stopping after `limit` of them.
    func feed(_ writer: ShardWriter, limit: Int) throws {
        var random = SplitMix64(seed: 3)
        for id in plan.shuffled(using: &random).prefix(limit) {
            if written.contains(id) { try writer.add(synthetic.record(id)) } else { try writer.skip(imageID: id) }
        }
    }

    func contents(_ folder: TemporaryDirectory) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            result[name] = FileManager.default.contents(atPath: folder.file(name))
        }
        return result
    }

    func uninterrupted() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("resume")
        let writer = try synthetic.writer(folder.path, recordsPerShard: 3, plan: plan)
        try feed(writer, limit: plan.count)
        try synthetic.finish(writer)
        return folder
    }

    /// A folder left by a run that settled only some of its images.
    func interrupted(after limit: Int) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("resume")
        let writer = try synthetic.writer(folder.path, recordsPerShard: 3, plan: plan)
        try feed(writer, limit: limit)
        return folder  // the writer is dropped without finish, as a crash would leave it
    }

    @Test func resumedRunKeepsFullShardsAndMatchesAnUninterruptedOne() throws {
        let reference = try contents(uninterrupted())
        let folder = try interrupted(after: 16)
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("shard-") }.sorted()
        #expect(before.count >= 2)
        let kept = FileManager.default.contents(atPath: folder.file("shard-00000.t2is"))

        let writer = try synthetic.writer(folder.path, recordsPerShard: 3, plan: plan, resume: true)
        let resumed = try #require(writer.resumedThrough)
        // The kept shards end at a record boundary: every third written id.
        let keptIDs = written.sorted().filter { $0 <= resumed }
        #expect(keptIDs.count == 3 * before.count)
        try feed(writer, limit: plan.count)  // replays everything; ids up to `resumed` are ignored
        try synthetic.finish(writer)
        #expect(try contents(folder) == reference)
        #expect(FileManager.default.contents(atPath: folder.file("shard-00000.t2is")) == kept)
        #expect(ShardVerifier.verify(directory: folder.path).isClean)
    }

    @Test func changedConfigurationStartsAfresh() throws {
        let folder = try interrupted(after: 16)
        let writer = try synthetic.writer(folder.path, recordsPerShard: 3, plan: plan, resume: true,
                                          configuration: ["imageSize": "6", "seed": "2"])
        #expect(writer.resumedThrough == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [".writer-run"])
    }

    @Test func damagedShardEndsTheKeptPrefix() throws {
        let folder = try interrupted(after: 18)
        try flipByte(in: folder.file("shard-00001.t2is"), at: ShardHeader.size + 5)
        let writer = try synthetic.writer(folder.path, recordsPerShard: 3, plan: plan, resume: true)
        #expect(writer.resumedThrough == written.sorted()[2])
        #expect(!FileManager.default.fileExists(atPath: folder.file("shard-00001.t2is")))
        try feed(writer, limit: plan.count)
        try synthetic.finish(writer)
        #expect(try contents(folder) == contents(uninterrupted()))
    }

    @Test func withoutResumeEverythingIsRewritten() throws {
        let folder = try interrupted(after: 16)
        let writer = try synthetic.writer(folder.path, recordsPerShard: 3, plan: plan)
        #expect(writer.resumedThrough == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [".writer-run"])
    }
}
