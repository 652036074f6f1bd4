import Foundation
import Shards
import TestSupport
import Testing

@Suite struct ShardRoundTripTests {
    let synthetic = SyntheticShards(layout: SyntheticShards.small)

    @Test func defaultLayoutFitsTheBudget() {
        let layout = ShardLayout()
        #expect(layout.pixelCount == 12_288)
        #expect(layout.recordSize == 12_992)
        #expect(layout.recordSize - layout.pixelCount < 4096)
    }

    @Test func everyFieldReadsBack() throws {
        let folder = try TemporaryDirectory("shards")
        let ids: [UInt64] = [3, 5, 8, 13, 21, 34, 55, 89, 144, 233]
        let manifest = try synthetic.write(ids, to: folder.path, recordsPerShard: 4)
        #expect(manifest.shards.map(\.records) == [4, 4, 2])
        #expect(manifest.recordCount == 10)
        let dataset = try ShardDataset(directory: folder.path)
        #expect(dataset.count == 10)
        #expect(dataset.manifest == manifest)
        for (index, id) in ids.enumerated() {
            let expected = synthetic.record(id)
            let record = try dataset.record(index)
            #expect(record.imageID == id)
            #expect(Array(record.pixels) == expected.pixels)
            #expect(record.captionCount == expected.captions.count)
            for slot in 0..<synthetic.layout.maxCaptions {
                if slot < expected.captions.count {
                    #expect(record.tokens(caption: slot) == expected.captions[slot].tokens)
                    let mean = record.meanEncoding(caption: slot)
                    #expect(mean == expected.captions[slot].meanEncoding.map { Float(Float16($0)) })
                } else {
                    #expect(record.tokens(caption: slot).allSatisfy { $0 == 0 })
                }
            }
            #expect(try dataset.metadata(index) == expected.metadata)
        }
    }

    @Test func concatenatedEncodingComesFromTheTable() throws {
        let folder = try TemporaryDirectory("shards")
        try synthetic.write([1, 2, 3], to: folder.path, recordsPerShard: 8)
        let dataset = try ShardDataset(directory: folder.path)
        let record = try dataset.record(2)
        let tokens = record.tokens(caption: 0)
        let concatenated = dataset.concatenatedEncoding(record, caption: 0)
        let dimension = synthetic.layout.embeddingDimension
        #expect(concatenated.count == synthetic.layout.encoderTokens * dimension)
        for t in 0..<synthetic.layout.encoderTokens {
            let id = Int(tokens[t + 1])
            let slot = Array(concatenated[t * dimension..<(t + 1) * dimension])
            if id == 0 || id == 2 {
                #expect(slot.allSatisfy { $0 == 0 })
            } else {
                #expect(slot == synthetic.embeddings[id * dimension..<(id + 1) * dimension].map { Float(Float16($0)) })
            }
        }
        #expect(dataset.words(record, caption: 0).count == tokens.dropFirst().prefix { $0 != 2 }.count)
    }

    @Test func outOfOrderWithPlanGivesIdenticalBytes() throws {
        let ordered = try TemporaryDirectory("shards")
        let shuffled = try TemporaryDirectory("shards")
        let written: [UInt64] = [2, 4, 6, 10, 11, 12, 15]
        try synthetic.write(written, to: ordered.path, recordsPerShard: 3)

        let plan: [UInt64] = Array(1...16)
        let writer = try synthetic.writer(shuffled.path, recordsPerShard: 3, plan: plan)
        var random = SplitMix64(seed: 99)
        for id in plan.shuffled(using: &random) {
            if written.contains(id) { try writer.add(synthetic.record(id)) } else { try writer.skip(imageID: id) }
        }
        try synthetic.finish(writer)
        let names = try FileManager.default.contentsOfDirectory(atPath: ordered.path).sorted()
        #expect(names == ["embeddings.f16", "manifest.json", "shard-00000.t2is", "shard-00001.t2is", "shard-00002.t2is"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: shuffled.path).sorted() == names)
        for name in names {
            #expect(FileManager.default.contents(atPath: ordered.file(name)) == FileManager.default.contents(atPath: shuffled.file(name)), "\(name) differs")
        }
    }

    @Test func writerRejectsBadInput() throws {
        let folder = try TemporaryDirectory("shards")
        let plain = try ShardWriter(directory: folder.path, layout: synthetic.layout, vocabulary: synthetic.vocabulary,
                                    embeddings: synthetic.embeddings, recordsPerShard: 4)
        try plain.add(synthetic.record(5))
        #expect(throws: ShardError.self) { try plain.add(synthetic.record(4)) }
        #expect(throws: ShardError.self) { try plain.add(synthetic.record(5)) }
        var wrongSize = synthetic.record(6)
        wrongSize.pixels.removeLast()
        let error = #expect(throws: ShardError.self) { try plain.add(wrongSize) }
        #expect(error?.description.contains("image 6: has 89 pixel bytes") == true)
        var badToken = synthetic.record(7)
        badToken.captions[0].tokens[1] = UInt16(synthetic.vocabulary.count)
        #expect(throws: ShardError.self) { try plain.add(badToken) }

        let other = try TemporaryDirectory("shards")
        let planned = try ShardWriter(directory: other.path, layout: synthetic.layout, vocabulary: synthetic.vocabulary,
                                      embeddings: synthetic.embeddings, recordsPerShard: 4, plannedImageIDs: [1, 2, 3])
        #expect(throws: ShardError.self) { try planned.add(synthetic.record(9)) }
        try planned.add(synthetic.record(2))
        #expect(throws: ShardError.self) { try planned.skip(imageID: 2) }
        try planned.skip(imageID: 1)
        let unfinished = #expect(throws: ShardError.self) { try planned.finish(split: "test") }
        #expect(unfinished?.description.contains("image 3 was planned but never added or skipped") == true)
    }

    @Test func unfinishedFolderIsNeverAccepted() throws {
        let folder = try TemporaryDirectory("shards")
        try synthetic.write([1, 2, 3, 4, 5], to: folder.path, recordsPerShard: 2)
        #expect(throws: Never.self) { try ShardDataset(directory: folder.path) }
        // A new run over the same folder that stops before finish (a crash): the old manifest
        // is gone at once, completed shards are on disk, the shard in progress is a hidden
        // partial file with a zero header.
        let writer = try ShardWriter(directory: folder.path, layout: synthetic.layout, vocabulary: synthetic.vocabulary,
                                     embeddings: synthetic.embeddings, recordsPerShard: 2)
        for id: UInt64 in [1, 2, 3] { try writer.add(synthetic.record(id)) }
        let error = #expect(throws: ShardError.self) { try ShardDataset(directory: folder.path) }
        #expect(error?.description.contains("manifest.json: is missing") == true)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == [".shard-00001.t2is.partial", ".writer-run", "shard-00000.t2is"])
        #expect(throws: ShardError.self) { try ShardFile(path: folder.file(".shard-00001.t2is.partial")) }
        #expect(ShardVerifier.verify(directory: folder.path).isClean == false)
    }

    @Test func damagedRecordIsRefusedOnRead() throws {
        let folder = try TemporaryDirectory("shards")
        try synthetic.write([1, 2, 3, 4, 5], to: folder.path, recordsPerShard: 2)
        let layout = synthetic.layout
        try flipByte(in: folder.file("shard-00001.t2is"), at: ShardHeader.size + layout.recordSize + ShardLayout.pixelsOffset + 7)
        let dataset = try ShardDataset(directory: folder.path)
        #expect(throws: Never.self) { try dataset.record(2) }
        let error = #expect(throws: ShardError.self) { try dataset.record(3) }
        #expect(error?.description.hasPrefix("shard-00001.t2is record 1: checksum mismatch") == true)
        let unchecked = try ShardDataset(directory: folder.path, checkRecords: false)
        #expect(throws: Never.self) { try unchecked.record(3) }
    }
}

/// Inverts one byte of a file in place.
func flipByte(in path: String, at offset: Int) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    let byte = try #require(try handle.read(upToCount: 1)?.first)
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: [~byte])
}
